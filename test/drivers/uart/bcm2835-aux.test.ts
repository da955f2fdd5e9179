import { test } from "uvu";
import * as assert from "uvu/assert";
import { MemoryBus } from "../../../models/memory-bus.ts";
import type { RegisterBus } from "../../../hal/register.ts";
import { PollTimeoutError } from "../../../hal/poll.ts";
import { Serial, type SerialOptions } from "../../../io/serial.ts";
import { IRQ_AUX } from "../../../drivers/irq/bcm2835.ts";
import { Bcm2835MiniUart, miniUartBaudRegister } from "../../../drivers/uart/bcm2835-aux.ts";
import { Bcm2835MiniUartModel, type Bcm2835MiniUartModelOptions } from "../../../models/uart/bcm2835-aux.ts";
import { FakeIrq } from "../../support/fake-irq.ts";
import { onEachRead } from "../../support/passing-time.ts";
import { checkInitDrainsQueuedOutput, checkWriteString, testBytesInAndOut, fillInBursts } from "../../support/uart-checks.ts";

const BASE = 0x2021_5000; // BCM2835 AUX: peripheral base 0x20000000 + 0x215000
const CLOCK = 250_000_000; // core clock of the Pi 1 and Zero
// Offsets from BCM2835 ARM Peripherals 2.1/2.2.2, written out again so a wrong one in the driver shows.
const AUX_IRQ = BASE + 0x00, ENABLES = BASE + 0x04;
const IO = BASE + 0x40, IER = BASE + 0x44, IIR = BASE + 0x48, LCR = BASE + 0x4c, MCR = BASE + 0x50;
const LSR = BASE + 0x54, SCRATCH = BASE + 0x5c, CNTL = BASE + 0x60, STAT = BASE + 0x64, BAUD = BASE + 0x68;

const NAMES: Record<number, string> = {
  [AUX_IRQ]: "AUX_IRQ", [ENABLES]: "ENABLES", [IO]: "IO", [IER]: "IER", [IIR]: "IIR", [LCR]: "LCR", [MCR]: "MCR",
  [LSR]: "LSR", [SCRATCH]: "SCRATCH", [CNTL]: "CNTL", [STAT]: "STAT", [BAUD]: "BAUD",
};
const named = (bus: MemoryBus) => bus.writes().map((a) => `${NAMES[a.addr] ?? a.addr.toString(16)}=${a.value.toString(16)}`);

function setup(options: Bcm2835MiniUartModelOptions = {}, maxPolls?: number) {
  const bus = new MemoryBus();
  const model = new Bcm2835MiniUartModel(bus, BASE, options);
  const uart = new Bcm2835MiniUart({ base: BASE, clockHz: CLOCK, bus, maxPolls });
  return { bus, model, uart };
}

/** A bus on which time passes: the line sends one character every `every` reads of AUX_MU_LSR. */
function slowLine(bus: MemoryBus, model: Bcm2835MiniUartModel, every = 3) {
  let reads = 0;
  return onEachRead(bus, [LSR], "before", () => {
    if (++reads % every === 0) model.transmit(1);
  });
}

test("init: enables the mini UART, configures it with RX/TX off, 8-bit, FIFOs cleared, 115200 baud from 250 MHz", () => {
  const { bus, model, uart } = setup();
  uart.init();
  assert.equal(named(bus), ["ENABLES=1", "CNTL=0", "LCR=3", "IER=0", "MCR=0", "IIR=6", "BAUD=10e", "CNTL=3"]);
  assert.is(bus.read32(BAUD), 270);
  assert.ok(Math.abs(model.baudRate(CLOCK) - 115200) / 115200 < 0.002, `${model.baudRate(CLOCK)} baud`);
  assert.is(model.dataBits, 8);
  assert.is(model.interrupt, false);
  assert.equal(model.warnings, []);
});

