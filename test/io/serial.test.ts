import { test } from "uvu";
import * as assert from "uvu/assert";
import { MemoryBus } from "../../models/memory-bus.ts";
import { Pl011 } from "../../drivers/uart/pl011.ts";
import { Pl011Model } from "../../models/uart/pl011.ts";
import { Serial, type SerialOptions } from "../../io/serial.ts";
import type { SerialPort } from "../../drivers/interfaces/serial-port.ts";
import { FakeIrq } from "../support/fake-irq.ts";
import { fillInBursts } from "../support/uart-checks.ts";

const BASE = 0x2020_1000;
const LINE = 57; // BCM2835 UART0
const IMSC = BASE + 0x38;
const FIFO = 16; // BCM2835's PL011

function setup(options: Partial<SerialOptions> = {}) {
  const bus = new MemoryBus({ logLimit: 1000 });
  const irq = new FakeIrq(LINE);
  const model = new Pl011Model(bus, BASE, { fifoDepth: FIFO, onInterrupt: (level) => (irq.level = level) });
  const uart = new Pl011({ base: BASE, clockHz: 48_000_000, bus });
  uart.init();
  const serial = new Serial({ port: uart, irq, line: LINE, ...options });
  /** The line delivers `data` in FIFO-sized bursts, each followed by an idle line and the loop running handlers. */
  const feed = (data: ArrayLike<number> | string, chunk = FIFO) => {
    const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
    for (let i = 0; i < bytes.length; i += chunk) {
      model.receive(Array.prototype.slice.call(bytes, i, i + chunk) as number[]);
      model.receiveTimeout();
      irq.run();
    }
  };
  return { bus, irq, model, uart, serial, feed };
}

const bytesOf = (v: unknown) => Array.from(new Uint8Array(v as ArrayBuffer));

test("constructor: takes the line (keepAlive by default) and unmasks the port's receive interrupts", () => {
  const { bus, irq } = setup();
  assert.equal(irq.calls, ["on 57 keepAlive=true"]);
  assert.is(bus.read32(IMSC), 0x50);
  const quiet = setup({ keepAlive: false });
  assert.equal(quiet.irq.calls, ["on 57 keepAlive=false"]);
});

test("a taken line throws and leaves the port's interrupts masked", () => {
  const { bus, irq, uart, serial } = setup();
  serial.close();
  irq.on(LINE, () => {});
  assert.throws(() => new Serial({ port: uart, irq, line: LINE }), /taken/);
  assert.is(bus.read32(IMSC), 0);
});

test("64 KiB in FIFO-sized bursts arrive complete and in order", () => {
  const received = new Uint8Array(65536);
  let n = 0;
  let calls = 0;
  const { model, serial, feed } = setup({
    onReadable(count) {
      calls++;
      assert.is(count, this.available);
      const data = new Uint8Array(this.read() as ArrayBuffer);
      received.set(data, n);
      n += data.length;
    },
  });
  const sent = Uint8Array.from({ length: 65536 }, (_, i) => (i * 7 + (i >> 8)) & 0xff);
  // Burst sizes vary so that some stay below the trigger level and only the timeout reports them.
  const sizes = [FIFO, 1, 5, FIFO, 2, 13];
  for (let i = 0, k = 0; i < sent.length; k++) {
    const size = sizes[k % sizes.length];
    feed(sent.subarray(i, i + size), size);
    i += size;
  }
  assert.is(n, sent.length);
  assert.ok(received.every((b, i) => b === sent[i]), "same bytes in the same order");
  assert.equal(serial.overflows, { hardware: 0 });
  assert.is(model.overruns, 0);
  assert.ok(calls > 65536 / FIFO, `${calls} onReadable calls`);
});

test("a full ring pushes back: input waits in the UART, and only the UART's overruns lose bytes", async () => {
  const counts: number[] = [];
  const { model, serial, irq } = setup({ bufferSize: 32, onReadable: (count) => counts.push(count) });
  fillInBursts(model, irq, 16);
  assert.is(serial.available, 32);
  assert.is(irq.level, false, "receive interrupts are masked while the ring is full");
  model.receive(Array.from({ length: 20 }, (_, i) => 32 + i)); // 16 fit in the FIFO, 4 overrun
  model.receiveTimeout();
  assert.is(irq.run(), 0, "no handler runs while paused");
  assert.equal(counts, [16, 32]);
  assert.equal(bytesOf(serial.read()), Array.from({ length: 32 }, (_, i) => i), "the oldest bytes, in order");
  assert.is(irq.level, true, "reading made room: receive is unmasked");
  await Promise.resolve();
  assert.is(serial.available, 16, "a microtask drained what waited in the FIFO, interrupt or not");
  assert.equal(counts, [16, 32, 16]);
  assert.equal(bytesOf(serial.read()), Array.from({ length: 16 }, (_, i) => 32 + i));
  model.receive([99]); // carries the overrun report (DR.OE, 3.3.1)
  model.receiveTimeout();
  irq.run();
  assert.equal(bytesOf(serial.read()), [99]);
  assert.equal(serial.overflows, { hardware: 1 });
  assert.is(model.overruns, 4);
});

