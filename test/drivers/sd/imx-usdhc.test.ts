import { test } from "uvu";
import * as assert from "uvu/assert";
import { MemoryBus } from "../../../models/memory-bus.ts";
import { SdCardModel } from "../../../models/sd/sd-card.ts";
import { SdhciModel } from "../../../models/sd/sdhci.ts";
import { ImxUsdhc } from "../../../drivers/sd/imx-usdhc.ts";
import { SdCard } from "../../../drivers/sd/sd-card.ts";
import { BlockDeviceError } from "../../../drivers/block/block-device.ts";

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

test.run();
