/**
 * The virtio-mmio transport, modern interface (version 2), driver side.
 *
 * Follows Virtual I/O Device (VIRTIO) Version 1.2 (OASIS, 2022): MMIO device register layout
 * (4.2.2), device initialization (4.2.3.1), virtqueue configuration (4.2.3.2), notifications
 * (4.2.3.3, 4.2.3.4), device status field (2.1), feature bits (2.2, 6), the configuration
 * space and its generation counter (2.5, 4.2.2.2), and the general initialization sequence
 * (3.1.1). Device drivers (drivers/net/virtio-net.ts) are built on it; the virtqueues themselves
 * are drivers/virtio/virtqueue.ts.
 *
 * QEMU's transports default to the legacy interface (version 1); `-global
 * virtio-mmio.force-legacy=false` selects the modern one (hw/virtio/virtio-mmio.c). Firecracker's
 * are modern. A legacy transport is refused with an error saying so: its queue setup (QueuePFN)
 * and guest-endian config space are a different protocol.
 */
import { array, defineRegisters, ro, rw, wo, type PolledDeviceOptions } from "../../hal/register.ts";
import { PollTimeoutError, pollOptions, type PollOptions } from "../../hal/poll.ts";

/** MagicValue: "virt" in little-endian ASCII (4.2.2). */
export const VIRTIO_MMIO_MAGIC = 0x7472_6976;
/** Version of the modern interface (4.2.2); 1 is the legacy one (4.2.4). */
export const VIRTIO_MMIO_VERSION_MODERN = 2;
export const VIRTIO_MMIO_VERSION_LEGACY = 1;

/** Device status field (2.1). */
export enum STATUS {
  ACKNOWLEDGE = 1, DRIVER = 2, DRIVER_OK = 4, FEATURES_OK = 8, DEVICE_NEEDS_RESET = 64, FAILED = 128,
}
/** InterruptStatus / InterruptACK bits (4.2.2). */
export enum INTERRUPT { USED_BUFFER = 1 << 0, CONFIG_CHANGE = 1 << 1 }
/** QueueReady (4.2.2). */
export enum QUEUE_READY { READY = 1 << 0 }

/** The register layout of a virtio-mmio transport, VIRTIO 1.2 table in 4.2.2. */
export const VIRTIO_MMIO_REGS = defineRegisters({
  MAGIC_VALUE: ro(0x000),
  VERSION: ro(0x004),
  DEVICE_ID: ro(0x008),
  VENDOR_ID: ro(0x00c),
  DEVICE_FEATURES: ro(0x010),
  DEVICE_FEATURES_SEL: wo(0x014),
  DRIVER_FEATURES: wo(0x020),
  DRIVER_FEATURES_SEL: wo(0x024),
  QUEUE_SEL: wo(0x030),
  QUEUE_NUM_MAX: ro(0x034),
  QUEUE_NUM: wo(0x038),
  QUEUE_READY: rw<QUEUE_READY>(0x044),
  QUEUE_NOTIFY: wo(0x050),
  INTERRUPT_STATUS: ro<INTERRUPT>(0x060),
  INTERRUPT_ACK: wo<INTERRUPT>(0x064),
  STATUS: rw<STATUS>(0x070),
  QUEUE_DESC_LOW: wo(0x080),
  QUEUE_DESC_HIGH: wo(0x084),
  QUEUE_DRIVER_LOW: wo(0x090),
  QUEUE_DRIVER_HIGH: wo(0x094),
  QUEUE_DEVICE_LOW: wo(0x0a0),
  QUEUE_DEVICE_HIGH: wo(0x0a4),
  CONFIG_GENERATION: ro(0x0fc),
  /** Device-specific configuration space, read with the width of each field (4.2.2.2). */
  CONFIG8: array(ro(0x100, 8), 0x100),
  CONFIG16: array(ro(0x100, 16), 0x80),
  CONFIG32: array(ro(0x100), 0x40),
}, { name: "VIRTIO_MMIO" });

export type VirtioMmioRegisters = ReturnType<typeof VIRTIO_MMIO_REGS.at>;

/** VIRTIO_F_VERSION_1, feature bit 32 (6): bit 0 of the high feature word. Required here. */
export const F_VERSION_1_HIGH = 1 << 0;
/** Times the config space is read again when its generation changes under the driver (2.5.1). */
const CONFIG_RETRIES = 8;

/** Feature bits as two 32-bit words (DeviceFeaturesSel / DriverFeaturesSel 0 and 1). */
export interface FeatureWords {
  readonly low: number;
  readonly high: number;
}

/** Where a virtqueue's three parts are (4.2.2: QueueDesc, QueueDriver, QueueDevice). */
export interface QueueAddresses {
  readonly desc: number;
  readonly driver: number;
  readonly device: number;
}

