import { test } from "uvu";
import * as assert from "uvu/assert";
import { MemoryBus } from "../../../models/memory-bus.ts";
import { SdCardModel, type SdCardModelOptions } from "../../../models/sd/sd-card.ts";
import { SdhciModel } from "../../../models/sd/sdhci.ts";
import { Sdhci } from "../../../drivers/sd/sdhci.ts";
import { SdCard } from "../../../drivers/sd/sd-card.ts";
import { BlockDeviceError } from "../../../drivers/block/block-device.ts";
import { FakeDma } from "../../../models/mailbox/bcm2835.ts";

const BASE = 0x2030_0000; // BCM2835 EMMC (Arasan SDHCI): peripheral base 0x20000000 + 0x300000

function image(blocks: number): Uint8Array {
  const img = new Uint8Array(blocks * 512);
  for (let i = 0; i < img.length; i++) img[i] = (i * 7 + (i >>> 9)) & 0xff;
  return img;
}

function rig(card: SdCardModelOptions | null = {}, blocks = 4096, maxPolls = 1000) {
  const bus = new MemoryBus({ logLimit: 1_000_000 });
  const cardModel = card === null ? undefined : new SdCardModel(image(blocks), card);
  const model = new SdhciModel(bus, BASE, cardModel);
  const host = new Sdhci({ base: BASE, bus, maxPolls });
  const sd = new SdCard({ host, maxInitPolls: 50, maxBusyPolls: 50 });
  return { bus, card: cardModel!, model, host, sd };
}

async function rejects(p: Promise<unknown> | (() => unknown), code: string, match: RegExp): Promise<void> {
  try {
    await (typeof p === "function" ? p() : p);
  } catch (e) {
    assert.instance(e, BlockDeviceError);
    assert.is((e as BlockDeviceError).code, code);
    assert.match((e as Error).message, match);
    return;
  }
  assert.unreachable("did not throw");
}

test("bring-up of an SDHC card: CMD0, CMD8 0x1AA, CMD55/ACMD41 with HCS until not busy, CMD2, CMD3, CMD9, CMD7, ACMD6 4-bit; no CMD16", () => {
  const s = rig({ sdhc: true, busyPolls: 2 }, 8192);
  const info = s.sd.init();
  assert.equal(s.card.commands, [
    "CMD0", "CMD8:1aa",
    "CMD55", "ACMD41:40300000", "CMD55", "ACMD41:40300000", "CMD55", "ACMD41:40300000", // HCS (bit 30) + 3.2-3.4 V (bits 20, 21)
    "CMD2", "CMD3", "CMD9:12340000", "CMD7:12340000", "CMD55:12340000", "ACMD6:2",
  ]);
  assert.is(info.highCapacity, true);
  assert.is(info.csdVersion, 1);
  assert.is(info.blockCount, 8192); // (C_SIZE 7 + 1) * 512 KiB
  assert.is(info.rca, 0x1234);
  assert.is(s.sd.blockCount, 8192);
  assert.is(s.card.busWidth, 4);
  assert.is(s.model.busWidth, 4); // Host Control 1 bit 1
  // Software reset for all: Software Reset register (0x2F) bit 0 = bit 24 of the 32-bit word at 0x2C.
  assert.is(s.bus.writes(BASE + 0x2c)[0].value, 0x0100_0000);
  // Power: 3.3 V (111b at bits 11:9) and bus power (bit 8).
  assert.is(s.bus.writes(BASE + 0x28)[0].value, 0xf00);
  // 400 kHz from the 52 MHz base: divisor N = 65 (52 MHz / 130 = 400 kHz) at bits 15:8, timeout 0xE.
  assert.ok(s.bus.writes(BASE + 0x2c).some((w) => w.value === ((65 << 8) | (0xe << 16) | 0b101)));
  // 25 MHz: N = 2 (13 MHz).
  assert.is(s.bus.writes(BASE + 0x2c).at(-1)!.value, (2 << 8) | (0xe << 16) | 0b101);
});

