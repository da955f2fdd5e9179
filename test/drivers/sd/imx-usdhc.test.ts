import { test } from "uvu";
import * as assert from "uvu/assert";
import { MemoryBus } from "../../../models/memory-bus.ts";
import { SdCardModel } from "../../../models/sd/sd-card.ts";
import { SdhciModel } from "../../../models/sd/sdhci.ts";
import { ImxUsdhc } from "../../../drivers/sd/imx-usdhc.ts";
import { SdCard } from "../../../drivers/sd/sd-card.ts";
import { BlockDeviceError } from "../../../drivers/block/block-device.ts";
import { FakeDma } from "../../../models/mailbox/bcm2835.ts";

const BASE = 0x0219_0000; // uSDHC1 (IMX6ULRM memory map)
// IMX6ULRM 58.8: CMD_XFR_TYP 0x0C, PROT_CTRL 0x28, SYS_CTRL 0x2C, WTMK_LVL 0x44, MIX_CTRL 0x48.
const CMD_XFR_TYP = BASE + 0x0c, PROT_CTRL = BASE + 0x28, SYS_CTRL = BASE + 0x2c, WTMK_LVL = BASE + 0x44, MIX_CTRL = BASE + 0x48;

function rig(present = true, o: { silent?: number; sdhc?: boolean } = {}) {
  const bus = new MemoryBus({ logLimit: 1_000_000 });
  const img = new Uint8Array(8192 * 512).map((_, i) => (i * 31 + (i >>> 9)) & 0xff);
  const card = present ? new SdCardModel(img, { sdhc: o.sdhc ?? true, silent: o.silent }) : undefined;
  const model = new SdhciModel(bus, BASE, card, { variant: "usdhc" });
  const sd = new SdCard({ host: new ImxUsdhc({ base: BASE, bus, maxPolls: 1000 }), maxInitPolls: 50 });
  return { bus, card: card!, model, sd };
}

test("bring-up: RSTA, little-endian PROT_CTRL, 128-word watermarks, 400 kHz from 198 MHz, INITA; then 25 MHz and a 4-bit bus", () => {
  const s = rig();
  const info = s.sd.init();
  assert.is(info.highCapacity, true);
  assert.is(info.blockCount, 8192);
  const sys = s.bus.writes(SYS_CTRL).map((w) => w.value);
  assert.is(sys[0], 0x0100_000f); // RSTA (bit 24), reserved bits 3:0 written as read (1111b)
  // 400 kHz: 198 MHz / (prescaler 32: SDCLKFS 0x10) / (divisor 16: DVS 15) = 387 kHz; DTOCV 0xE.
  assert.is(sys[1], 0x000e_10ff);
  assert.is(sys[2], 0x080e_10ff); // INITA (bit 27)
  assert.is(sys.at(-1), 0x000e_007f); // 25 MHz: prescaler 1 (SDCLKFS 0), divisor 8 (DVS 7): 24.75 MHz
  assert.is(s.bus.writes(PROT_CTRL)[0].value, 0x20); // EMODE 10b little endian, DTW 1-bit
  assert.is(s.bus.writes(PROT_CTRL).at(-1)!.value, 0x22); // DTW 01b: 4-bit
  assert.is(s.bus.writes(WTMK_LVL)[0].value, 0x0880_0880); // RD_WML = WR_WML = 128 words, bursts of 8
  assert.is(s.model.busWidth, 4);
  assert.is(s.card.busWidth, 4);
});

test("a multi-block read: MIX_CTRL holds the transfer mode, CMD_XFR_TYP only the command", async () => {
  const s = rig();
  s.sd.init();
  const got = await s.sd.read(1000, 4);
  assert.equal(got, s.card.image.subarray(1000 * 512, 1004 * 512));
  // MIX_CTRL: BCEN (1), AC12EN (2), DTDSEL read (4), MSBSEL (5).
  assert.is(s.bus.writes(MIX_CTRL).at(-1)!.value, 0b110110);
  // CMD_XFR_TYP: CMDINX 18 (29:24), DPSEL (21), CICEN (20), CCCEN (19), RSPTYP 10b 48 bits (17:16); low half 0.
  assert.is(s.bus.writes(CMD_XFR_TYP).at(-1)!.value, (18 << 24) | (1 << 21) | (1 << 20) | (1 << 19) | (2 << 16));
  assert.equal(s.model.sent.slice(-2), [[18, 1000], [12, 0]]);
});

test("writes land on the card; an SDSC card gets byte addresses", async () => {
  const s = rig(true, { sdhc: false });
  const info = s.sd.init();
  assert.is(info.highCapacity, false);
  const data = new Uint8Array(2 * 512).map((_, i) => 255 - (i & 0xff));
  await s.sd.write(6, data);
  assert.equal(s.model.sent.find(([c]) => c === 25), [25, 6 * 512]);
  assert.equal(s.card.image.subarray(6 * 512, 8 * 512), data);
});