export interface VirtioMmioOptions extends PolledDeviceOptions {
  /** The device ID the driver drives (5: 1 network card, 2 block device, ...). */
  readonly deviceId: number;
  /** Short name of the device driver, for error messages ("VirtioNet"). */
  readonly name?: string;
}

export class VirtioMmio {
  readonly base: number;
  readonly deviceId: number;
  readonly registers: VirtioMmioRegisters;
  private readonly name: string;
  private readonly wait?: PollOptions;
  private status = 0;

  constructor(options: VirtioMmioOptions) {
    this.base = options.base;
    this.deviceId = options.deviceId;
    this.name = options.name ?? "VirtioMmio";
    this.wait = pollOptions(options.maxPolls);
    this.registers = VIRTIO_MMIO_REGS.at(options.base, options.bus);
  }

  /**
   * What sits at `base`, for a board that scans transports (QEMU's microvm without a command
   * line): undefined when MagicValue is wrong, else the interface version and the device ID
   * (0: an empty transport, which 4.2.2.2 says to ignore silently). Reads ID registers only.
   */
  identify(): { version: number; deviceId: number } | undefined {
    const r = this.registers;
    if (r.MAGIC_VALUE.read() !== VIRTIO_MMIO_MAGIC) return undefined;
    return { version: r.VERSION.read(), deviceId: r.DEVICE_ID.read() };
  }

  /**
   * Checks that a modern transport with the expected device sits at `base` (4.2.3.1.1: the
   * driver MUST ignore a device with a wrong MagicValue or Version; a DeviceID of 0 is a
   * placeholder with no device behind it, 4.2.3.1). Reads only the ID registers.
   */
  probe(): void {
    if (!this.base) throw new Error(`${this.name}: invalid base address`);
    const r = this.registers;
    const at = `at 0x${hex(this.base)}`;
    const magic = r.MAGIC_VALUE.read();
    if (magic !== VIRTIO_MMIO_MAGIC) {
      throw new Error(`${this.name}: no virtio-mmio transport ${at}: MagicValue is 0x${hex(magic)}, not 0x74726976 ("virt")`);
    }
    const version = r.VERSION.read();
    if (version === VIRTIO_MMIO_VERSION_LEGACY) {
      throw new Error(`${this.name}: the virtio-mmio transport ${at} has the legacy interface (version 1); this driver needs the modern one (version 2): give QEMU -global virtio-mmio.force-legacy=false`);
    }
    if (version !== VIRTIO_MMIO_VERSION_MODERN) throw new Error(`${this.name}: the virtio-mmio transport ${at} has version ${version}; this driver knows version 2`);
    const id = r.DEVICE_ID.read();
    if (id === 0) throw new Error(`${this.name}: no device behind the virtio-mmio transport ${at} (device ID 0)`);
    if (id !== this.deviceId) throw new Error(`${this.name}: the virtio-mmio transport ${at} has device ID ${id}, not ${this.deviceId}`);
  }

  /**
   * Steps 1 to 6 of 3.1.1: reset, ACKNOWLEDGE, DRIVER, feature negotiation, FEATURES_OK and its
   * check. `choose` gets the device's features and returns the driver's, a subset; it may throw
   * (a feature the driver needs is missing), and then FAILED is set. Returns what was accepted.
   */
  negotiate(choose: (device: FeatureWords) => FeatureWords): FeatureWords {
    const r = this.registers;
    // 1. Reset the device; wait until Status reads 0 (4.2.3.1.1).
    this.reset();
    // 2. ACKNOWLEDGE: the guest noticed the device. 3. DRIVER: it knows how to drive it.
    this.setStatus(STATUS.ACKNOWLEDGE);
    this.setStatus(STATUS.DRIVER);
    // 4. Read the device's feature bits and write the subset the driver understands (4.2.2).
    r.DEVICE_FEATURES_SEL.write(0);
    const low = r.DEVICE_FEATURES.read();
    r.DEVICE_FEATURES_SEL.write(1);
    const high = r.DEVICE_FEATURES.read();
    let chosen: FeatureWords;
    try {
      chosen = choose({ low, high });
      if ((chosen.low & ~low) !== 0 || (chosen.high & ~high) !== 0) throw new Error(`${this.name}: driver features are not a subset of the device's`);
    } catch (e) {
      this.fail();
      throw e;
    }
    r.DRIVER_FEATURES_SEL.write(0);
    r.DRIVER_FEATURES.write(chosen.low >>> 0);
    r.DRIVER_FEATURES_SEL.write(1);
    r.DRIVER_FEATURES.write(chosen.high >>> 0);
    // 5. FEATURES_OK; 6. read it back: a device that does not accept the subset clears it.
    this.setStatus(STATUS.FEATURES_OK);
    if ((r.STATUS.read() & STATUS.FEATURES_OK) === 0) {
      this.status &= ~STATUS.FEATURES_OK;
      this.fail();
      throw new Error(`${this.name}: the device at 0x${hex(this.base)} refused the features 0x${hex(chosen.high)}_${hex(chosen.low)} (FEATURES_OK did not stay set, 3.1.1 step 6)`);
    }
    return chosen;
  }

