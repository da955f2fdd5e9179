import { test } from "uvu";
import * as assert from "uvu/assert";
import { MemoryBus } from "../../../models/memory-bus.ts";
import { setDefaultRegisterBus, type RegisterBus } from "../../../hal/register.ts";
import { Bcm2835Mailbox, CLOCK, MAILBOX_REGS, MESSAGE, STATUS as STATUS_BITS, TAG, readBoardInfo, type PropertyInterface, type PropertyTag } from "../../../drivers/mailbox/bcm2835.ts";
import { Bcm2835MailboxModel, FakeDma, type PropertyValues } from "../../../models/mailbox/bcm2835.ts";

const BASE = 0x2000_b880; // BCM2835: peripheral base 0x20000000 + 0xB880
const ALIAS = 0x4000_0000;
// Register addresses from the firmware wiki and Linux bcm2835-mailbox.c, written out again.
const READ = BASE + 0x00, STATUS = BASE + 0x18, WRITE = BASE + 0x20, WRITE_STATUS = BASE + 0x38;
const NAMES: Record<number, string> = { [READ]: "READ", [STATUS]: "STATUS", [WRITE]: "WRITE", [WRITE_STATUS]: "WRITE_STATUS" };
const accesses = (bus: MemoryBus) => bus.log.map((a) => (a.kind === "read" ? NAMES[a.addr] : `${NAMES[a.addr]}=${a.value.toString(16)}`));

interface Setup {
  base?: number;
  alias?: number;
  modelAlias?: number;
  values?: Partial<PropertyValues>;
  maxPolls?: number;
  /** A bus the driver uses instead of the model's (wrapping it). */
  wrap?: (bus: MemoryBus, model: Bcm2835MailboxModel, dma: FakeDma) => RegisterBus;
}

function setup(o: Setup = {}) {
  const base = o.base ?? BASE;
  const bus = new MemoryBus();
  const dma = new FakeDma();
  const model = new Bcm2835MailboxModel(bus, base, { dma, busAlias: o.modelAlias ?? o.alias ?? ALIAS, values: o.values });
  const mbox = new Bcm2835Mailbox({ base, bus: o.wrap ? o.wrap(bus, model, dma) : bus, dma, busAlias: o.alias ?? ALIAS, maxPolls: o.maxPolls });
  return { bus, dma, model, mbox };
}

/** Words of the property buffer, as the firmware would see them when the message is written. */
function snapshotOnWrite(into: number[][]) {
  return (bus: MemoryBus, _model: Bcm2835MailboxModel, dma: FakeDma): RegisterBus =>
    Object.assign(Object.create(bus) as MemoryBus, {
      write32: (addr: number, value: number) => {
        if (addr === WRITE) {
          const phys = value & 0x3fff_fff0;
          const total = dma.view(phys, 4).getUint32(0, true);
          const v = dma.view(phys, total);
          into.push(Array.from({ length: total / 4 }, (_, i) => v.getUint32(4 * i, true)));
        }
        bus.write32(addr, value);
      },
    });
}

test("registers: READ 0x00, STATUS 0x18 (FULL bit 31, EMPTY bit 30), WRITE 0x20, mailbox 1 status 0x38", () => {
  assert.equal([MAILBOX_REGS.READ.offset, MAILBOX_REGS.STATUS.offset, MAILBOX_REGS.WRITE.offset, MAILBOX_REGS.WRITE_STATUS.offset], [0x00, 0x18, 0x20, 0x38]);
  assert.is(STATUS_BITS.FULL >>> 0, 0x8000_0000);
  assert.is(STATUS_BITS.EMPTY, 0x4000_0000);
  assert.is(MESSAGE.CHANNEL, 0xf);
  assert.is(MESSAGE.DATA, 0xffff_fff0);
});

test("TAG and CLOCK values are the wiki's", () => {
  assert.equal(
    [TAG.GET_FIRMWARE_REVISION, TAG.GET_BOARD_MODEL, TAG.GET_BOARD_REVISION, TAG.GET_BOARD_MAC_ADDRESS, TAG.GET_BOARD_SERIAL, TAG.GET_ARM_MEMORY, TAG.GET_VC_MEMORY, TAG.GET_CLOCK_RATE],
    [0x1, 0x10001, 0x10002, 0x10003, 0x10004, 0x10005, 0x10006, 0x30002],
  );
  assert.equal(
    [TAG.ALLOCATE_BUFFER, TAG.SET_PHYSICAL_SIZE, TAG.SET_VIRTUAL_SIZE, TAG.SET_DEPTH, TAG.SET_PIXEL_ORDER, TAG.GET_PITCH, TAG.SET_VIRTUAL_OFFSET],
    [0x40001, 0x48003, 0x48004, 0x48005, 0x48006, 0x40008, 0x48009],
  );
  assert.equal([CLOCK.EMMC, CLOCK.UART, CLOCK.ARM, CLOCK.CORE], [1, 2, 3, 4]);
});