test("an SDSC card (CSD 1.0) is byte-addressed and gets CMD16 512", async () => {
  const s = rig({ sdhc: false }, 2048);
  const info = s.sd.init();
  assert.is(info.highCapacity, false);
  assert.is(info.csdVersion, 0);
  assert.is(info.blockCount, 2048); // (C_SIZE 3 + 1) * 2^(7+2) * 2^9 / 512
  assert.ok(s.card.commands.includes("CMD16:200"));
  assert.ok(s.card.commands.includes("ACMD41:40300000")); // HCS asked; the card answers CCS 0
  const got = await s.sd.read(3, 1);
  assert.equal(s.model.sent.at(-1), [17, 3 * 512]);
  assert.equal(got, s.card.image.subarray(3 * 512, 4 * 512));
});

test("SDHC reads: one block with CMD17, several with CMD18 and auto-CMD12, data through the buffer port", async () => {
  const s = rig();
  s.sd.init();
  const one = await s.sd.read(100, 1);
  assert.equal(s.model.sent.at(-1), [17, 100]);
  assert.equal(one, s.card.image.subarray(100 * 512, 101 * 512));
  s.model.sent.length = 0;
  const into = new Uint8Array(5 * 512);
  const five = await s.sd.read(7, 5, into);
  assert.is(five, into);
  assert.equal(s.model.sent, [[18, 7], [12, 0]]);
  assert.equal(five, s.card.image.subarray(7 * 512, 12 * 512));
  // Transfer mode of CMD18: block count enable (1), auto-CMD12 (2), read (4), multi-block (5); command 18, R1 with CRC and index checks, data present.
  const cmd = s.bus.writes(BASE + 0x0c).at(-1)!.value;
  assert.is(cmd, (18 << 24) | (1 << 21) | (1 << 20) | (1 << 19) | (2 << 16) | 0b110110);
  assert.is(s.bus.writes(BASE + 0x04).at(-1)!.value, 512 | (5 << 16));
  // A buffer not on a 4-byte boundary takes the byte path, same bytes.
  const odd = new Uint8Array(2 * 512 + 1).subarray(1);
  assert.equal(await s.sd.read(7, 2, odd), s.card.image.subarray(7 * 512, 9 * 512));
});

test("SDHC writes: CMD24 / CMD25 with auto-CMD12, then CMD13 until the transfer state; the card holds the data", async () => {
  const s = rig();
  s.sd.init();
  const data = new Uint8Array(3 * 512).map((_, i) => (i * 13) & 0xff);
  await s.sd.write(40, data);
  assert.equal(s.model.sent.slice(-3), [[25, 40], [12, 0], [13, 0x1234_0000]]);
  assert.equal(s.card.image.subarray(40 * 512, 43 * 512), data);
  await s.sd.write(50, data.subarray(0, 512));
  assert.equal(s.model.sent.slice(-2), [[24, 50], [13, 0x1234_0000]]);
  assert.equal(s.card.image.subarray(50 * 512, 51 * 512), data.subarray(0, 512));
  await s.sd.write(60, data.subarray(1, 1 + 512)); // unaligned: the byte path
  assert.equal(s.card.image.subarray(60 * 512, 61 * 512), data.subarray(1, 513));
  await s.sd.flush();
});

test("no card: the Present State register's Card Inserted bit is clear, ENOMEDIUM naming it", async () => {
  const s = rig(null);
  await rejects(() => s.sd.init(), "ENOMEDIUM", /no card in the slot \(PRNSTS 0x20000\)/);
});

test("no card and no card detect: no answer to CMD8 or CMD55 is ENOMEDIUM", async () => {
  const bus = new MemoryBus();
  new SdhciModel(bus, BASE, undefined);
  const sd = new SdCard({ host: new Sdhci({ base: BASE, bus, cardDetect: false }) });
  await rejects(() => sd.init(), "ENOMEDIUM", /no card answered CMD8 or CMD55/);
});

test("a command timeout is ETIMEDOUT naming the command, its argument and the interrupt status", async () => {
  const s = rig({ silent: 17 });
  s.sd.init();
  await rejects(s.sd.read(9, 1), "ETIMEDOUT", /CMD17 \(argument 0x9\): command timeout; NORINTSTS\/ERRINTSTS 0x18000/);
  // The CMD and DAT lines were reset (Software Reset bits 1 and 2: 0x2C bits 25, 26) and the card still reads.
  assert.ok(s.bus.writes(BASE + 0x2c).some((w) => (w.value & 0x0600_0000) === 0x0600_0000));
  assert.equal(await s.sd.read(9, 2), s.card.image.subarray(9 * 512, 11 * 512)); // CMD18 still answers
});

