import { test } from "uvu";
import * as assert from "uvu/assert";
import { MemoryBus } from "../../../models/memory-bus.ts";
import { SifiveSpiModel } from "../../../models/spi/sifive-spi.ts";
import { SifiveSpi } from "../../../drivers/spi/sifive-spi.ts";

const BASE = 0x1005_0000;
// FU540-C000 manual 19.3: sckdiv 0x00, sckmode 0x04, csid 0x10, csdef 0x14, csmode 0x18, fmt 0x40, txdata 0x48, rxdata 0x4C, ie 0x70.
const NAMES: Record<number, string> = { 0x00: "sckdiv", 0x04: "sckmode", 0x10: "csid", 0x14: "csdef", 0x18: "csmode", 0x40: "fmt", 0x48: "txdata", 0x4c: "rxdata", 0x70: "ie" };

test("init: interrupts off, mode 0, chip select 0 idle high in AUTO, 8-bit MSB-first frames, 400 kHz; drains the receive FIFO", () => {
  const bus = new MemoryBus();
  new SifiveSpiModel(bus, BASE, undefined);
  new SifiveSpi({ base: BASE, bus }).init();
  const log = bus.log.map((a) => `${NAMES[a.addr - BASE]}${a.kind === "write" ? "=" + a.value.toString(16) : ""}`);
  // sckdiv: 500 MHz / (2 * (624 + 1)) = 400 kHz; fmt len 8 at bits 19:16.
  assert.equal(log, ["ie=0", "sckmode=0", "csid=0", "csdef=1", "csmode=0", "fmt=80000", "sckdiv=270", "rxdata"]);
});

test("transfer: one byte out, the byte shifted in back; select holds CS (csmode HOLD = 2), deselect releases it with a byte of clocks", () => {
  const bus = new MemoryBus();
  const seen: Array<[number, boolean]> = [];
  const model = new SifiveSpiModel(bus, BASE, { transfer: (tx, sel) => { seen.push([tx, sel]); return tx ^ 0xff; } });
  const spi = new SifiveSpi({ base: BASE, bus });
  spi.init();
  spi.select();
  assert.is(model.csmode, 2);
  assert.is(spi.transfer(0x40), 0xbf);
  spi.deselect();
  assert.is(model.csmode, 0);
  assert.equal(seen, [[0x40, true], [0xff, false]]);
});

test("receive and send move blocks eight bytes at a time through the FIFOs, in order", () => {
  const bus = new MemoryBus();
  const seen: number[] = [];
  let next = 0;
  new SifiveSpiModel(bus, BASE, { transfer: (tx) => { seen.push(tx); return next++ & 0xff; } });
  const spi = new SifiveSpi({ base: BASE, bus });
  spi.init();
  bus.clearLog();
  const into = new Uint8Array(20);
  spi.receive(into, 2, 17);
  assert.equal(Array.from(into), [0, 0, ...Array.from({ length: 17 }, (_, i) => i), 0]);
  assert.equal(seen, new Array(17).fill(0xff));
  // 8 txdata writes, then 8 rxdata reads: the FIFO holds eight (19.12).
  assert.equal(bus.log.slice(0, 16).map((a) => `${a.kind} ${NAMES[a.addr - BASE]}`), [...new Array(8).fill("write txdata"), ...new Array(8).fill("read rxdata")]);
  seen.length = 0;
  spi.send(Uint8Array.of(9, 8, 7, 6, 5, 4, 3, 2, 1, 0), 1, 9);
  assert.equal(seen, [8, 7, 6, 5, 4, 3, 2, 1, 0]);
});

test("a controller that never shifts is an error naming it, not a hang", () => {
  const bus = new MemoryBus();
  bus.onRead(BASE + 0x4c, () => 0x8000_0000); // rxdata always empty
  const spi = new SifiveSpi({ base: BASE, bus, maxPolls: 5 });
  assert.throws(() => spi.transfer(0xff), /SifiveSpi@0x10050000: the controller stopped shifting/);
  assert.throws(() => new SifiveSpi({ base: 0, bus }).init(), /invalid base address/);
});

test.run();
