import { test } from "uvu";
import * as assert from "uvu/assert";
import { MemoryBus } from "../../../models/memory-bus.ts";
import type { RegisterBus } from "../../../hal/register.ts";
import { PollTimeoutError } from "../../../hal/poll.ts";
import { Pl011, baudDivisor } from "../../../drivers/uart/pl011.ts";
import { Pl011Model, type Pl011ModelOptions } from "../../../models/uart/pl011.ts";
import { onEachRead } from "../../support/passing-time.ts";
import { checkInitDrainsQueuedOutput, checkWriteString, testBytesInAndOut } from "../../support/uart-checks.ts";

const BASE = 0x2020_1000; // BCM2835 UART0
const CLOCK = 48_000_000;
// Offsets from the TRM, written out again so a wrong one in the driver shows.
const DR = BASE + 0x00, FR = BASE + 0x18, IBRD = BASE + 0x24, FBRD = BASE + 0x28, LCR_H = BASE + 0x2c;
const CR = BASE + 0x30, IFLS = BASE + 0x34, IMSC = BASE + 0x38, RIS = BASE + 0x3c, MIS = BASE + 0x40, ICR = BASE + 0x44;

function setup(options: Pl011ModelOptions = {}, maxPolls?: number) {
  const bus = new MemoryBus();
  const model = new Pl011Model(bus, BASE, options);
  const uart = new Pl011({ base: BASE, clockHz: CLOCK, bus, maxPolls });
  return { bus, model, uart };
}

/** A bus on which time passes: the line sends one character per read of FR. */
const slowLine = (bus: MemoryBus, model: Pl011Model) => onEachRead(bus, [FR], "before", () => model.transmit(1));

const name = (addr: number) => ({ [DR]: "DR", [IBRD]: "IBRD", [FBRD]: "FBRD", [LCR_H]: "LCR_H", [CR]: "CR", [IFLS]: "IFLS", [IMSC]: "IMSC", [ICR]: "ICR" })[addr] ?? addr.toString(16);

test("init: TRM 3.3.8 sequence, LCR_H after IBRD/FBRD, 115200 baud from 48 MHz", () => {
  const { bus, model, uart } = setup();
  uart.init();
  const writes = bus.writes().map((a) => `${name(a.addr)}=${a.value.toString(16)}`);
  assert.equal(writes, ["CR=0", "LCR_H=0", "IBRD=1a", "FBRD=3", "LCR_H=70", "ICR=7ff", "IMSC=0", "CR=301"]);
  const firstFrRead = bus.log.findIndex((a) => a.kind === "read" && a.addr === FR);
  const firstLcrh = bus.log.findIndex((a) => a.addr === LCR_H);
  assert.ok(firstFrRead > 0 && firstFrRead < firstLcrh, "waits for BUSY between disabling and LCR_H");
  assert.ok(Math.abs(model.baudRate(CLOCK) - 115200) / 115200 < 0.001, `${model.baudRate(CLOCK)} baud`);
  assert.equal(model.frameFormat(), { dataBits: 8, parity: "none", stopBits: 1, fifos: true });
  assert.equal(model.warnings, []);
});

test("baudDivisor: IBRD/FBRD, carry into IBRD, and divisors the hardware cannot do", () => {
  assert.equal(baudDivisor(48_000_000, 115200), { ibrd: 26, fbrd: 3 });
  assert.equal(baudDivisor(3_000_000, 115200), { ibrd: 1, fbrd: 40 });
  assert.equal(baudDivisor(4_000_000, 230400), { ibrd: 1, fbrd: 5 }); // the TRM's example
  assert.equal(baudDivisor(47_992, 1000), { ibrd: 3, fbrd: 0 }); // fraction rounds up to 64/64
  assert.throws(() => baudDivisor(48_000_000, 4_000_000), RangeError); // above UARTCLK/16
  assert.throws(() => baudDivisor(48_000_000, 40), RangeError); // divisor above 0xFFFF
  assert.throws(() => baudDivisor(48_000_000, 0), RangeError);
});

test("init programs other baud rates and latches them", () => {
  const { model, uart } = setup();
  uart.init({ baud: 9600 });
  assert.ok(Math.abs(model.baudRate(CLOCK) - 9600) < 1);
});