test("a card that stays busy in ACMD41 is ETIMEDOUT after the attempts", async () => {
  const s = rig({ busyPolls: 1000 });
  await rejects(() => s.sd.init(), "ETIMEDOUT", /ACMD41: the card stayed busy/);
});

test("out-of-range and malformed requests are EINVAL, before any command", async () => {
  const s = rig({}, 4096);
  s.sd.init();
  const before = s.model.sent.length;
  await rejects(s.sd.read(4095, 2), "EINVAL", /runs past the last block \(4095\)/);
  await rejects(s.sd.read(-1, 1), "EINVAL", /must be integers/);
  await rejects(s.sd.read(0, 2, new Uint8Array(512)), "EINVAL", /buffer of 512 bytes, not 1024/);
  await rejects(s.sd.write(0, new Uint8Array(100)), "EINVAL", /not a whole number of 512-byte blocks/);
  assert.is(s.model.sent.length, before);
});

test("a write-protected card is read-only: writes are EROFS", async () => {
  const s = rig({ writeProtected: true });
  s.sd.init();
  assert.is(s.sd.readOnly, true);
  await rejects(s.sd.write(0, new Uint8Array(512)), "EROFS", /read-only/);
});

test("card status error bits in R1 are EIO naming the command", async () => {
  const s = rig({ sdhc: false }, 2048);
  s.sd.init();
  // The model answers OUT_OF_RANGE for a block past its image; the driver's own check is bypassed by lying about the size.
  (s.sd as unknown as { card: { blockCount: number } }).card.blockCount = 4096;
  await rejects(s.sd.read(3000, 1), "EIO", /CMD17: card status 0x80000900 has error bits 0x80000000/);
});

test("methods before init() and a zero base say so", async () => {
  const s = rig();
  assert.throws(() => s.sd.blockCount, /init\(\) first/);
  assert.throws(() => new Sdhci({ base: 0, bus: new MemoryBus() }).reset(), /Sdhci@0x0: invalid base address/);
});

// DMA (SD Host Controller Simplified Specification 3.00, 3.7.2.2 SDMA, 3.7.2.3 ADMA2, 1.13.4 descriptors).
const QEMU_RASPI_CAP = 0x0521_34b4; // BCM2835_SDHC_CAPAREG: "no DMA" (hw/arm/bcm2835_peripherals.c)
const ADMA2_CAP = QEMU_RASPI_CAP | (1 << 19) | (1 << 22), SDMA_CAP = QEMU_RASPI_CAP | (1 << 22);

function dmaRig(cap: number, o: { dmaBufferBytes?: number; dmaStart?: number; dmaBusAlias?: number } = {}) {
  const bus = new MemoryBus({ logLimit: 1_000_000 });
  const card = new SdCardModel(image(8192), { sdhc: true });
  const dma = new FakeDma(o.dmaStart);
  const model = new SdhciModel(bus, BASE, card, { cap, dma });
  const barriers: number[] = []; // where in the register log each barrier fell
  const host = new Sdhci({ base: BASE, bus, maxPolls: 1000, dma, dmaBufferBytes: o.dmaBufferBytes, barrier: () => barriers.push(bus.log.length) });
  const sd = new SdCard({ host, maxInitPolls: 50, maxBusyPolls: 50 });
  return { bus, card, model, host, sd, dma, barriers };
}