test("no card: PRES_STATE.CINST clear is ENOMEDIUM; a silent CMD18 is ETIMEDOUT naming it and INT_STATUS", async () => {
  const empty = rig(false);
  try { empty.sd.init(); assert.unreachable(); } catch (e) {
    assert.instance(e, BlockDeviceError);
    assert.is((e as BlockDeviceError).code, "ENOMEDIUM");
    assert.match((e as Error).message, /ImxUsdhc@0x2190000: no card in the slot \(PRES_STATE 0x20008\)/);
  }
  const s = rig(true, { silent: 18 });
  s.sd.init();
  try { await s.sd.read(0, 2); assert.unreachable(); } catch (e) {
    assert.instance(e, BlockDeviceError);
    assert.is((e as BlockDeviceError).code, "ETIMEDOUT");
    assert.match((e as Error).message, /CMD18 \(argument 0x0\): command timeout; INT_STATUS 0x18000/);
  }
});

const ADMA_SYS_ADDR = BASE + 0x58, INT_STATUS_EN = BASE + 0x34;

function dmaRig(cap?: number) {
  const bus = new MemoryBus({ logLimit: 1_000_000 });
  const card = new SdCardModel(new Uint8Array(8192 * 512).map((_, i) => (i * 31 + (i >>> 9)) & 0xff), { sdhc: true });
  const dma = new FakeDma(0x8f00_0000); // DDR; the i.MX's DMA addresses are physical ones
  const model = new SdhciModel(bus, BASE, card, { variant: "usdhc", dma, cap });
  const host = new ImxUsdhc({ base: BASE, bus, maxPolls: 1000, dma, barrier: () => {} });
  const sd = new SdCard({ host, maxInitPolls: 50 });
  return { bus, card, model, host, sd, dma };
}

test("DMA: QEMU's capabilities (0x057834b4) choose ADMA2: PROT_CTRL.DMASEL 10b, MIX_CTRL.DMAEN, the descriptor table in ADMA_SYS_ADDR", async () => {
  const s = dmaRig();
  s.sd.init();
  assert.is(s.host.transferMode, "adma2");
  assert.is(s.bus.writes(PROT_CTRL).at(-1)!.value & 0x300, 0x200);
  assert.is(s.bus.writes(INT_STATUS_EN)[0].value & 0x1200_0000, 0x1200_0000); // DMAE (28) and QEMU's ADMA error (25)
  const got = await s.sd.read(1000, 40);
  assert.equal(got, s.card.image.subarray(1000 * 512, 1040 * 512));
  assert.is(s.bus.writes(MIX_CTRL).at(-1)!.value, 0b110111); // DMAEN (0), BCEN, AC12EN, DTDSEL read, MSBSEL
  assert.is(s.bus.writes(ADMA_SYS_ADDR).at(-1)!.value, s.dma.allocations[1].addr);
  assert.is(s.model.dataWords, 0);
  assert.is(s.model.dmaBlocks, 40);
  const data = new Uint8Array(130 * 512).map((_, i) => (i * 7 + 1) & 0xff); // 130 blocks: two commands of 128 and 2
  await s.sd.write(3000, data);
  assert.equal(s.card.image.subarray(3000 * 512, 3130 * 512), data);
  assert.equal(s.model.sent.filter(([c]) => c === 25), [[25, 3000], [25, 3128]]);
  // No SDMA buffer boundary in BLK_ATT (its block size is 12:0).
  assert.is(s.bus.writes(BASE + 0x04).at(-1)!.value, 512 | (2 << 16));
});

test("DMA: the i.MX's own ADMA bit (HOST_CTRL_CAP.ADMAS, 20) is ADMA2; DMAS (22) alone simple DMA; neither is PIO", () => {
  const imx = dmaRig(0x07f3_b407 & ~(1 << 19)); // ADMAS, DMAS, no SDHCI ADMA2 bit
  imx.host.reset();
  assert.is(imx.host.transferMode, "adma2");
  const simple = dmaRig(0x0040_34b4 | (1 << 24));
  simple.host.reset();
  assert.is(simple.host.transferMode, "sdma");
  assert.is(simple.bus.writes(PROT_CTRL).at(-1)!.value & 0x300, 0);
  const none = dmaRig(0x0100_34b4);
  none.host.reset();
  assert.is(none.host.transferMode, "pio");
  assert.is(none.dma.allocations.length, 0);
});

test("an ADMA error is EIO naming the command, INT_STATUS and ADMA_ERR_STATUS; the next read goes through", async () => {
  const s = dmaRig();
  s.sd.init();
  s.model.corruptNextDescriptor();
  try { await s.sd.read(4, 2); assert.unreachable(); } catch (e) {
    assert.instance(e, BlockDeviceError);
    assert.is((e as BlockDeviceError).code, "EIO");
    assert.match((e as Error).message, /ImxUsdhc@0x2190000: CMD18 \(argument 0x4\): ADMA error; INT_STATUS 0x2008001, PRES_STATE 0x[0-9a-f]+, ADMA_ERR_STATUS 0x1 \(ST_FDS: fetching a descriptor\)/);
  }
  assert.equal(await s.sd.read(4, 2), s.card.image.subarray(4 * 512, 6 * 512));
});

test.run();