  /**
   * Sets up virtqueue `index` with `size` entries (4.2.3.2): select it, check it is not in use
   * and holds `size` entries, then `allocate()` the zeroed queue memory, then size, addresses
   * and QueueReady. Throws, after setting FAILED, if the queue is missing, in use or too small.
   */
  setupQueue(index: number, size: number, allocate: () => QueueAddresses): void {
    const r = this.registers;
    // 1. Select the queue. 2. It must not be in use.
    r.QUEUE_SEL.write(index);
    if (r.QUEUE_READY.read() !== 0) {
      this.fail();
      throw new Error(`${this.name}: virtqueue ${index} is already in use (QueueReady is not 0)`);
    }
    // 3. Its maximum size; 0 means there is no such queue.
    const max = r.QUEUE_NUM_MAX.read();
    if (max === 0 || max < size) {
      this.fail();
      throw new Error(max === 0
        ? `${this.name}: the device has no virtqueue ${index} (QueueNumMax is 0)`
        : `${this.name}: virtqueue ${index} holds at most ${max} entries; ${size} asked`);
    }
    // 4. Allocate and zero the queue memory.
    let addr: QueueAddresses;
    try {
      addr = allocate();
    } catch (e) {
      this.fail();
      throw e;
    }
    // 5. The size.
    r.QUEUE_NUM.write(size);
    // 6. The three parts' 64-bit physical addresses, low then high word.
    r.QUEUE_DESC_LOW.write(addr.desc >>> 0);
    r.QUEUE_DESC_HIGH.write(high32(addr.desc));
    r.QUEUE_DRIVER_LOW.write(addr.driver >>> 0);
    r.QUEUE_DRIVER_HIGH.write(high32(addr.driver));
    r.QUEUE_DEVICE_LOW.write(addr.device >>> 0);
    r.QUEUE_DEVICE_HIGH.write(high32(addr.device));
    // 7. Ready.
    r.QUEUE_READY.write(QUEUE_READY.READY);
  }

  /**
   * Resets the device and waits, bounded, until Status reads 0: writing 0 to Status is a device
   * reset (2.1, 2.4; the Status row of 4.2.2), after which the device has cleared QueueReady of
   * every queue and InterruptStatus (4.2.2.1) and uses no buffer of the old queues any more; the
   * driver waits for Status to read 0 before it sets the device up again (4.2.3.1.1). Throws when
   * Status does not return to 0.
   */
  reset(): void {
    const r = this.registers;
    r.STATUS.write(0);
    this.status = 0;
    try {
      r.STATUS.waitUntil(0xff as STATUS, 0, this.wait);
    } catch (e) {
      throw e instanceof PollTimeoutError ? new Error(`${this.name}: the device at 0x${hex(this.base)} did not reset (${e.message})`) : e;
    }
  }

  /** 3.1.1 step 8: DRIVER_OK, the device is live. */
  driverOk(): void {
    this.setStatus(STATUS.DRIVER_OK);
  }

  /** Sets FAILED: the driver gave up on the device (2.1.2). */
  fail(): void {
    this.setStatus(STATUS.FAILED);
  }

  /** Status as the device reports it (DEVICE_NEEDS_RESET among others). */
  readStatus(): number {
    return this.registers.STATUS.read();
  }

  /**
   * Reads the configuration space consistently: `read` runs again while ConfigGeneration changes
   * under it (2.5.1, 4.2.2.2), at most CONFIG_RETRIES times, after which the last result stands
   * (a device that never settles cannot make the caller loop forever).
   */
  readConfig<T>(read: (r: VirtioMmioRegisters) => T): T {
    const gen = this.registers.CONFIG_GENERATION;
    let before = gen.read();
    let value = read(this.registers);
    for (let i = 0; i < CONFIG_RETRIES; i++) {
      const after = gen.read();
      if (after === before) break;
      before = after;
      value = read(this.registers);
    }
    return value;
  }

  /** Reads InterruptStatus and acknowledges what it read (4.2.3.4); returns it. */
  takeInterrupt(): number {
    const r = this.registers;
    const pending = r.INTERRUPT_STATUS.read();
    if (pending !== 0) r.INTERRUPT_ACK.write(pending);
    return pending;
  }

  /** Tells the device that queue `index` has new buffers (4.2.3.3). */
  notify(index: number): void {
    this.registers.QUEUE_NOTIFY.write(index);
  }

  private setStatus(bit: STATUS): void {
    this.status |= bit;
    this.registers.STATUS.write(this.status);
  }
}

/** Bits 63:32 of a physical address below 2^53 (without Math, whose first use is costly). */
function high32(addr: number): number {
  return ((addr - (addr >>> 0)) / 0x1_0000_0000) >>> 0;
}

export function hex(n: number): string {
  return (n >>> 0).toString(16).padStart(8, "0");
}
