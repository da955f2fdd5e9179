// The board registry of io/board-services.ts, with a serial opener over a PL011 model.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { MemoryBus } from "../../models/memory-bus.ts";
import { Pl011 } from "../../drivers/uart/pl011.ts";
import { Pl011Model } from "../../models/uart/pl011.ts";
import { registerBoard, registeredBoard, serialOpener, type BoardServices } from "../../io/board-services.ts";
import { FakeIrq } from "../support/fake-irq.ts";

const board = (): BoardServices => registeredBoard()!;

const BASE = 0x2020_1000;
const LINE = 57; // BCM2835 UART0
const FIFO = 16; // BCM2835's PL011

test("board registry: nothing before registration; one board only", () => {
  assert.is(registeredBoard(), undefined);
  const irq = new FakeIrq(LINE);
  const bus = new MemoryBus();
  new Pl011Model(bus, BASE, { fifoDepth: FIFO });
  const uart = new Pl011({ base: BASE, clockHz: 48_000_000, bus });
  uart.init();
  registerBoard({ name: "test", openSerial: serialOpener(uart, irq, LINE, "console UART") });
  assert.is(board().name, "test");
  assert.throws(() => registerBoard({ name: "other", openSerial: board().openSerial }), /already registered/);
  const first = board().openSerial({ format: "number", keepAlive: false });
  assert.is(first.format, "number");
  assert.throws(() => board().openSerial(), /console UART is already open/);
  first.close();
  const second = board().openSerial();
  assert.is(second.format, "buffer");
  assert.equal(irq.calls, ["on 57 keepAlive=false", "off 57", "on 57 keepAlive=true"]);
});

test.run();
