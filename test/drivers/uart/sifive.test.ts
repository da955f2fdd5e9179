import { test } from "uvu";
import * as assert from "uvu/assert";
import { MemoryBus } from "../../../models/memory-bus.ts";
import { Serial, type SerialOptions } from "../../../io/serial.ts";
import { IP as IP_BITS, RXCTRL as RXCTRL_BITS, SifiveUart, sifiveUartDivisor } from "../../../drivers/uart/sifive.ts";
import { SifiveUartModel, type SifiveUartModelOptions } from "../../../models/uart/sifive.ts";
import { FakeIrq } from "../../support/fake-irq.ts";
import { onEachRead } from "../../support/passing-time.ts";
import { checkDivisor } from "../../support/uart-checks.ts";

const BASE = 0x1001_0000; // FU540 UART0
const CLOCK = 16_666_667; // tlclk at QEMU's reset
const LINE = 4; // UART0's PLIC source
// Offsets from the FU540-C000 Manual chapter 13, written out again so a wrong one in the driver shows.
const TXDATA = BASE + 0x00, RXDATA = BASE + 0x04, TXCTRL = BASE + 0x08, RXCTRL = BASE + 0x0c;
const IE = BASE + 0x10, IP = BASE + 0x14, DIV = BASE + 0x18;
const NAMES: Record<number, string> = { [TXDATA]: "TXDATA", [RXDATA]: "RXDATA", [TXCTRL]: "TXCTRL", [RXCTRL]: "RXCTRL", [IE]: "IE", [IP]: "IP", [DIV]: "DIV" };
const accesses = (bus: MemoryBus) => bus.log.map((a) => (a.kind === "read" ? NAMES[a.addr] : `${NAMES[a.addr]}=${a.value.toString(16)}`));

function setup(options: SifiveUartModelOptions = {}, maxPolls?: number) {
  const bus = new MemoryBus({ logLimit: 10_000 });
  const model = new SifiveUartModel(bus, BASE, options);
  const uart = new SifiveUart({ base: BASE, clockHz: CLOCK, bus, maxPolls });
  return { bus, model, uart };
}

/** A bus on which time passes: the line sends one byte per read of txdata. */
const slowLine = (bus: MemoryBus, model: SifiveUartModel) => onEachRead(bus, [TXDATA], "before", () => model.transmit(1));

test("init: IE=0, DIV for 115200 from tlclk, TXCTRL=txen, RXCTRL=rxen; only writes", () => {
  const { bus, model, uart } = setup();
  uart.init();
  assert.equal(accesses(bus), ["IE=0", "DIV=90", "TXCTRL=1", "RXCTRL=1"]);
  assert.ok(Math.abs(model.baudRate(CLOCK) - 115200) / 115200 < 0.005, `${model.baudRate(CLOCK)} baud`);
  assert.is(IP_BITS.RXWM, 0x2);
  assert.is(RXCTRL_BITS.RXCNT, 0x7_0000);
});

test("sifiveUartDivisor: round(clock / baud) - 1, refusing what 16 bits cannot divide", () => {
  checkDivisor(sifiveUartDivisor, [[16_666_667, 115200, 144], [500_000_000, 115200, 4339], [33_333_333, 9600, 3471], [1000, 500, 1]], [[16_666_667, 0], [0, 115200], [16_666_667, 16_666_667], [500_000_000, 300], [NaN, 9600]]);
});

test("init refuses a zero base before touching the bus; receive interrupts need init", () => {
  const bus = new MemoryBus();
  assert.throws(() => new SifiveUart({ base: 0, clockHz: CLOCK, bus }).init(), /base/);
  const uart = new SifiveUart({ base: BASE, clockHz: CLOCK, bus });
  assert.throws(() => uart.enableReceiveInterrupts());
  uart.disableReceiveInterrupts(); // nothing to disable yet
  assert.is(bus.log.length, 0);
});

test("writeByte, writeString: bytes and UTF-8 on the line", () => {
  const { model, uart } = setup();
  uart.init();
  uart.writeByte(0x141);
  uart.writeString("héllo € 😀 \ud800!\n");
  assert.equal(model.transmitted, [0x41, ...new TextEncoder().encode("héllo € 😀 \ud800!\n")]);
});

test("writeByte waits while txdata.full, then writes; nothing lost", () => {
  const { bus, model } = setup({ autoTransmit: false });
  const uart = new SifiveUart({ base: BASE, clockHz: CLOCK, bus: slowLine(bus, model) });
  uart.init();
  const data = Array.from({ length: 40 }, (_, i) => i);
  for (const b of data) uart.writeByte(b);
  model.transmit();
  assert.equal(model.transmitted, data);
  assert.is(model.txLost, 0, "never wrote into a full FIFO");
});

test("writeByte throws after maxPolls when the FIFO stays full, without writing", () => {
  const { bus, model, uart } = setup({ autoTransmit: false }, 10);
  uart.init();
  for (let i = 0; i < 8; i++) uart.writeByte(i);
  bus.clearLog();
  assert.throws(() => uart.writeByte(8), /full/);
  assert.ok(bus.log.length >= 10 && bus.log.every((a) => a.kind === "read" && a.addr === TXDATA));
  assert.is(model.txLevel, 8);
  assert.is(model.txLost, 0);
});

