import { test } from "uvu";
import * as assert from "uvu/assert";
import { MemoryBus } from "../../../models/memory-bus.ts";
import { SifiveSpiModel } from "../../../models/spi/sifive-spi.ts";
import { SdSpiCardModel, type SdSpiCardModelOptions } from "../../../models/sd/sd-spi-card.ts";
import { SifiveSpi } from "../../../drivers/spi/sifive-spi.ts";
import { SdSpiCard, crc7Byte } from "../../../drivers/sd/sd-spi.ts";
import { BlockDeviceError } from "../../../drivers/block/block-device.ts";

const BASE = 0x1005_0000; // FU540 QSPI2

function rig(o: SdSpiCardModelOptions = {}, blocks = 4096) {
  const bus = new MemoryBus({ logLimit: 10 });
  const img = new Uint8Array(blocks * 512).map((_, i) => (i * 3 + (i >>> 9)) & 0xff);
  const card = new SdSpiCardModel(img, o);
  const model = new SifiveSpiModel(bus, BASE, card);
  const spi = new SifiveSpi({ base: BASE, bus, maxPolls: 100 });
  spi.init();
  const sd = new SdSpiCard({ spi, maxInitPolls: 20, maxWaitBytes: 2000 });
  return { card, model, sd };
}

async function rejects(p: Promise<unknown> | (() => unknown), code: string, match: RegExp): Promise<void> {
  try { await (typeof p === "function" ? p() : p); } catch (e) {
    assert.instance(e, BlockDeviceError);
    assert.is((e as BlockDeviceError).code, code);
    assert.match((e as Error).message, match);
    return;
  }
  assert.unreachable("did not throw");
}

test("CRC7 of the command frames the spec fixes: CMD0 0x95, CMD8 0x1AA 0x87 (7.2.2), CMD17 0 0x55", () => {
  assert.is(crc7Byte([0x40, 0, 0, 0, 0]), 0x95);
  assert.is(crc7Byte([0x48, 0, 0, 0x01, 0xaa]), 0x87);
  assert.is(crc7Byte([0x51, 0, 0, 0, 0]), 0x55);
});

test("SDHC bring-up in SPI mode: CMD0, CMD8, CMD55/ACMD41 HCS until not idle, CMD58 (CCS), CMD9; no CMD16", () => {
  const s = rig({ sdhc: true, busyPolls: 2 }, 8192);
  const info = s.sd.init();
  assert.equal(s.card.commands, ["CMD0", "CMD8:1aa", "CMD55", "ACMD41:40000000", "CMD55", "ACMD41:40000000", "CMD55", "ACMD41:40000000", "CMD58", "CMD9"]);
  assert.equal(info, { highCapacity: true, csdVersion: 1, blockCount: 8192 });
  // 25 MHz from the 500 MHz tlclk: sckdiv = 500 / (2 * 25) - 1 = 9.
  assert.is(s.model.sckdiv, 9);
});

test("SDSC (CSD 1.0): CMD16 512, byte addresses; a v1.x card (CMD8 illegal) gets ACMD41 without HCS and no CMD58", async () => {
  const s = rig({ sdhc: false }, 2048);
  const info = s.sd.init();
  assert.equal(info, { highCapacity: false, csdVersion: 0, blockCount: 2048 });
  assert.ok(s.card.commands.includes("CMD16:200"));
  assert.equal(await s.sd.read(5, 1), s.card.image.subarray(5 * 512, 6 * 512));
  assert.is(s.card.commands.at(-1), `CMD17:${(5 * 512).toString(16)}`);
  const v1 = rig({ sdhc: false, v1: true }, 2048);
  v1.sd.init();
  assert.equal(v1.card.commands.slice(0, 4), ["CMD0", "CMD8:1aa", "CMD55", "ACMD41"]);
  assert.not.ok(v1.card.commands.includes("CMD58"));
});

test("multi-block read (CMD18 + CMD12) and write (CMD25, stop token), then CMD13", async () => {
  const s = rig({ sdhc: true }, 8192);
  s.sd.init();
  assert.equal(await s.sd.read(100, 3), s.card.image.subarray(100 * 512, 103 * 512));
  assert.equal(s.card.commands.slice(-2), ["CMD18:64", "CMD12"]);
  const data = new Uint8Array(3 * 512).map((_, i) => (i * 11) & 0xff);
  await s.sd.write(200, data);
  assert.equal(s.card.commands.slice(-2), ["CMD25:c8", "CMD13"]);
  assert.equal(s.card.image.subarray(200 * 512, 203 * 512), data);
  await s.sd.write(300, data.subarray(512, 1024));
  assert.equal(s.card.commands.slice(-2), ["CMD24:12c", "CMD13"]);
  assert.equal(s.card.image.subarray(300 * 512, 301 * 512), data.subarray(512, 1024));
  // The card still answers: nothing was left half-way.
  assert.equal(await s.sd.read(200, 1), data.subarray(0, 512));
});

test("no card: CMD0 never answered is ENOMEDIUM", async () => {
  const s = rig({ absent: true });
  await rejects(() => s.sd.init(), "ENOMEDIUM", /SifiveSpi@0x10050000: no card answered CMD0 with the idle state \(R1 0xff\)/);
});

test("a command without a response is ETIMEDOUT naming it; an R1 error is EIO naming its bits", async () => {
  const s = rig({ sdhc: true, silent: 17 });
  s.sd.init();
  await rejects(s.sd.read(7, 1), "ETIMEDOUT", /CMD17 \(argument 0x7\): no response within 8 bytes/);
  const t = rig({ sdhc: true });
  t.sd.init();
  (t.sd as unknown as { card: { blockCount: number } }).card.blockCount = 1 << 20; // past the model's image
  await rejects(t.sd.read(5000, 1), "EIO", /CMD17 \(argument 0x1388\): R1 0x40 \(parameter error\)/);
  await rejects(() => rig({ busyPolls: 1000 }).sd.init(), "ETIMEDOUT", /ACMD41: the card stayed in the idle state/);
});

test("bounds are checked before the card is touched", async () => {
  const s = rig({ sdhc: true }, 4096);
  s.sd.init();
  const n = s.card.commands.length;
  await rejects(s.sd.read(4096, 1), "EINVAL", /runs past the last block/);
  await rejects(s.sd.write(0, new Uint8Array(10)), "EINVAL", /not a whole number/);
  assert.is(s.card.commands.length, n);
});

test.run();