test("init keeps the SPI1/SPI2 enables and clears DLAB before masking IER", () => {
  const { bus, model, uart } = setup();
  bus.write32(ENABLES, 0b111); // an earlier stage left SPI1, SPI2 and the mini UART on
  bus.write32(CNTL, 0);
  bus.write32(IER, 1); // RX interrupt on
  bus.write32(LCR, 0x83); // and DLAB set: IER now addresses the baud register's high byte
  model.receive("junk");
  bus.clearLog();
  uart.init();
  assert.is(bus.read32(ENABLES), 0b111);
  assert.is(bus.writes(ENABLES).length, 0, "already enabled: not written");
  assert.is(bus.read32(LCR), 3);
  assert.is(bus.read32(IER), 0, "IER itself was cleared, not the baud register's high byte");
  assert.is(bus.read32(BAUD), 270);
  assert.is(uart.readByte(), -1, "what arrived before init was cleared from the FIFO");
  const other = setup();
  other.bus.write32(ENABLES, 0b110); // SPI1 and SPI2 on, the mini UART off
  other.uart.init();
  assert.is(other.bus.read32(ENABLES), 0b111, "read-modify-write: the SPI enables are kept");
});

test("init lets queued output go out before disabling, and gives up if it never does", () => {
  const { bus, model } = setup({ autoTransmit: false });
  bus.write32(ENABLES, 1); // as a boot loader would have left it
  bus.write32(CNTL, 0);
  bus.write32(LCR, 3);
  bus.write32(BAUD, 270);
  bus.write32(CNTL, 3);
  bus.write32(IO, 0x61);
  bus.write32(IO, 0x62);
  const make = (b: RegisterBus, maxPolls?: number) => new Bcm2835MiniUart({ base: BASE, clockHz: CLOCK, bus: b, maxPolls });
  checkInitDrainsQueuedOutput({ bus, model, make, sending: slowLine(bus, model, 1), waitedOn: /AUX\.MU_LSR\[0x40\]/ });
});

test("miniUartBaudRegister: clock / (8 * (reg + 1)), divisor rounded to nearest, and rates it cannot divide", () => {
  assert.is(miniUartBaudRegister(250e6, 115200), 270);
  assert.is(miniUartBaudRegister(250e6, 9600), 3254); // 3255.2 - 1
  assert.is(miniUartBaudRegister(250e6, 38400), 813); // 813.8 rounds up to 814, less 1 (floor would give 812)
  assert.is(miniUartBaudRegister(400e6, 115200), 433); // Pi 3 core clock
  assert.is(miniUartBaudRegister(250e6, 31_250_000), 0); // the fastest (2.2.1)
  assert.is(miniUartBaudRegister(250e6, 477), 0xffe9); // near the slowest
  assert.throws(() => miniUartBaudRegister(250e6, 470), RangeError); // divisor above 65536
  assert.throws(() => miniUartBaudRegister(250e6, 200_000_000), RangeError); // divisor rounds to 0
  assert.throws(() => miniUartBaudRegister(250e6, 20_000_000), RangeError); // divisor 2: 15.6 M, 22% off
  assert.throws(() => miniUartBaudRegister(250e6, 0), RangeError);
  assert.throws(() => miniUartBaudRegister(250e6, -9600), RangeError);
  assert.throws(() => miniUartBaudRegister(250e6, NaN), RangeError);
  assert.throws(() => miniUartBaudRegister(0, 115200), RangeError);
});

test("init refuses a missing base and an impossible baud before touching the bus", () => {
  const bus = new MemoryBus();
  assert.throws(() => new Bcm2835MiniUart({ base: 0, clockHz: CLOCK, bus }).init(), /base/);
  assert.throws(() => new Bcm2835MiniUart({ clockHz: CLOCK, bus } as unknown as { base: number; clockHz: number }).init(), /base/);
  assert.throws(() => new Bcm2835MiniUart({ base: BASE, clockHz: CLOCK, bus }).init({ baud: 100 }), RangeError);
  assert.throws(() => new Bcm2835MiniUart({ base: BASE, clockHz: 0, bus }).init(), RangeError);
  assert.throws(() => new Bcm2835MiniUart({ base: BASE, clockHz: CLOCK, bus, maxPolls: 0 }), RangeError);
  assert.is(bus.log.length, 0);
});