test("init refuses a missing or zero base before touching the bus", () => {
  const bus = new MemoryBus();
  assert.throws(() => new Pl011({ base: 0, clockHz: CLOCK, bus }).init(), /base/);
  assert.throws(() => new Pl011({ clockHz: CLOCK, bus } as unknown as { base: number; clockHz: number }).init(), /base/);
  assert.is(bus.log.length, 0);
});

test("init lets queued output go out before disabling, and gives up if it never does", () => {
  const { bus, model } = setup({ autoTransmit: false });
  bus.write32(IBRD, 26); // as a boot loader would have left it
  bus.write32(LCR_H, 0x70);
  bus.write32(CR, 0x301);
  bus.write32(DR, 0x61);
  bus.write32(DR, 0x62);
  const make = (b: RegisterBus, maxPolls?: number) => new Pl011({ base: BASE, clockHz: CLOCK, bus: b, maxPolls });
  checkInitDrainsQueuedOutput({ bus, model, make, sending: slowLine(bus, model), waitedOn: /PL011\.FR\[0x8\]/ });
});

test("writeString sends UTF-8, including non-ASCII text and lone surrogates", () => {
  const { model, uart } = setup();
  uart.init();
  checkWriteString(uart, model);
});

testBytesInAndOut(test, () => {
  const s = setup();
  s.uart.init();
  return s;
});

test("TX waits while the FIFO is full, then sends everything in order", () => {
  const { bus, model } = setup({ autoTransmit: false, fifoDepth: 16 });
  const uart = new Pl011({ base: BASE, clockHz: CLOCK, bus: slowLine(bus, model) });
  uart.init();
  const data = Array.from({ length: 100 }, (_, i) => i);
  uart.write(new Uint8Array(data));
  uart.flush();
  assert.equal(model.transmitted, data);
  assert.is(model.txLost, 0, "never wrote into a full FIFO");
  assert.is(model.txLevel, 0);
});

test("writeString waits while the FIFO is full too, and times out naming FR.TXFF", () => {
  const { bus, model } = setup({ autoTransmit: false, fifoDepth: 16 });
  const uart = new Pl011({ base: BASE, clockHz: CLOCK, bus: slowLine(bus, model) });
  uart.init();
  const text = "0123456789".repeat(5) + " é€😀\n";
  uart.writeString(text);
  uart.flush();
  assert.equal(model.transmitted, Array.from(new TextEncoder().encode(text)));
  assert.is(model.txLost, 0);
  const stuck = setup({ autoTransmit: false, fifoDepth: 16 }, 100);
  stuck.uart.init();
  assert.throws(() => stuck.uart.writeString("x".repeat(17)), (e: unknown) => e instanceof PollTimeoutError && e.what.startsWith("PL011.FR[0x20]"));
  assert.is(stuck.model.txLost, 0);
  assert.is(stuck.model.txLevel, 16);
});

test("TX on a line that never drains times out naming FR.TXFF", () => {
  const { model, uart } = setup({ autoTransmit: false, fifoDepth: 16 }, 100);
  uart.init();
  uart.write(new Uint8Array(16));
  assert.throws(() => uart.writeByte(1), (e: unknown) => e instanceof PollTimeoutError && e.what.startsWith("PL011.FR[0x20]"));
  assert.throws(() => uart.flush(), (e: unknown) => e instanceof PollTimeoutError && e.what.startsWith("PL011.FR[0x8]"));
  assert.is(model.txLost, 0);
});

test("no output while UARTEN or TXE is off", () => {
  const { bus, model, uart } = setup();
  uart.init();
  bus.write32(CR, 0x300); // TXE|RXE, UARTEN off
  uart.writeString("lost");
  assert.equal(model.transmitted, []);
  assert.is(model.txLevel, 4);
  const other = setup();
  other.uart.init();
  other.bus.write32(CR, 0x201); // UARTEN|RXE, TXE off
  other.uart.writeString("lost");
  assert.equal(other.model.transmitted, []);
});

test("readByte counts receive errors and overruns", () => {
  const { model, uart } = setup();
  uart.init();
  model.receive([0x55], { framing: true });
  model.receive([0], { break: true });
  assert.equal([uart.readByte(), uart.readByte()], [0x55, 0]);
  assert.equal(uart.rxErrors, { framing: 1, parity: 0, break: 1, overrun: 0 });
  assert.is(model.receive(new Uint8Array(40).fill(7)), 32);
  assert.is(model.overruns, 8);
  for (let i = 0; i < 32; i++) assert.is(uart.readByte(), 7);
  model.receive([9]);
  assert.is(uart.readByte(), 9);
  assert.is(uart.rxErrors.overrun, 1);
});