test("request buffer: the wiki's layout word for word, value buffers zeroed and padded to words", () => {
  const snaps: number[][] = [];
  const { dma, model, mbox } = setup({ wrap: snapshotOnWrite(snaps) });
  mbox.init();
  new Uint8Array(dma.allocations[0].buffer).fill(0xaa); // garbage from an earlier request
  mbox.property([
    { id: TAG.GET_BOARD_REVISION, size: 4 },
    { id: TAG.GET_CLOCK_RATE, request: [CLOCK.ARM], size: 8 },
    { id: TAG.GET_BOARD_MAC_ADDRESS, size: 6 },
  ]);
  assert.equal(snaps, [[
    68, 0x0000_0000, //                                 total size, request code
    0x0001_0002, 4, 0, 0, //                             tag, value buffer size, request code, value
    0x0003_0002, 8, 0, 3, 0, //                          clock id 3 (ARM), room for the rate
    0x0001_0003, 8, 0, 0, 0, //                          6 bytes padded to 8
    0x0000_0000, //                                      end tag
  ]]);
  assert.equal(model.errors, []);
});

test("message: buffer address | bus alias | channel 8, after checking mailbox 1 has room", () => {
  const { bus, dma, mbox } = setup();
  mbox.property([{ id: TAG.GET_BOARD_REVISION, size: 4 }]);
  const addr = dma.allocations[0].addr;
  assert.is(addr % 16, 0);
  const message = ((addr | ALIAS) >>> 0) + 8;
  assert.equal(accesses(bus), ["STATUS", "WRITE_STATUS", `WRITE=${message.toString(16)}`, "STATUS", "READ"]);
});

test("BCM2836: base 0x3F00B880 and bus alias 0xC0000000", () => {
  const base = 0x3f00_b880;
  const { bus, dma, model, mbox } = setup({ base, alias: 0xc000_0000 });
  assert.equal(mbox.property([{ id: TAG.GET_BOARD_REVISION, size: 4 }]), [[0x920092]]);
  assert.equal(bus.writes().map((a) => [a.addr, a.value]), [[base + 0x20, ((dma.allocations[0].addr | 0xc000_0000) >>> 0) + 8]]);
  assert.equal(model.errors, []);
});

test("a message without the alias is not what the firmware expects (the model notes it)", () => {
  const { model, mbox } = setup({ alias: 0, modelAlias: ALIAS, maxPolls: 20 });
  assert.throws(() => mbox.property([{ id: TAG.GET_BOARD_REVISION, size: 4 }]), /no answer/);
  assert.match(model.errors.join(), /alias/);
});

test("one DMA buffer, 1 KiB, 16-byte aligned, allocated once on first use; init touches no register", () => {
  const { bus, dma, mbox } = setup();
  assert.is(mbox.buffer, undefined);
  mbox.init();
  assert.is(bus.log.length, 0);
  for (let i = 0; i < 3; i++) mbox.property([{ id: TAG.GET_FIRMWARE_REVISION, size: 4 }]);
  assert.is(dma.allocations.length, 1);
  assert.is(dma.allocations[0].buffer.byteLength, 1024);
  assert.is(mbox.buffer, dma.allocations[0]);
});

test("responses: words per tag, response length / 4 rounded up (MAC: 6 bytes, 2 words)", () => {
  const { model, mbox } = setup({
    values: { firmwareRevision: 0x5f00_1234, macAddress: [0xb8, 0x27, 0xeb, 0x01, 0x02, 0x03], vcMemory: { base: 0x1e00_0000, size: 0x0200_0000 } },
  });
  const r = mbox.property([
    { id: TAG.GET_FIRMWARE_REVISION, size: 4 },
    { id: TAG.GET_BOARD_MAC_ADDRESS, size: 6 },
    { id: TAG.GET_VC_MEMORY, size: 8 },
    { id: TAG.GET_CLOCK_RATE, request: [CLOCK.EMMC], size: 8 },
    { id: TAG.GET_CLOCK_RATE, request: [9], size: 16 },
  ]);
  assert.equal(r, [[0x5f00_1234], [0x01eb_27b8, 0x0302], [0x1e00_0000, 0x0200_0000], [1, 50_000_000], [9, 700_000_000]]);
  assert.is(model.requests.length, 1);
  assert.equal(model.requests[0].tags.map((t) => t.size), [4, 8, 8, 8, 16]);
});