test("init programs other baud rates", () => {
  const { bus, model, uart } = setup();
  uart.init({ baud: 9600 });
  assert.is(bus.read32(BAUD), 3254);
  assert.ok(Math.abs(model.baudRate(CLOCK) - 9600) < 5);
});

test("writeString sends ASCII and UTF-8, including lone surrogates", () => {
  const { model, uart } = setup();
  uart.init();
  uart.writeString("hello\r\n");
  assert.equal(model.transmitted, [0x68, 0x65, 0x6c, 0x6c, 0x6f, 0x0d, 0x0a]);
  model.transmitted.length = 0;
  checkWriteString(uart, model);
  assert.ok(model.transmitted.some((b) => b >= 0x80), "8-bit characters survive: LCR is 3, not the manual's 1");
});

testBytesInAndOut(test, () => {
  const s = setup();
  s.uart.init();
  return s;
});

test("TX waits while the 8-character FIFO is full, then sends everything in order", () => {
  const { bus, model } = setup({ autoTransmit: false });
  const uart = new Bcm2835MiniUart({ base: BASE, clockHz: CLOCK, bus: slowLine(bus, model) });
  uart.init();
  const data = Array.from({ length: 50 }, (_, i) => i);
  uart.write(new Uint8Array(data));
  const text = "0123456789".repeat(3) + " é€😀\n";
  uart.writeString(text);
  uart.flush();
  assert.equal(model.transmitted, [...data, ...new TextEncoder().encode(text)]);
  assert.is(model.txLost, 0, "never wrote into a full FIFO");
  assert.is(model.txLevel, 0);
});

test("TX on a line that never drains times out naming AUX_MU_LSR TX_EMPTY; flush names TX_IDLE", () => {
  const { model, uart } = setup({ autoTransmit: false }, 100);
  uart.init();
  uart.write(new Uint8Array(8));
  assert.throws(() => uart.writeByte(1), (e: unknown) => e instanceof PollTimeoutError && e.what.startsWith("AUX.MU_LSR[0x20]") && e.polls === 100);
  assert.throws(() => uart.writeString("x"), (e: unknown) => e instanceof PollTimeoutError && e.what.startsWith("AUX.MU_LSR[0x20]"));
  assert.throws(() => uart.flush(), (e: unknown) => e instanceof PollTimeoutError && e.what.startsWith("AUX.MU_LSR[0x40]"));
  assert.is(model.txLost, 0);
  model.transmit();
  uart.flush();
  assert.is(model.transmitted.length, 8);
});

test("overruns are counted once per LSR report, also when the transmit path reads LSR", () => {
  const { bus, model, uart } = setup();
  uart.init();
  assert.is(model.receive(new Uint8Array(11).fill(7)), 8);
  assert.is(model.overruns, 3);
  const got: number[] = [];
  for (let b; (b = uart.readByte()) >= 0; ) got.push(b);
  assert.equal(got, new Array(8).fill(7), "the FIFO keeps the first 8; later characters are dropped");
  assert.equal(uart.rxErrors, { overrun: 1, framing: 0, parity: 0, break: 0 });
  model.receive(new Uint8Array(9));
  uart.writeByte(0x41); // its LSR read sees (and clears) the overrun flag
  while (uart.readByte() >= 0);
  assert.is(uart.rxErrors.overrun, 2, "counted by writeByte, not lost");
  model.receive(new Uint8Array(9));
  uart.flush();
  assert.is(uart.rxErrors.overrun, 3, "counted by flush");
  assert.is(bus.read32(LSR) & 2, 0, "the flag was cleared by the read that counted it");
  assert.equal([uart.rxErrors.framing, uart.rxErrors.parity, uart.rxErrors.break], [0, 0, 0], "not detected by the mini UART");
});

