import { test } from "uvu";
import * as assert from "uvu/assert";
import { MemoryBus } from "../../../models/memory-bus.ts";
import { Serial } from "../../../io/serial.ts";
import { ImxUart, UCR1, UTS, imxUartModulator } from "../../../drivers/uart/imx-uart.ts";
import { ImxUartModel, type ImxUartModelOptions } from "../../../models/uart/imx-uart.ts";
import { FakeIrq } from "../../support/fake-irq.ts";
import { checkDivisor } from "../../support/uart-checks.ts";

const BASE = 0x021e_8000; // i.MX6UL UART2
const CLOCK = 80_000_000;
const LINE = 32 + 27;
// Offsets from the i.MX6UL RM (UART memory map), written out again so a wrong one in the driver shows.
const NAMES: Record<number, string> = {
  0x00: "URXD", 0x40: "UTXD", 0x80: "UCR1", 0x84: "UCR2", 0x88: "UCR3", 0x8c: "UCR4", 0x90: "UFCR",
  0x94: "USR1", 0x98: "USR2", 0xa4: "UBIR", 0xa8: "UBMR", 0xb4: "UTS",
};
const accesses = (bus: MemoryBus) => bus.log.map((a) => (a.kind === "read" ? NAMES[a.addr - BASE] : `${NAMES[a.addr - BASE]}=${a.value.toString(16)}`));

function setup(options: ImxUartModelOptions = {}) {
  const bus = new MemoryBus({ logLimit: 10_000 });
  const model = new ImxUartModel(bus, BASE, options);
  const uart = new ImxUart({ base: BASE, clockHz: CLOCK, bus });
  return { bus, model, uart };
}

test("init: reset, RXDMUXSEL, FIFO levels and RFDIV/2, 115200 from 80 MHz, 8N1 TX+RX, then UARTEN", () => {
  const { bus, model, uart } = setup();
  uart.init();
  assert.equal(accesses(bus), ["UCR1=0", "UCR2=0", "UTS", "UCR3=4", "UCR4=0", "UFCR=a01", "UBIR=f", "UBMR=15a", "UCR2=4027", "UCR1=1"]);
  assert.is(model.resets, 1);
  assert.ok(Math.abs(model.baudRate(CLOCK) - 115200) / 115200 < 0.005, `${model.baudRate(CLOCK)} baud`);
  assert.is(UCR1.RRDYEN, 0x200);
  assert.is(UTS.TXFULL, 0x10);
});

test("imxUartModulator: round(clock / 2 / baud) - 1, refusing what cannot be divided", () => {
  checkDivisor(imxUartModulator, [[80_000_000, 115200, 346], [80_000_000, 9600, 4166]], [[80_000_000, 0], [0, 115200], [80_000_000, 5_000_000], [80_000_000, 300], [NaN, 9600]]);
});

test("init refuses a zero base before touching the bus; reading needs init", () => {
  const bus = new MemoryBus();
  assert.throws(() => new ImxUart({ base: 0, bus }).init(), /base/);
  const uart = new ImxUart({ base: BASE, bus });
  assert.throws(() => uart.readByte(), /init/);
  assert.throws(() => uart.enableReceiveInterrupts(), /init/);
  uart.disableReceiveInterrupts();
  assert.is(bus.log.length, 0);
});

test("writeString: bytes and UTF-8 on the line, each after a UTS.TXFULL check", () => {
  const { bus, model, uart } = setup();
  uart.init();
  bus.clearLog();
  uart.writeString("hé€😀\n");
  assert.equal(model.transmitted, Array.from(new TextEncoder().encode("hé€😀\n")));
  assert.equal(accesses(bus).slice(0, 4), ["UTS", "UTXD=68", "UTS", "UTXD=c3"]);
});

test("writeByte throws after maxPolls while UTS.TXFULL stays set", () => {
  const bus = new MemoryBus();
  const uart = new ImxUart({ base: BASE, bus, maxPolls: 5 });
  uart.init();
  bus.write32(BASE + 0xb4, 1 << 4);
  assert.throws(() => uart.writeByte(1), /full/);
});

test("readByte: bytes in order, -1 when URXD.CHARRDY is clear; overrun flags are counted", () => {
  const { model, uart } = setup();
  uart.init();
  assert.is(uart.readByte(), -1);
  model.receive(Array.from({ length: 34 }, (_, i) => i));
  assert.is(model.overruns, 2);
  const got: number[] = [];
  for (let b = uart.readByte(); b >= 0; b = uart.readByte()) got.push(b);
  assert.equal(got, Array.from({ length: 32 }, (_, i) => i));
  assert.is(uart.rxErrors.overrun, 1);
});

test("model: bytes that arrive while UARTEN or RXEN is clear are lost and counted in rxLost", () => {
  const { bus, model } = setup();
  assert.is(model.receive([1, 2]), 0, "UCR1.UARTEN clear after reset");
  assert.is(model.rxLost, 2);
  bus.write32(BASE + 0x80, 1); // UCR1.UARTEN
  bus.write32(BASE + 0x84, 0x7); // UCR2: not in reset, RXEN, TXEN
  assert.is(model.receive([3]), 1);
  assert.is(model.rxLost, 2);
});

test("receive interrupts: UCR1.RRDYEN; the line falls when the FIFO is read empty; Serial gets every byte", () => {
  const irq = new FakeIrq(LINE);
  const { model, uart, bus } = setup({ onIrq: (l) => (irq.level = l) });
  uart.init();
  const serial = new Serial({ port: uart, irq, line: LINE });
  assert.ok(bus.read32(BASE + 0x80) & 0x200, "RRDYEN set by open");
  const sent = Uint8Array.from({ length: 1000 }, (_, i) => (i * 13) & 0xff);
  for (let i = 0; i < sent.length; i += 20) {
    model.receive(sent.subarray(i, i + 20));
    assert.is(irq.run(), 1);
  }
  assert.equal(Array.from(new Uint8Array(serial.read() as ArrayBuffer)), Array.from(sent));
  serial.close();
  assert.is(bus.read32(BASE + 0x80) & 0x200, 0, "RRDYEN cleared by close");
});

test.run();
