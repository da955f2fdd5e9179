import { test } from "uvu";
import * as assert from "uvu/assert";
import { MemoryBus } from "../../../models/memory-bus.ts";
import { NS16550_REGS, Ns16550, PC_UART_CLOCK_HZ, ns16550Divisor } from "../../../drivers/uart/ns16550.ts";
import { Ns16550Model, type Ns16550ModelOptions } from "../../../models/uart/ns16550.ts";
import { checkDivisor } from "../../support/uart-checks.ts";

const BASE = 0x3f8; // COM1, as a port number: the MemoryBus stands in for the port space
// Offsets from the datasheet's table II, written out again so a wrong one in the driver shows.
const THR = BASE + 0, IER = BASE + 1, FCR = BASE + 2, LCR = BASE + 3, MCR = BASE + 4, LSR = BASE + 5;

function setup(options: Ns16550ModelOptions = {}, maxPolls?: number) {
  const bus = new MemoryBus();
  const model = new Ns16550Model(bus, BASE, options);
  const uart = new Ns16550({ base: BASE, bus, maxPolls });
  return { bus, model, uart };
}

const name = (addr: number, lcr: number) =>
  ({ [THR]: lcr & 0x80 ? "DLL" : "THR", [IER]: lcr & 0x80 ? "DLM" : "IER", [FCR]: "FCR", [LCR]: "LCR", [MCR]: "MCR" })[addr] ??
  addr.toString(16);

test("init: interrupts off, divisor latch under DLAB, 8N1, FIFOs cleared, DTR/RTS/OUT2", () => {
  const { bus, model, uart } = setup();
  uart.init({ baud: 115200 });
  let lcr = 0;
  const writes = bus.writes().map((a) => {
    const s = `${name(a.addr, lcr)}=${a.value.toString(16)}`;
    if (a.addr === LCR) lcr = a.value;
    return s;
  });
  assert.equal(writes, ["IER=0", "LCR=80", "DLL=1", "DLM=0", "LCR=3", "FCR=87", "MCR=b"]);
  assert.is(model.baudRate(PC_UART_CLOCK_HZ), 115200);
  assert.equal(model.frameFormat(), { dataBits: 8, parity: "none", stopBits: 1, fifos: true });
  assert.equal(model.modemControl, { dtr: true, rts: true, out1: false, out2: true, loop: false });
  assert.is(model.interrupt, false);
});


test("ns16550Divisor: table III values, and baud rates 16 bits cannot divide", () => {
  checkDivisor(ns16550Divisor, [[PC_UART_CLOCK_HZ, 115200, 1], [PC_UART_CLOCK_HZ, 9600, 12], [PC_UART_CLOCK_HZ, 50, 2304]], [[PC_UART_CLOCK_HZ, 1_000_000], [PC_UART_CLOCK_HZ, 1], [0, 9600]]);
});

test("writeString sends UTF-8 through THR, waiting for THRE", () => {
  const { model, uart } = setup();
  uart.init();
  uart.writeString("hé €");
  assert.equal(model.transmitted, [0x68, 0xc3, 0xa9, 0x20, 0xe2, 0x82, 0xac]);
});

test("a transmitter that never empties throws instead of hanging", () => {
  const { model, uart } = setup({ autoTransmit: false }, 50);
  uart.init();
  uart.writeByte(0x41); // in FIFO mode THRE means "TX FIFO empty" (8.6): it drops at once
  assert.throws(() => uart.writeByte(0x42), /transmitter stayed full/);
  model.transmit();
  uart.writeByte(0x43);
  model.transmit();
  assert.equal(model.transmitted, [0x41, 0x43]);
});

test("readByte: bytes in order, -1 when empty, errors counted from LSR", () => {
  const { model, uart } = setup();
  uart.init();
  assert.is(uart.readByte(), -1);
  model.receive("ok");
  model.receive([0x21], { framing: true });
  model.receive([0x22], { parity: true, break: true });
  assert.equal([uart.readByte(), uart.readByte(), uart.readByte(), uart.readByte(), uart.readByte()], [0x6f, 0x6b, 0x21, 0x22, -1]);
  assert.equal(uart.rxErrors, { overrun: 0, framing: 1, parity: 1, break: 1 });
});

test("an overrun keeps the FIFO, loses the new byte, and is counted once", () => {
  const { model, uart } = setup();
  uart.init();
  assert.is(model.receive(new Uint8Array(20).fill(0x30)), 16);
  let n = 0;
  while (uart.readByte() >= 0) n++;
  assert.is(n, 16);
  assert.is(uart.rxErrors.overrun, 1);
});

test("receive interrupts: raised at the FIFO trigger (8) or on timeout, cleared by reading", () => {
  const levels: boolean[] = [];
  const { model, uart } = setup({ onInterrupt: (l) => levels.push(l) });
  uart.init();
  uart.enableReceiveInterrupts();
  model.receive("1234567");
  assert.is(model.interrupt, false, "below the 8-byte trigger");
  model.receiveTimeout();
  assert.is(model.interrupt, true, "character timeout");
  while (uart.readByte() >= 0);
  assert.is(model.interrupt, false);
  model.receive("12345678");
  assert.is(model.interrupt, true, "trigger level reached");
  uart.disableReceiveInterrupts();
  assert.is(model.interrupt, false);
  assert.equal(levels, [true, false, true, false]);
});

test("model: a byte written to THR with the transmitter full is lost and counted in txLost", () => {
  const { bus, model } = setup({ autoTransmit: false });
  bus.write8(FCR, 0x01); // FIFOs on: 16 places
  for (let i = 0; i < 18; i++) bus.write8(THR, i);
  assert.is(model.txLost, 2);
  model.transmit();
  assert.equal(model.transmitted, Array.from({ length: 16 }, (_, i) => i));
});

test("init refuses a missing base", () => {
  assert.throws(() => new Ns16550({ base: 0, bus: new MemoryBus() }).init(), /invalid base/);
});

test.run();