test("an overrun reported while the transmit path waits for FIFO space is counted", () => {
  const { bus, model } = setup({ autoTransmit: false });
  let reads = 0;
  const busy = Object.assign(Object.create(bus) as MemoryBus, {
    read32: (addr: number) => {
      if (addr === LSR) {
        reads++;
        if (reads === 2) model.receive(new Uint8Array(9)); // during the wait: one overrun
        if (reads === 4) model.transmit(1);
      }
      return bus.read32(addr);
    },
  });
  const uart = new Bcm2835MiniUart({ base: BASE, clockHz: CLOCK, bus: busy });
  uart.init();
  bus.write32(CNTL, 1); // hold the transmitter while the FIFO fills
  for (let i = 0; i < 8; i++) bus.write32(IO, i);
  bus.write32(CNTL, 3);
  reads = 0;
  uart.writeByte(8);
  assert.ok(reads >= 4, "it waited");
  assert.is(uart.rxErrors.overrun, 1);
  assert.is(model.txLost, 0);
});

test("receive interrupt enable per errata: IER bit 0 (with bits 3:2), keeping the TX bit; acknowledge touches nothing", () => {
  const { bus, uart } = setup();
  uart.init();
  bus.clearLog();
  uart.enableReceiveInterrupts();
  assert.equal(named(bus), ["IER=d"]);
  bus.clearLog();
  uart.acknowledgeReceive();
  assert.is(bus.log.length, 0, "no interrupt status to clear");
  uart.disableReceiveInterrupts();
  assert.equal(named(bus), ["IER=c"]);
  bus.write32(IER, 2); // someone uses the TX interrupt (IER bit 1)
  bus.clearLog();
  uart.enableReceiveInterrupts();
  uart.disableReceiveInterrupts();
  assert.equal(named(bus), ["IER=f", "IER=e"]);
});

test("enableReceiveInterrupts before init is refused; disable before init does nothing", () => {
  const { bus, uart } = setup();
  assert.throws(() => uart.enableReceiveInterrupts(), /init/);
  uart.disableReceiveInterrupts();
  assert.is(bus.log.length, 0);
});

test("receive interrupts drive the model's output: asserted while the FIFO holds data, no TX storm", () => {
  const levels: boolean[] = [];
  const { bus, model, uart } = setup({ onInterrupt: (l) => levels.push(l) });
  uart.init();
  model.receive([1]);
  assert.equal(levels, [], "masked after init");
  uart.enableReceiveInterrupts();
  assert.equal(levels, [true], "a character already waiting raises it at once");
  assert.is(bus.read32(AUX_IRQ) & 1, 1, "AUX_IRQ shows the mini UART as the source");
  assert.is(bus.read32(IIR), 0xc4, "IIR: receiver holds a byte, pending (bit 0 clear)");
  model.receive([2, 3]);
  assert.equal([uart.readByte(), uart.readByte()], [1, 2]);
  assert.equal(levels, [true], "still data in the FIFO");
  assert.is(uart.readByte(), 3);
  assert.equal(levels, [true, false], "reading the FIFO empty deasserts it (the TX-empty interrupt stays off)");
  uart.acknowledgeReceive();
  assert.is(bus.read32(IIR), 0xc1);
  model.receive([4]);
  uart.disableReceiveInterrupts();
  assert.equal(levels, [true, false, true, false]);
  assert.is(bus.read32(AUX_IRQ), 0);
  assert.is(uart.readByte(), 4);
  assert.equal(model.warnings, []);
});