test("model: FIFO depth is 1 without FEN, fifoDepth with it; FR flags follow", () => {
  const bus = new MemoryBus();
  const model = new Pl011Model(bus, BASE, { fifoDepth: 16 });
  assert.is(bus.read32(FR), 0x90, "reset: TXFE|RXFE");
  bus.write32(CR, 0x301);
  assert.is(model.receive([1, 2]), 1);
  assert.is(bus.read32(FR) & 0x50, 0x40, "RXFF, not RXFE");
  bus.write32(LCR_H, 0x70); // toggling FEN flushes the FIFOs
  assert.is(model.rxLevel, 0);
  assert.is(model.receive(new Uint8Array(17)), 16);
  assert.is(bus.read32(FR) & 0x40, 0x40);
  assert.is(bus.read32(BASE + 0x04), 0x8, "RSR.OE after the overrun");
  bus.write32(BASE + 0x04, 0);
  assert.is(bus.read32(BASE + 0x04), 0, "any ECR write clears");
  assert.equal([0xfe0, 0xfe4, 0xfe8, 0xfec].map((o) => bus.read32(BASE + o)), [0x11, 0x10, 0x34, 0x00]);
});

test("model: RX interrupt at the trigger level, RT on idle, MIS = RIS & IMSC, ICR clears", () => {
  const levels: boolean[] = [];
  const bus = new MemoryBus();
  const model = new Pl011Model(bus, BASE, { onInterrupt: (l) => levels.push(l) });
  bus.write32(LCR_H, 0x70);
  bus.write32(IFLS, 0x00); // RX at 1/8 of 32 = 4 characters
  bus.write32(IMSC, 0x50); // RX | RT
  bus.write32(CR, 0x301);
  model.receive([1, 2, 3]);
  assert.is(bus.read32(RIS) & 0x10, 0);
  model.receive([4]);
  assert.is(bus.read32(MIS), 0x10);
  bus.read32(DR);
  assert.is(bus.read32(RIS) & 0x10, 0, "cleared below the trigger level");
  model.receiveTimeout();
  assert.is(bus.read32(MIS), 0x40);
  bus.write32(ICR, 0x40);
  assert.is(bus.read32(MIS), 0);
  assert.equal(levels, [true, false, true, false]);
  model.receiveTimeout();
  for (let i = 0; i < 3; i++) bus.read32(DR);
  assert.is(bus.read32(RIS) & 0x40, 0, "RT clears when the FIFO is read empty");
});

test("model: TX interrupt when the FIFO drains through the trigger level; loopback", () => {
  const bus = new MemoryBus();
  const model = new Pl011Model(bus, BASE, { autoTransmit: false });
  bus.write32(LCR_H, 0x70);
  bus.write32(CR, 0x301);
  bus.write32(DR, 1);
  model.transmit();
  assert.is(bus.read32(RIS) & 0x20, 0, "no TX interrupt without passing down through the level");
  for (let i = 0; i < 17; i++) bus.write32(DR, i); // trigger 1/2 of 32 = 16
  model.transmit(1);
  assert.is(bus.read32(RIS) & 0x20, 0x20);
  bus.write32(DR, 0);
  assert.is(bus.read32(RIS) & 0x20, 0, "cleared by filling above the trigger level");
  model.transmit();
  bus.write32(CR, 0);
  bus.write32(CR, 0x381); // LBE
  bus.write32(DR, 0x5a);
  model.transmit();
  assert.is(bus.read32(DR) & 0xff, 0x5a);
});

test("model: errors reach DR, RSR and RIS (masked out of MIS); writes to a full TX FIFO are lost", () => {
  const bus = new MemoryBus();
  const model = new Pl011Model(bus, BASE, { autoTransmit: false, fifoDepth: 16 });
  bus.write32(LCR_H, 0x70);
  bus.write32(IMSC, 0x10); // RX only
  bus.write32(CR, 0x301);
  model.receive([0x41], { parity: true });
  assert.is(bus.read32(RIS) & 0x780, 0x100, "RIS.PE");
  assert.is(bus.read32(MIS) & 0x780, 0, "PE is masked");
  assert.is(bus.read32(DR), 0x241, "DR.PE with the data");
  assert.is(bus.read32(BASE + 0x04), 0x2, "RSR.PE after reading it");
  for (let i = 0; i < 17; i++) bus.write32(DR, i);
  assert.is(model.txLost, 1);
  assert.is(model.txLevel, 16);
  model.transmit();
  assert.equal(model.transmitted, Array.from({ length: 16 }, (_, i) => i));
});