test("readByte returns received bytes in order, then -1 on rxdata.empty", () => {
  const { bus, model, uart } = setup();
  uart.init();
  assert.is(uart.readByte(), -1);
  assert.is(model.receive("hé"), 3);
  bus.clearLog();
  assert.equal([uart.readByte(), uart.readByte(), uart.readByte(), uart.readByte()], [0x68, 0xc3, 0xa9, -1]);
  assert.equal(accesses(bus), ["RXDATA", "RXDATA", "RXDATA", "RXDATA"]);
});

test("enable/disableReceiveInterrupts change IE.RXWM only; acknowledgeReceive touches nothing", () => {
  const { bus, uart } = setup();
  uart.init();
  bus.write32(IE, 0x1); // TXWM, as someone else left it
  bus.clearLog();
  uart.enableReceiveInterrupts();
  assert.equal(accesses(bus), ["IE", "IE=3"]);
  bus.clearLog();
  uart.acknowledgeReceive();
  assert.equal(bus.log, []);
  uart.disableReceiveInterrupts();
  assert.equal(accesses(bus), ["IE", "IE=1"]);
});

test("the interrupt rises while bytes wait and falls when readByte drains them", () => {
  const levels: boolean[] = [];
  const { model, uart } = setup({ onIrq: (l) => levels.push(l) });
  uart.init();
  model.receive([1, 2]);
  assert.equal(levels, [], "not enabled");
  uart.enableReceiveInterrupts();
  assert.equal(levels, [true], "a pending rxwm is kept, not cleared, by enabling");
  assert.equal([uart.readByte(), uart.readByte()], [1, 2]);
  assert.equal(levels, [true, false]);
  model.receive([3]);
  uart.disableReceiveInterrupts();
  assert.equal(levels, [true, false, true, false]);
  assert.is(model.ip, 0x2, "still pending: only masked");
});

function serialSetup(options: Partial<SerialOptions> = {}) {
  const irq = new FakeIrq(LINE);
  const { model, uart } = setup({ onIrq: (level) => (irq.level = level) });
  uart.init();
  const serial = new Serial({ port: uart, irq, line: LINE, ...options });
  return { irq, model, serial };
}

const bytesOf = (v: unknown) => Array.from(new Uint8Array(v as ArrayBuffer));

test("Serial: 2 KiB in FIFO-sized bursts arrive complete and in order, one handler run per burst", () => {
  const sent = Uint8Array.from({ length: 2048 }, (_, i) => (i * 7 + (i >> 8)) & 0xff);
  const { model, irq, serial } = serialSetup();
  const sizes = [8, 1, 5, 8, 3, 7];
  for (let i = 0, k = 0; i < sent.length; i += sizes[k++ % sizes.length]) {
    model.receive(sent.subarray(i, i + sizes[k % sizes.length]));
    assert.is(irq.run(), 1);
  }
  assert.equal(bytesOf(serial.read()), Array.from(sent));
  assert.is(model.overruns, 0);
  serial.close();
  model.receive([1]);
  assert.is(model.interrupt, false, "closed: masked");
});

test("Serial: a full ring masks the receive interrupt; read() unmasks it and drains what waited", async () => {
  const { model, irq, serial } = serialSetup({ bufferSize: 8 });
  model.receive([0, 1, 2, 3, 4, 5, 6, 7]);
  irq.run();
  model.receive([8, 9]);
  assert.is(irq.run(), 0, "paused: no handler runs");
  assert.equal(bytesOf(serial.read()), [0, 1, 2, 3, 4, 5, 6, 7]);
  await Promise.resolve();
  assert.equal(bytesOf(serial.read()), [8, 9]);
  assert.is(irq.level, false);
});

test("model: 8-entry FIFOs, txwm below txcnt, rxwm above rxcnt, ip read-only, txdata reads only the full flag", () => {
  const { bus, model } = setup({ autoTransmit: false });
  assert.is(model.receive([1]), 0, "rxen clear: lost");
  assert.is(model.rxLost, 1);
  bus.write32(RXCTRL, 0x3_0001); // rxen, rxcnt 3
  assert.is(model.receive(Array.from({ length: 10 }, (_, i) => i)), 8);
  assert.is(model.overruns, 2);
  bus.write32(IE, 0x3);
  assert.is(bus.read32(IP), 0x2);
  bus.write32(IP, 0);
  assert.is(bus.read32(IP), 0x2, "ip is read-only");
  for (let i = 0; i < 5; i++) bus.read32(RXDATA);
  assert.is(bus.read32(IP), 0, "3 left: not above rxcnt 3");
  bus.write32(TXCTRL, 0x2_0000); // txcnt 2, txen clear: bytes wait
  assert.is(bus.read32(IP), 0x1, "0 queued < 2");
  bus.write32(TXDATA, 0x41);
  bus.write32(TXDATA, 0x42);
  assert.is(bus.read32(IP), 0);
  for (let i = 0; i < 7; i++) bus.write32(TXDATA, i);
  assert.is(bus.read32(TXDATA), 0x8000_0000);
  assert.is(model.txLost, 1);
  bus.write32(TXCTRL, 0x1);
  assert.is(model.transmit(), 8);
  assert.is(bus.read32(TXDATA), 0);
  assert.is(bus.read32(DIV), 0);
});

test.run();