test("every response length 0..16 gives ceil(length / 4) words", () => {
  let length = 0;
  const { mbox } = setup({
    // The firmware's answer, rewritten as it is read: tag 0's response code says `length` bytes.
    wrap: (bus, _model, dma) => Object.assign(Object.create(bus) as MemoryBus, {
      read32: (addr: number) => {
        const v = bus.read32(addr);
        if (addr === READ) dma.view(v & 0x3fff_fff0, 24).setUint32(16, (0x8000_0000 | length) >>> 0, true);
        return v;
      },
    }),
  });
  for (length = 0; length <= 16; length++) {
    const r = mbox.property([{ id: TAG.GET_VC_MEMORY, size: 16 }]);
    assert.is(r[0].length, Math.ceil(length / 4), `${length} bytes`);
  }
});

test("framebuffer tags: set sizes, depth, pixel order, offset; allocate and pitch", () => {
  const { mbox } = setup();
  const r = mbox.property([
    { id: TAG.SET_PHYSICAL_SIZE, request: [800, 600], size: 8 },
    { id: TAG.SET_VIRTUAL_SIZE, request: [800, 1200], size: 8 },
    { id: TAG.SET_DEPTH, request: [32], size: 4 },
    { id: TAG.SET_PIXEL_ORDER, request: [0], size: 4 },
    { id: TAG.SET_VIRTUAL_OFFSET, request: [0, 600], size: 8 },
    { id: TAG.ALLOCATE_BUFFER, request: [16], size: 8 },
    { id: TAG.GET_PITCH, size: 4 },
  ]);
  assert.equal(r, [[800, 600], [800, 1200], [32], [0], [0, 600], [0x1c00_0000, 3200 * 1200], [3200]]);
});

test("readBoardInfo: one property call; by default what QEMU 7.2 raspi0 answers (seen there)", () => {
  const { model, mbox } = setup();
  const info = readBoardInfo(mbox);
  assert.equal(info, {
    model: 0,
    revision: 0x920092,
    serial: 0n,
    armMemory: { base: 0, size: 0x1c00_0000 },
    clocks: { arm: 700_000_000, core: 700_000_000, uart: 3_000_000 },
    firmware: 346337,
  });
  assert.is(model.requests.length, 1);
  assert.equal(model.requests[0].tags.map((t) => t.id), [0x10001, 0x10002, 0x10004, 0x10005, 0x30002, 0x30002, 0x30002, 0x1]);
  assert.equal(model.requests[0].tags.slice(4, 7).map((t) => t.request[0]), [3, 4, 2]);
});

test("readBoardInfo: configured values, a 64-bit serial low word first", () => {
  const { mbox } = setup({
    values: {
      boardModel: 7, boardRevision: 0x9000c1, serial: 0x1234_5678_9abc_def0n, firmwareRevision: 1_600_000_000,
      armMemory: { base: 0, size: 0x1e00_0000 }, clocks: { 2: 48_000_000, 3: 1_000_000_000, 4: 400_000_000 },
    },
  });
  assert.equal(readBoardInfo(mbox), {
    model: 7, revision: 0x9000c1, serial: 0x1234_5678_9abc_def0n,
    armMemory: { base: 0, size: 0x1e00_0000 },
    clocks: { arm: 1_000_000_000, core: 400_000_000, uart: 48_000_000 },
    firmware: 1_600_000_000,
  });
});

test("readBoardInfo refuses short answers and a clock answer for the wrong clock", () => {
  const fake = (answer: number[][]): PropertyInterface => ({ property: () => answer });
  const good = [[0], [1], [2, 3], [0, 4], [3, 5], [4, 6], [2, 7], [8]];
  assert.equal(readBoardInfo(fake(good)).clocks, { arm: 5, core: 6, uart: 7 });
  assert.equal(readBoardInfo(fake(good)).serial, (3n << 32n) | 2n);
  assert.throws(() => readBoardInfo(fake(good.slice(0, 7))), /tag 7/);
  assert.throws(() => readBoardInfo(fake([...good.slice(0, 3), [0], ...good.slice(4)])), /tag 3 has 1 words/);
  assert.throws(() => readBoardInfo(fake([...good.slice(0, 4), [4, 5], ...good.slice(5)])), /clock 3.*clock 4/);
});