test("model: interrupt = (IER0 and RX data) or (IER1 and TX empty); IIR and AUX_IRQ follow", () => {
  const levels: boolean[] = [];
  const bus = new MemoryBus();
  const model = new Bcm2835MiniUartModel(bus, BASE, { autoTransmit: false, onInterrupt: (l) => levels.push(l) });
  bus.write32(ENABLES, 1);
  bus.write32(CNTL, 0);
  bus.write32(LCR, 3);
  bus.write32(IER, 2); // TX: the FIFO is empty
  assert.equal(levels, [true]);
  assert.is(bus.read32(IIR), 0xc2, "IIR: transmit holding register empty");
  bus.write32(IO, 0x55);
  assert.equal(levels, [true, false], "a character waits in the TX FIFO");
  bus.write32(CNTL, 2);
  model.transmit();
  assert.equal(levels, [true, false, true]);
  bus.write32(IER, 0);
  assert.equal(levels, [true, false, true, false]);
  bus.write32(CNTL, 3);
  model.receive([9]);
  assert.equal(levels.length, 4, "RX data alone, IER bit 0 clear: no interrupt");
  bus.write32(IER, 1);
  assert.is(model.interrupt, true);
  bus.write32(ENABLES, 0);
  assert.is(model.interrupt, false, "a disabled mini UART does not interrupt");
  assert.is(bus.read32(AUX_IRQ), 0);
  bus.write32(ENABLES, 1);
  bus.write32(IIR, 2); // clear the RX FIFO
  assert.is(model.interrupt, false);
  assert.equal(levels, [true, false, true, false, true, false, true, false]);
});

test("model: AUX_ENABLES gates every mini UART register (2.1.1); AUX_IRQ/AUX_ENABLES stay accessible", () => {
  const bus = new MemoryBus();
  const model = new Bcm2835MiniUartModel(bus, BASE);
  assert.is(bus.read32(ENABLES), 0, "reset: everything disabled");
  assert.is(bus.read32(CNTL), 0, "reads 0 though CNTL resets to 3");
  assert.is(bus.read32(LSR), 0);
  bus.write32(BAUD, 270);
  bus.write32(SCRATCH, 0x5a);
  bus.write32(IO, 0x41);
  assert.is(model.receive("x"), 0);
  assert.is(model.rxLost, 1);
  bus.write32(ENABLES, 0b110);
  assert.is(bus.read32(ENABLES), 0b110);
  assert.is(bus.read32(SCRATCH), 0, "SPI enables do not open the mini UART");
  bus.write32(ENABLES, 0b111);
  assert.equal([bus.read32(BAUD), bus.read32(SCRATCH), bus.read32(CNTL)], [0, 0, 3], "the writes were ignored");
  assert.equal(model.transmitted, []);
  assert.ok(model.warnings.some((w) => /AUX_MU_BAUD written while the mini UART is disabled/.test(w)));
  assert.ok(model.warnings.some((w) => /AUX_MU_CNTL read while the mini UART is disabled/.test(w)));
});

test("model: LSR/STAT status, overrun cleared by reading LSR only, DLAB baud access, 7-bit mode", () => {
  const bus = new MemoryBus();
  const model = new Bcm2835MiniUartModel(bus, BASE, { autoTransmit: false });
  bus.write32(ENABLES, 1);
  assert.is(bus.read32(LSR), 0x60, "TX empty and idle, no data");
  assert.is(bus.read32(STAT), 0x30e);
  bus.write32(CNTL, 1); // receiver only: TX characters wait
  for (let i = 0; i < 9; i++) bus.write32(IO, 0x30 + i);
  assert.is(model.txLost, 1);
  model.receive(new Uint8Array(10));
  assert.is(bus.read32(STAT), 0x0808_003d, "8 + 8 in the FIFOs, RX available, overrun, TX full");
  assert.is(bus.read32(STAT) & 0x10, 0x10, "reading STAT does not clear the overrun");
  assert.is(bus.read32(LSR), 0x03, "data ready, overrun; TX full and busy");
  assert.is(bus.read32(LSR), 0x01, "the overrun flag cleared on read");
  bus.write32(IIR, 6);
  assert.equal([model.rxLevel, model.txLevel], [0, 0]);
  bus.write32(CNTL, 2); // transmitter only
  assert.is(model.receive("ab"), 0, "a disabled receiver accepts nothing");
  assert.is(model.rxLost, 2);
  bus.write32(CNTL, 0);
  bus.write32(LCR, 0x83); // DLAB
  bus.write32(IO, 0x0e);
  bus.write32(IER, 0x01);
  assert.is(bus.read32(BAUD), 0x10e);
  assert.equal([bus.read32(IO), bus.read32(IER)], [0x0e, 0x01]);
  bus.write32(LCR, 1); // the manual's "8-bit mode": 7 bits, per the errata
  assert.is(model.dataBits, 7);
  bus.write32(CNTL, 3);
  bus.write32(IO, 0xc3);
  model.transmit();
  assert.equal(model.transmitted, [0x43]);
  assert.equal(model.warnings, []);
});