test("DMA: the Capabilities register decides at reset: ADMA2 before SDMA, PIO (and no DMA memory taken) when it offers neither", () => {
  const none = dmaRig(QEMU_RASPI_CAP);
  none.sd.init();
  assert.is(none.host.transferMode, "pio");
  assert.is(none.dma.allocations.length, 0);
  assert.is(none.host.maxBlocks, 65535);
  const sdma = dmaRig(SDMA_CAP);
  sdma.sd.init();
  assert.is(sdma.host.transferMode, "sdma");
  assert.is(sdma.bus.writes(BASE + 0x28).at(-1)!.value & 0x18, 0); // Host Control 1 DMA select 00b: SDMA
  const adma = dmaRig(ADMA2_CAP);
  adma.sd.init();
  assert.is(adma.host.transferMode, "adma2");
  assert.is(adma.bus.writes(BASE + 0x28).at(-1)!.value & 0x18, 0x10); // 10b: 32-bit ADMA2
  assert.is(adma.host.maxBlocks, 128); // the 64 KiB bounce buffer
  // Without DMA memory the driver never looks: PIO whatever the register says.
  const bus = new MemoryBus();
  new SdhciModel(bus, BASE, new SdCardModel(image(64)), { cap: ADMA2_CAP, dma: new FakeDma() });
  const pio = new Sdhci({ base: BASE, bus });
  pio.reset();
  assert.is(pio.transferMode, "pio");
});

test("ADMA2 reads and writes: one descriptor per 32 KiB over the bounce buffer, the last with End; no word through the buffer port", async () => {
  const s = dmaRig(ADMA2_CAP);
  s.sd.init();
  const words = s.model.dataWords; // SCR-less bring-up moves no data: 0
  const got = await s.sd.read(7, 100);
  assert.equal(got, s.card.image.subarray(7 * 512, 107 * 512));
  assert.equal(s.model.sent.slice(-2), [[18, 7], [12, 0]]);
  assert.is(s.model.dataWords, words);
  assert.is(s.model.dmaBlocks, 100);
  const [buffer, table] = s.dma.allocations;
  assert.is(buffer.addr % 4096, 0);
  assert.is(s.bus.writes(BASE + 0x58).at(-1)!.value, table.addr); // ADMA System Address
  const t = new DataView(table.buffer);
  // 51,200 bytes: 32,768 (tran 10b at 5:4, valid) then 18,432 (tran, end, valid) at buffer + 32 KiB.
  assert.equal([t.getUint32(0, true), t.getUint32(4, true), t.getUint32(8, true), t.getUint32(12, true)], [((0x8000 << 16) | 0x21) >>> 0, buffer.addr, (18432 << 16) | 0x23, buffer.addr + 0x8000]);
  // CMD18 with DMA enable (bit 0) beside block count, auto-CMD12, read, multi.
  assert.is(s.bus.writes(BASE + 0x0c).filter((w) => w.value >>> 24 === 18).at(-1)!.value & 0xff, 0b110111);
  const data = new Uint8Array(3 * 512).map((_, i) => (i * 13 + 5) & 0xff);
  await s.sd.write(40, data);
  assert.equal(s.card.image.subarray(40 * 512, 43 * 512), data);
  await s.sd.write(60, data.subarray(1, 513)); // an unaligned caller buffer is copied like any other
  assert.equal(s.card.image.subarray(60 * 512, 61 * 512), data.subarray(1, 513));
  assert.is(s.model.dataWords, words);
});

test("ADMA2: a request past the bounce buffer is split into commands of maxBlocks; the barrier comes before each command and after each transfer", async () => {
  const s = dmaRig(ADMA2_CAP, { dmaBufferBytes: 8 * 512 });
  s.sd.init();
  s.model.sent.length = 0;
  s.barriers.length = 0;
  s.bus.clearLog();
  const got = await s.sd.read(100, 20);
  assert.equal(got, s.card.image.subarray(100 * 512, 120 * 512));
  assert.equal(s.model.sent, [[18, 100], [12, 0], [18, 108], [12, 0], [18, 116], [12, 0]]);
  const cmdAt = s.bus.log.flatMap((a, i) => (a.kind === "write" && a.addr === BASE + 0x0c ? [i] : []));
  assert.is(s.barriers.length, 6);
  for (let k = 0; k < 3; k++) {
    assert.ok(s.barriers[2 * k] <= cmdAt[k], `barrier ${2 * k} before command ${k}`);
    assert.ok(s.barriers[2 * k + 1] > cmdAt[k], `barrier ${2 * k + 1} after command ${k}`);
  }
  // The host refuses what does not fit the bounce buffer before it touches a register.
  const before = s.bus.log.length;
  assert.throws(() => s.host.command("CMD18", 18, 0, "r1", { write: false, blocks: 9, blockSize: 512, buffer: new Uint8Array(9 * 512), offset: 0, autoStop: true }), /CMD18: 4608 bytes do not fit the DMA buffer of 4096/);
  assert.throws(() => s.host.command("CMD18", 18, 0, "r1", { write: false, blocks: NaN, blockSize: 512, buffer: new Uint8Array(512), offset: 0, autoStop: true }), /NaN blocks do not fit/);
  assert.throws(() => s.host.command("CMD17", 17, 0, "r1", { write: false, blocks: 1, blockSize: 510, buffer: new Uint8Array(512), offset: 0, autoStop: false }), /block size 510 is not a multiple of 4/);
  assert.is(s.bus.log.length, before);
});