test("model: IBRD/FBRD take effect only at the next LCR_H write; changes while enabled are flagged", () => {
  const bus = new MemoryBus();
  const model = new Pl011Model(bus, BASE);
  bus.write32(IBRD, 26);
  bus.write32(FBRD, 3);
  assert.is(model.baudRate(CLOCK), 0);
  bus.write32(LCR_H, 0x60);
  assert.ok(model.baudRate(CLOCK) > 115000);
  assert.equal(model.warnings, []);
  bus.write32(CR, 0x301);
  bus.write32(LCR_H, 0x70);
  assert.is(model.warnings.length, 1);
});

test("receive interrupts: IFLS RX level 1/8 keeping the TX level, IMSC RX|RT, ICR RX|RT|OE", () => {
  const { bus, uart } = setup();
  uart.init();
  bus.clearLog();
  uart.enableReceiveInterrupts();
  assert.equal(bus.writes().map((a) => `${name(a.addr)}=${a.value.toString(16)}`), ["IFLS=2", "IMSC=50"]);
  assert.is(bus.read32(IFLS), 0x02, "RXIFLSEL b000 (1/8), TXIFLSEL still the reset b010");
  bus.clearLog();
  uart.acknowledgeReceive();
  assert.equal(bus.writes().map((a) => `${name(a.addr)}=${a.value.toString(16)}`), ["ICR=450"]);
  bus.clearLog();
  uart.disableReceiveInterrupts();
  assert.equal(bus.writes().map((a) => `${name(a.addr)}=${a.value.toString(16)}`), ["IMSC=0"]);
});

test("receive interrupts drive the model's UARTINTR: 2 of 16 characters, timeout, drained, masked", () => {
  const levels: boolean[] = [];
  const { bus, model, uart } = setup({ fifoDepth: 16, onInterrupt: (l) => levels.push(l) });
  uart.init();
  model.receive([1]);
  uart.enableReceiveInterrupts();
  assert.equal(levels, [], "one character is below the trigger level");
  model.receive([2]);
  assert.equal(levels, [true], "1/8 of 16 = 2 characters");
  assert.equal([uart.readByte(), uart.readByte(), uart.readByte()], [1, 2, -1]);
  uart.acknowledgeReceive();
  assert.equal(levels, [true, false]);
  model.receive([3]);
  model.receiveTimeout();
  assert.equal(levels, [true, false, true], "a lone character raises the receive timeout");
  assert.is(bus.read32(MIS), 0x40);
  uart.disableReceiveInterrupts();
  assert.equal(levels, [true, false, true, false]);
  assert.is(bus.read32(RIS) & 0x40, 0x40, "still raw-pending: only masked");
  uart.enableReceiveInterrupts();
  assert.equal(levels, [true, false, true, false, true], "a pending condition is kept, not cleared, by enabling");
  assert.is(uart.readByte(), 3);
  uart.acknowledgeReceive();
  assert.is(model.interrupt, false);
  assert.equal(model.warnings, []);
});

test("acknowledgeReceive clears the raw overrun status; readByte counts it", () => {
  const { bus, model, uart } = setup({ fifoDepth: 16 });
  uart.init();
  uart.enableReceiveInterrupts();
  model.receive(new Uint8Array(20));
  assert.is(bus.read32(RIS) & 0x400, 0x400);
  while (uart.readByte() >= 0);
  uart.acknowledgeReceive();
  assert.is(bus.read32(RIS), 0);
  model.receive([5]);
  assert.is(uart.readByte(), 5);
  assert.is(uart.rxErrors.overrun, 1);
});

test("enableReceiveInterrupts before init is refused", () => {
  const { bus, uart } = setup();
  assert.throws(() => uart.enableReceiveInterrupts(), /init/);
  assert.is(bus.log.length, 0);
});

test.run();