test("model: changing the baud rate or data size while enabled is flagged", () => {
  const bus = new MemoryBus();
  const model = new Bcm2835MiniUartModel(bus, BASE);
  bus.write32(ENABLES, 1);
  bus.write32(BAUD, 270); // CNTL resets to 3: enabled
  bus.write32(LCR, 3);
  assert.is(model.warnings.length, 2);
});

// --- as the port of io/serial.ts ---

function serialSetup(options: Partial<SerialOptions> = {}) {
  const bus = new MemoryBus({ logLimit: 1000 });
  const irq = new FakeIrq(IRQ_AUX);
  const model = new Bcm2835MiniUartModel(bus, BASE, { onInterrupt: (level) => (irq.level = level) });
  const uart = new Bcm2835MiniUart({ base: BASE, clockHz: CLOCK, bus });
  uart.init();
  const serial = new Serial({ port: uart, irq, line: IRQ_AUX, ...options });
  return { bus, irq, model, uart, serial };
}

const bytesOf = (v: unknown) => Array.from(new Uint8Array(v as ArrayBuffer));

test("Serial: 6 KiB in FIFO-sized bursts arrive complete and in order", () => {
  const sent = Uint8Array.from({ length: 6144 }, (_, i) => (i * 7 + (i >> 8)) & 0xff);
  const received = new Uint8Array(sent.length);
  let n = 0;
  const { model, irq, serial } = serialSetup({
    onReadable() {
      const data = new Uint8Array(this.read() as ArrayBuffer);
      received.set(data, n);
      n += data.length;
    },
  });
  assert.is(irq.level, false);
  const sizes = [8, 1, 5, 8, 3, 7];
  for (let i = 0, k = 0; i < sent.length; k++) {
    const size = sizes[k % sizes.length];
    assert.is(model.receive(sent.subarray(i, i + size)), Math.min(size, sent.length - i));
    assert.is(irq.level, true);
    assert.is(irq.run(), 1, "one handler run drains the FIFO and deasserts the line");
    i += size;
  }
  assert.is(n, sent.length);
  assert.ok(received.every((b, i) => b === sent[i]), "same bytes in the same order");
  assert.equal(serial.overflows, { hardware: 0 });
  assert.is(model.overruns, 0);
});

test("Serial: a late handler's overrun is reported in overflows.hardware", () => {
  const { model, irq, serial } = serialSetup();
  model.receive(Array.from({ length: 11 }, (_, i) => i)); // 3 dropped
  irq.run();
  assert.equal(bytesOf(serial.read()), [0, 1, 2, 3, 4, 5, 6, 7]);
  assert.equal(serial.overflows, { hardware: 1 });
  assert.is(model.overruns, 3);
});

test("Serial: a full ring masks the receive interrupt; read() unmasks it and drains what waited", async () => {
  const { model, irq, serial } = serialSetup({ bufferSize: 16 });
  fillInBursts(model, irq, 8);
  assert.is(serial.available, 16);
  assert.is(irq.level, false, "receive interrupt masked while the ring is full");
  model.receive(Array.from({ length: 8 }, (_, i) => 16 + i));
  assert.is(irq.run(), 0, "no handler runs while paused");
  assert.equal(bytesOf(serial.read()), Array.from({ length: 16 }, (_, i) => i));
  assert.is(irq.level, true, "unmasked, with characters waiting");
  await Promise.resolve();
  assert.is(irq.level, false, "a microtask drained the FIFO");
  assert.equal(bytesOf(serial.read()), Array.from({ length: 8 }, (_, i) => 16 + i));
  assert.equal(serial.overflows, { hardware: 0 });
  serial.close();
  model.receive([1]);
  assert.is(model.interrupt, false, "closed: masked");
});

test.run();