test("SDMA: the buffer's address, the 512 KiB boundary; a stop at the boundary (DMA interrupt) resumes by writing the address back", async () => {
  // The bounce buffer at 0x1bf7e000 straddles the 512 KiB boundary at 0x1bf80000, 8 KiB in.
  const s = dmaRig(SDMA_CAP, { dmaStart: 0x1bf7_e000 });
  s.sd.init();
  const [buffer] = s.dma.allocations;
  assert.is(buffer.addr, 0x1bf7_e000);
  const got = await s.sd.read(300, 40);
  assert.equal(got, s.card.image.subarray(300 * 512, 340 * 512));
  assert.is(s.bus.writes(BASE + 0x04).at(-1)!.value, 512 | (7 << 12) | (40 << 16));
  // First the buffer's address, then (after the stop at 0x1bf80000) the next address written back.
  assert.equal(s.bus.writes(BASE + 0x00).map((w) => w.value), [0x1bf7_e000, 0x1bf8_0000]);
  const data = new Uint8Array(24 * 512).map((_, i) => (i * 3) & 0xff);
  await s.sd.write(500, data);
  assert.equal(s.card.image.subarray(500 * 512, 524 * 512), data);
  assert.is(s.model.dmaBlocks, 64);
});

test("an ADMA error (a descriptor without Valid) is EIO naming the command, the interrupt status and the ADMA Error Status; the card reads after", async () => {
  const s = dmaRig(ADMA2_CAP);
  s.sd.init();
  s.model.corruptNextDescriptor();
  await rejects(s.sd.read(7, 4), "EIO", /Sdhci@0x20300000: CMD18 \(argument 0x7\): ADMA error; NORINTSTS\/ERRINTSTS 0x2008001, PRNSTS 0x[0-9a-f]+, ADMAERR 0x1 \(ST_FDS: fetching a descriptor\)/);
  // The CMD and DAT lines were reset (bits 25, 26 of 0x2C), which stops the DMA; the next request goes through.
  assert.ok(s.bus.writes(BASE + 0x2c).some((w) => (w.value & 0x0600_0000) === 0x0600_0000));
  assert.equal(await s.sd.read(7, 4), s.card.image.subarray(7 * 512, 11 * 512));
});

test("dmaBufferBytes and dmaBusAlias are checked; the bus alias is what the controller is given", async () => {
  assert.throws(() => new Sdhci({ base: BASE, bus: new MemoryBus(), dmaBufferBytes: 1000 }), /dmaBufferBytes 1000 is not a multiple of 512/);
  assert.throws(() => new Sdhci({ base: BASE, bus: new MemoryBus(), dmaBusAlias: -1 }), /dmaBusAlias -1 is not a 32-bit address/);
  const bus = new MemoryBus({ logLimit: 100_000 });
  const dma = new FakeDma();
  new SdhciModel(bus, BASE, new SdCardModel(image(64)), { cap: ADMA2_CAP, dma });
  const host = new Sdhci({ base: BASE, bus, dma, dmaBusAlias: 0x4000_0000 });
  host.reset();
  const [buffer, table] = dma.allocations;
  // The model's memory is at the physical addresses, so the transfer itself is not run here: only what is programmed.
  assert.throws(() => host.command("CMD17", 17, 0, "r1", { write: false, blocks: 1, blockSize: 512, buffer: new Uint8Array(512), offset: 0, autoStop: false }));
  assert.is(bus.writes(BASE + 0x58).at(-1)!.value, table.addr + 0x4000_0000);
  assert.is(new DataView(table.buffer).getUint32(4, true), buffer.addr + 0x4000_0000);
});

test.run();
