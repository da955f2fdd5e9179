// The SD card drivers under QEMU with `-drive if=sd`: the Arasan SDHCI of raspi0 (pizero),
// uSDHC1 of mcimx6ul-evk (usbarmory-mk2) and the SPI-mode card on sifive_u's SPI2. A raw image made here is read (checksums the host
// computes too), written (checked in the host file afterwards); no drive is a clear ENOMEDIUM. The
// SD-mode hosts choose their transfer from the Capabilities register: ADMA2 on the uSDHC (QEMU's
// 0x057834b4), the buffer port on the raspi Arasan (QEMU's BCM2835_SDHC_CAPAREG, "no DMA").
import { test } from "uvu";
import * as assert from "uvu/assert";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { bootFirmware, build, fixture } from "./boot.ts";

const BOARDS = [
  { board: "pizero", width: 4, transfer: "pio", defines: { SD_KIND: "sdhci", SD_BASE: "0x20300000" } }, // BCM2835 EMMC: peripherals + 0x300000
  { board: "usbarmory-mk2", width: 4, transfer: "adma2", defines: { SD_KIND: "usdhc", SD_BASE: "0x02190000" } }, // uSDHC1: QEMU's if=sd index 0
  { board: "sifive_u", width: 1, transfer: "none", defines: { SD_KIND: "spi", SD_BASE: "0x10050000" } }, // ssi-sd on SPI2 (QEMU hw/riscv/sifive_u.c)
];
const BLOCKS = 8192; // 4 MiB: QEMU's sd card model takes sizes that are powers of two

function fnv(b: Uint8Array): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < b.length; i++) h = Math.imul(h ^ b[i], 0x01000193);
  return (h >>> 0).toString(16).padStart(8, "0");
}

const dir = mkdtempSync(path.join(tmpdir(), "tsmetal-sd-"));
test.after(() => rmSync(dir, { recursive: true, force: true }));

for (const { board, width, transfer, defines } of BOARDS) {
  test(`${board}: reads known blocks, writes blocks the host file then holds`, async () => {
    const img = new Uint8Array(BLOCKS * 512);
    for (let i = 0; i < img.length; i += 4) new DataView(img.buffer).setUint32(i, Math.imul(i + 1, 0x9e3779b1) >>> 0);
    const file = path.join(dir, `${board}.img`);
    writeFileSync(file, img);
    const fw = await build(fixture("sd/card.ts"), { board, defines });
    const r = await bootFirmware(fw, { timeoutS: 60, qemuArgs: ["-drive", `if=sd,index=0,format=raw,file=${file}`] });
    const out = r.output;
    assert.is(r.code, 0, out);
    assert.match(out, `card blocks=${BLOCKS} hc=false width=${width}`); // QEMU's card is SDSC below 1 GiB
    if (transfer !== "none") assert.match(out, `transfer ${transfer}`);
    assert.match(out, `sum 0+8 ${fnv(img.subarray(0, 8 * 512))}`);
    assert.match(out, `sum 1000+1 ${fnv(img.subarray(1000 * 512, 1001 * 512))}`);
    assert.match(out, `sum 4000+33 ${fnv(img.subarray(4000 * 512, 4033 * 512))}`);
    const w = new Uint8Array(4 * 512).map((_, i) => (i * 5 + 1) & 0xff);
    assert.match(out, `readback ok ${fnv(w)}`);
    const after = readFileSync(file);
    assert.equal(new Uint8Array(after.subarray(2000 * 512, 2004 * 512)), w);
    assert.equal(new Uint8Array(after.subarray(100 * 512, 101 * 512)), w.subarray(0, 512));
    assert.equal(new Uint8Array(after.subarray(101 * 512, 2000 * 512)), img.subarray(101 * 512, 2000 * 512)); // nothing else written
  });

  test(`${board}: board().disk() under files(): a file the host put there is read, one the firmware writes reaches the host`, async () => {
    const file = path.join(dir, `${board}-fat.img`);
    writeFileSync(file, new Uint8Array(BLOCKS * 512));
    execFileSync("mkfs.vfat", ["-F", "12", "-n", "CARD", file], { stdio: "pipe" }); // dosfstools, ci/apt-packages.json
    writeFileSync(path.join(dir, "HELLO.TXT"), `hello from the host to ${board}\n`);
    execFileSync("mcopy", ["-i", file, path.join(dir, "HELLO.TXT"), "::/HELLO.TXT"], { stdio: "pipe" }); // mtools
    const fw = await build(fixture("sd/files.ts"), { board });
    const r = await bootFirmware(fw, { timeoutS: 60, qemuArgs: ["-drive", `if=sd,index=0,format=raw,file=${file}`] });
    assert.is(r.code, 0, r.output);
    assert.match(r.output, `hello: hello from the host to ${board}`);
    assert.match(r.output, `transfer ${transfer}`); // the disk unit's host
    assert.match(r.output, "wrote");
    assert.is(execFileSync("mtype", ["-i", file, "::/FROM-FW.TXT"], { encoding: "utf8" }), `written on ${board}\n`);
    execFileSync("fsck.vfat", ["-n", file], { stdio: "pipe" }); // throws unless clean
  });

  test(`${board}: no drive is ENOMEDIUM, exit 3`, async () => {
    const fw = await build(fixture("sd/card.ts"), { board, defines });
    const r = await bootFirmware(fw, { timeoutS: 60 });
    assert.is(r.code, 3, r.output);
    assert.match(r.output, /sd error ENOMEDIUM: (Sdhci@0x20300000|ImxUsdhc@0x2190000|SifiveSpi@0x10050000): no card/);
  });
}

test.run();
