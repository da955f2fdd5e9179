/**
 * The VideoCore firmware's property interface (mailbox channel 8): tag identifiers, clock
 * identifiers and the board facts read at boot. After the Raspberry Pi firmware wiki, "Mailbox
 * property interface" (github.com/raspberrypi/firmware/wiki/Mailbox-property-interface). The
 * transport (buffer layout, mailbox registers) is in ./bcm2835.ts; this file knows no register.
 */

/** One tag of a property request: its identifier, request words and value buffer size. */
export interface PropertyTag {
  readonly id: number;
  /** The request value words (default none). */
  readonly request?: readonly number[];
  /** Value buffer size in bytes (>= request and response); rounded up to a multiple of 4. */
  readonly size: number;
}

/** Something that answers property requests: the mailbox driver, or a fake in tests. */
export interface PropertyInterface {
  /**
   * Sends `tags` in one property buffer and returns each tag's response value words (the
   * response length / 4, rounded up). Throws an Error on a firmware error response, a tag the
   * firmware did not answer, or a timeout.
   */
  property(tags: readonly PropertyTag[]): number[][];
}

/** Tag identifiers (wiki, "Tags (ARM to VC)"). */
export const TAG = {
  GET_FIRMWARE_REVISION: 0x0000_0001,
  GET_BOARD_MODEL: 0x0001_0001,
  GET_BOARD_REVISION: 0x0001_0002,
  GET_BOARD_MAC_ADDRESS: 0x0001_0003,
  GET_BOARD_SERIAL: 0x0001_0004,
  GET_ARM_MEMORY: 0x0001_0005,
  GET_VC_MEMORY: 0x0001_0006,
  GET_COMMAND_LINE: 0x0005_0001,
  GET_DMA_CHANNELS: 0x0006_0001,
  GET_POWER_STATE: 0x0002_0001,
  SET_POWER_STATE: 0x0002_8001,
  GET_CLOCK_STATE: 0x0003_0001,
  GET_CLOCK_RATE: 0x0003_0002,
  GET_MAX_CLOCK_RATE: 0x0003_0004,
  GET_MIN_CLOCK_RATE: 0x0003_0007,
  SET_CLOCK_RATE: 0x0003_8002,
  GET_TEMPERATURE: 0x0003_0006,
  GET_MAX_TEMPERATURE: 0x0003_000a,
  // Framebuffer.
  ALLOCATE_BUFFER: 0x0004_0001,
  RELEASE_BUFFER: 0x0004_8001,
  GET_PHYSICAL_SIZE: 0x0004_0003,
  SET_PHYSICAL_SIZE: 0x0004_8003,
  GET_VIRTUAL_SIZE: 0x0004_0004,
  SET_VIRTUAL_SIZE: 0x0004_8004,
  GET_DEPTH: 0x0004_0005,
  SET_DEPTH: 0x0004_8005,
  GET_PIXEL_ORDER: 0x0004_0006,
  SET_PIXEL_ORDER: 0x0004_8006,
  GET_PITCH: 0x0004_0008,
  GET_VIRTUAL_OFFSET: 0x0004_0009,
  SET_VIRTUAL_OFFSET: 0x0004_8009,
} as const;

/** Clock identifiers for the clock tags (wiki, "Clocks"). */
export const CLOCK = {
  EMMC: 1,
  UART: 2,
  ARM: 3,
  CORE: 4,
  V3D: 5,
  H264: 6,
  ISP: 7,
  SDRAM: 8,
  PIXEL: 9,
  PWM: 10,
} as const;

/** What board.info() reports, read with one property call. */
export interface BoardInfo {
  /** Board model (0 under QEMU, which does not implement the tag). */
  model: number;
  /** Board revision code (new-style codes encode type, memory and maker). */
  revision: number;
  /** Board serial number (0n under QEMU). */
  serial: bigint;
  /** The RAM the ARM owns; the VideoCore has the rest. */
  armMemory: { base: number; size: number };
  /** Clock rates in Hz. */
  clocks: { arm: number; core: number; uart: number };
  /** Firmware revision (a build timestamp on real firmware). */
  firmware: number;
}

/** The request of readBoardInfo(), built once: tags are plain data and never change. */
let boardInfoTags: readonly PropertyTag[] | undefined;

/** Reads the board's facts with one property call. */
export function readBoardInfo(mbox: PropertyInterface): BoardInfo {
  const tags = (boardInfoTags ??= [
    { id: TAG.GET_BOARD_MODEL, size: 4 },
    { id: TAG.GET_BOARD_REVISION, size: 4 },
    { id: TAG.GET_BOARD_SERIAL, size: 8 },
    { id: TAG.GET_ARM_MEMORY, size: 8 },
    { id: TAG.GET_CLOCK_RATE, request: [CLOCK.ARM], size: 8 },
    { id: TAG.GET_CLOCK_RATE, request: [CLOCK.CORE], size: 8 },
    { id: TAG.GET_CLOCK_RATE, request: [CLOCK.UART], size: 8 },
    { id: TAG.GET_FIRMWARE_REVISION, size: 4 },
  ]);
  const r = mbox.property(tags);
  const serialLow = word(r, 2, 0);
  const serialHigh = word(r, 2, 1);
  return {
    model: word(r, 0, 0),
    revision: word(r, 1, 0),
    // u64, little-endian (wiki: "Get board serial"): the low word first.
    serial: (BigInt(serialHigh) << 32n) | BigInt(serialLow),
    armMemory: { base: word(r, 3, 0), size: word(r, 3, 1) },
    // A clock response is (clock id, rate in Hz).
    clocks: { arm: clockRate(r, 4, CLOCK.ARM), core: clockRate(r, 5, CLOCK.CORE), uart: clockRate(r, 6, CLOCK.UART) },
    firmware: word(r, 7, 0),
  };
}

function word(response: number[][], tag: number, index: number): number {
  const words = response[tag];
  if (words === undefined || index >= words.length) {
    throw new Error(`readBoardInfo: the response to tag ${tag} has ${words === undefined ? 0 : words.length} words; expected ${index + 1}`);
  }
  return words[index];
}

function clockRate(response: number[][], tag: number, id: number): number {
  const got = word(response, tag, 0);
  if (got !== id) throw new Error(`readBoardInfo: asked for clock ${id}, the firmware answered for clock ${got}`);
  return word(response, tag, 1);
}