test("firmware error response 0x80000001 throws; the next request works", () => {
  const { model, mbox } = setup();
  model.failNext = 1;
  assert.throws(() => mbox.property([{ id: TAG.GET_BOARD_REVISION, size: 4 }]), /could not parse.*0x80000001/);
  assert.equal(mbox.property([{ id: TAG.GET_BOARD_REVISION, size: 4 }]), [[0x920092]]);
});

test("a tag the firmware did not answer, and an answer longer than its value buffer, throw", () => {
  const { mbox } = setup();
  assert.throws(() => mbox.property([{ id: TAG.GET_FIRMWARE_REVISION, size: 4 }, { id: 0x0009_9999, size: 4 }]), /did not answer tag 0x00099999 \(tag 1\)/);
  assert.throws(() => mbox.property([{ id: TAG.GET_CLOCK_RATE, request: [CLOCK.ARM], size: 4 }]), /0x00030002 answers 8 bytes; its value buffer has 4/);
});

test("timeout: a firmware that never answers ends in an Error after maxPolls reads of STATUS", () => {
  const { bus, model, mbox } = setup({ maxPolls: 25 });
  model.respond = false;
  assert.throws(() => mbox.property([{ id: TAG.GET_BOARD_REVISION, size: 4 }]), (e: unknown) =>
    e instanceof Error && /no answer from the VideoCore firmware/.test(e.message) && /MBOX\.STATUS\[0x40000000\]/.test(e.message)); // STATUS.EMPTY
  const statusReads = bus.log.filter((a) => a.addr === STATUS).length;
  assert.ok(statusReads >= 25 && statusReads <= 27, `${statusReads} reads of STATUS`);
  assert.is(bus.log.filter((a) => a.addr === READ).length, 0);
});

test("timeout: mailbox 1 stays full; nothing is written", () => {
  const { bus, model, mbox } = setup({ maxPolls: 10 });
  model.writeFullPolls = 1000;
  assert.throws(() => mbox.property([{ id: TAG.GET_BOARD_REVISION, size: 4 }]), /mailbox stayed full/);
  assert.is(bus.writes().length, 0);
  assert.is(bus.log.filter((a) => a.addr === WRITE_STATUS).length, 10);
});

test("waits for room in mailbox 1 and for a late answer", () => {
  const { bus, model, mbox } = setup({ maxPolls: 10 });
  model.writeFullPolls = 3;
  model.answerDelayPolls = 5;
  assert.equal(mbox.property([{ id: TAG.GET_BOARD_REVISION, size: 4 }]), [[0x920092]]);
  assert.equal(model.errors, []);
  assert.is(bus.log.filter((a) => a.addr === WRITE_STATUS).length, 4);
  assert.is(bus.log.filter((a) => a.addr === STATUS).length, 1 + 5);
});

test("messages on other channels, or for another buffer, are read and dropped", () => {
  let push: (() => void) | undefined;
  const { model, mbox } = setup({
    wrap: (bus, model) => Object.assign(Object.create(bus) as MemoryBus, {
      write32: (addr: number, value: number) => {
        bus.write32(addr, value);
        if (addr === WRITE && push) push();
      },
    }),
  });
  model.answerDelayPolls = 3;
  push = () => {
    model.push(0x1234_5671); // channel 1
    model.push(0x5000_0008); // channel 8, not our buffer
  };
  assert.equal(mbox.property([{ id: TAG.GET_BOARD_REVISION, size: 4 }]), [[0x920092]]);
  assert.is(mbox.dropped, 2);
  assert.is(model.pending, 0);
  assert.is(model.underflows, 0);
});

test("messages left in mailbox 0 (a late answer to a request that timed out) are read away first", () => {
  const { dma, model, mbox } = setup({ maxPolls: 5 });
  model.respond = false;
  assert.throws(() => mbox.property([{ id: TAG.GET_BOARD_REVISION, size: 4 }]), /no answer/);
  model.push(((dma.allocations[0].addr | ALIAS) >>> 0) + 8); // the answer comes after all
  model.push(0x0000_0011);
  model.respond = true;
  assert.equal(mbox.property([{ id: TAG.GET_BOARD_REVISION, size: 4 }]), [[0x920092]]);
  assert.is(model.pending, 0, "the fresh answer was consumed, not the stale one");
  assert.is(mbox.dropped, 2);
});