test("hardware overruns are counted from the port, since open", () => {
  const { model, serial, irq, uart } = setup();
  serial.close();
  uart.rxErrors.overrun = 3; // counted before this Serial was opened
  const again = new Serial({ port: uart, irq, line: LINE });
  model.receive(new Uint8Array(20).fill(1)); // the handler is late: 4 characters are lost
  irq.run();
  model.receive([2]); // the next character into the FIFO carries DR.OE (3.3.1)
  model.receiveTimeout();
  irq.run();
  assert.is(model.overruns, 4);
  assert.equal(again.overflows, { hardware: 1 });
  assert.equal(bytesOf(again.read()), [...new Array(16).fill(1), 2]);
});

test("a character arriving during the acknowledge is not left for the receive timeout", () => {
  const bus = new MemoryBus();
  const irq = new FakeIrq(LINE);
  const model = new Pl011Model(bus, BASE, { fifoDepth: FIFO, onInterrupt: (level) => (irq.level = level) });
  const uart = new Pl011({ base: BASE, clockHz: 48_000_000, bus });
  uart.init();
  let late = true;
  const port: SerialPort = Object.assign(Object.create(uart) as Pl011, {
    acknowledgeReceive() {
      if (late) model.receive([0x42]);
      late = false;
      uart.acknowledgeReceive();
    },
  });
  const serial = new Serial({ port, irq, line: LINE, format: "number" });
  model.receive([0x41, 0x41]);
  irq.run();
  assert.is(model.interrupt, false, "nothing raised: the late character is below the trigger level");
  assert.equal([serial.read(), serial.read(), serial.read(), serial.read()], [0x41, 0x41, 0x42, undefined]);
});

test("format number: one byte per read, then undefined", () => {
  const { serial, feed } = setup({ format: "number" });
  assert.is(serial.read(), undefined);
  feed([0, 0xff, 7]);
  assert.equal([serial.read(), serial.read(), serial.read(), serial.read()], [0, 0xff, 7, undefined]);
});

test("format buffer: up to count bytes as a new ArrayBuffer, all by default, undefined when empty", () => {
  const { serial, feed } = setup();
  assert.is(serial.format, "buffer");
  assert.is(serial.read(), undefined);
  feed("hello");
  const first = serial.read(2);
  assert.ok(first instanceof ArrayBuffer);
  assert.equal(bytesOf(first), [0x68, 0x65]);
  assert.equal(bytesOf(serial.read(100)), [0x6c, 0x6c, 0x6f]);
  assert.is(serial.read(), undefined);
  feed("ab");
  assert.throws(() => serial.read(-1), RangeError);
  assert.throws(() => serial.read(1.5), RangeError);
  serial.format = "number";
  assert.is(serial.read(), 0x61);
  assert.throws(() => (serial.format = "string" as "number"), RangeError);
  assert.is(serial.format, "number");
  assert.throws(() => setup({ format: "text" as "buffer" }), RangeError);
});

test("onReadable: gets the count with `this` the Serial; may be set after construction", () => {
  const { serial, feed } = setup();
  const seen: Array<[number, unknown]> = [];
  feed("x");
  serial.onReadable = function (count) {
    seen.push([count, this]);
  };
  feed("yz");
  feed("!");
  assert.equal(seen.map(([count]) => count), [3, 4]);
  assert.is(seen[0][1], serial);
});

test("write: a byte, an ArrayBuffer, or any view's own bytes", () => {
  const { model, serial } = setup();
  serial.write(0x41);
  serial.write(new Uint8Array([1, 2]).buffer);
  const backing = new Uint8Array([9, 3, 4, 9]);
  serial.write(new DataView(backing.buffer, 1, 2));
  serial.write(backing.subarray(3));
  serial.write(new Uint16Array([0x0605]));
  assert.equal(model.transmitted, [0x41, 1, 2, 3, 4, 9, 5, 6]);
  assert.throws(() => serial.write(256), RangeError);
  assert.throws(() => serial.write(-1), RangeError);
  assert.throws(() => serial.write("a" as unknown as number), TypeError);
  assert.is(model.transmitted.length, 8);
});

test("close: masks the port, releases the line, drops the buffer; a closed Serial throws; close twice is fine", () => {
  const { bus, irq, model, serial, feed } = setup();
  feed("ab");
  serial.close();
  assert.equal(irq.calls, ["on 57 keepAlive=true", "off 57"]);
  assert.is(bus.read32(IMSC), 0);
  assert.ok(serial.closed);
  model.receive("cd");
  model.receiveTimeout();
  assert.is(model.interrupt, false, "the port no longer interrupts");
  assert.throws(() => serial.read(), /closed/);
  assert.throws(() => serial.write(1), /closed/);
  assert.throws(() => serial.available, /closed/);
  serial.close();
  assert.equal(irq.calls, ["on 57 keepAlive=true", "off 57"]);
});

test.run();