test("refuses bad requests before touching the bus or the buffer", () => {
  const { bus, dma, mbox } = setup();
  mbox.init();
  const before = new Uint8Array(dma.allocations[0].buffer).slice();
  const bad: PropertyTag[][] = [
    [{ id: 0, size: 4 }],
    [{ id: -1, size: 4 }],
    [{ id: TAG.GET_CLOCK_RATE, request: [1, 2, 3], size: 8 }],
    [{ id: TAG.GET_CLOCK_RATE, request: [2 ** 32], size: 8 }],
    [{ id: TAG.GET_CLOCK_RATE, request: [1.5], size: 8 }],
    [{ id: TAG.GET_BOARD_REVISION, size: -4 }],
    [{ id: TAG.GET_BOARD_REVISION, size: 4 }, { id: TAG.GET_COMMAND_LINE, size: 1024 }],
  ];
  for (const tags of bad) assert.throws(() => mbox.property(tags), RangeError, JSON.stringify(tags));
  assert.is(bus.log.length, 0);
  assert.equal(new Uint8Array(dma.allocations[0].buffer), before);
  // 1024 bytes: 12 for the frame, 12 + 1000 for the tag.
  assert.equal(mbox.property([{ id: TAG.GET_BOARD_REVISION, size: 1000 }]), [[0x920092]]);
});

test("refuses a missing base, a bad bus alias, and a DMA buffer the VideoCore cannot address", () => {
  const dma = new FakeDma();
  const bus = new MemoryBus();
  assert.throws(() => new Bcm2835Mailbox({ base: 0, bus, dma, busAlias: ALIAS }).init(), /base/);
  assert.throws(() => new Bcm2835Mailbox({ base: BASE, bus, dma, busAlias: 0x2000_0000 }).init(), RangeError);
  assert.throws(() => new Bcm2835Mailbox({ base: BASE, bus, dma, busAlias: ALIAS, bufferSize: 100 }).init(), RangeError);
  assert.throws(() => new Bcm2835Mailbox({ base: BASE, bus, dma: new FakeDma(0x4000_0000), busAlias: ALIAS }).init(), /below 1 GiB/);
  assert.throws(() => new Bcm2835Mailbox({ base: BASE, bus, dma, busAlias: ALIAS, maxPolls: 0 }), RangeError);
  setDefaultRegisterBus(undefined); // as in host tests: no native mmio
  assert.throws(() => new Bcm2835Mailbox({ base: BASE, dma, busAlias: ALIAS }).init(), /RegisterBus/);
  assert.is(dma.allocations.length, 0, "nothing allocated by a failed init");
  const misaligned = { alloc: (size: number) => ({ addr: 0x1000_0008, buffer: new ArrayBuffer(size) }) };
  assert.throws(() => new Bcm2835Mailbox({ base: BASE, bus, dma: misaligned, busAlias: ALIAS }).init(), /aligned/);
  assert.is(bus.log.length, 0);
});

test("model: FakeDma aligns, refuses overflow and finds addresses", () => {
  const dma = new FakeDma(0x1000, 0x100);
  const a = dma.alloc(3, 1);
  const b = dma.alloc(16, 64);
  assert.equal([a.addr, b.addr], [0x1000, 0x1040]);
  assert.equal(dma.find(0x1045, 4), { buffer: b, offset: 5 });
  assert.is(dma.find(0x104e, 4), undefined);
  assert.throws(() => dma.alloc(0x100), /full/);
  assert.throws(() => dma.alloc(4, 3), RangeError);
});

test("model: malformed buffers get 0x80000001 and a note (unpadded size, no end tag)", () => {
  const bus = new MemoryBus();
  const dma = new FakeDma();
  const model = new Bcm2835MailboxModel(bus, BASE, { dma, busAlias: ALIAS });
  const buf = dma.alloc(64);
  const v = new DataView(buf.buffer);
  const send = (words: number[]) => {
    words.forEach((w, i) => v.setUint32(4 * i, w, true));
    bus.write32(WRITE, (buf.addr | ALIAS) + 8);
    return v.getUint32(4, true);
  };
  assert.is(send([28, 0, 0x10003, 6, 0, 0, 0]), 0x8000_0001);
  assert.match(model.errors.at(-1) ?? "", /whole words/);
  assert.is(send([24, 0, 0x10002, 4, 0, 0]), 0x8000_0001);
  assert.match(model.errors.at(-1) ?? "", /end tag/);
  assert.is(send([24, 0, 0x10002, 4, 0, 0, 0]), 0x8000_0001, "24 bytes leave the end tag out");
  assert.is(send([28, 0, 0x10002, 4, 0, 0, 0]), 0x8000_0000);
  assert.is(v.getUint32(16, true), 0x8000_0004);
  assert.is(v.getUint32(20, true), 0x920092);
  assert.is(model.pending, 4);
});

test.run();
