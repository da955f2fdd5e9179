import { suite } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { gptDisk, gptPieces, guidBytes, minimumSectors, DISK_GUID, PARTITION_GUID, ESP_TYPE_GUID } from "../../../tools/lib/gpt.ts";

// tools/lib/gpt.ts checked against util-linux's sfdisk (Debian package fdisk), which reads the
// GPT with its own code and verifies the CRCs and the backup header.
const test = suite("GPT disk writer");
const tmp = mkdtempSync(path.join(os.tmpdir(), "tsmetal-gpt-"));
const esp = Buffer.alloc(1024 * 1024, 0xe5);

function sfdisk(args: string[]): string {
  const r = spawnSync("sfdisk", args, { encoding: "utf8" });
  assert.is(r.status, 0, r.stderr);
  return r.stdout;
}

test("the smallest disk: sfdisk reads one EFI system partition at 1 MiB and verifies it", () => {
  const file = path.join(tmp, "small.img");
  const disk = gptDisk(esp);
  assert.is(disk.length, minimumSectors(esp.length) * 512);
  writeFileSync(file, disk);
  const dump = sfdisk(["--dump", file]);
  assert.match(dump, /^label: gpt\n/);
  assert.match(dump, new RegExp(`\\nlabel-id: ${DISK_GUID.toUpperCase()}\\n`));
  assert.match(dump, /\nfirst-lba: 34\n/);
  assert.match(dump, new RegExp(`\\nlast-lba: ${minimumSectors(esp.length) - 34}\\n`));
  assert.match(dump, new RegExp(`small\\.img1 : start= +2048, size= +2048, type=${ESP_TYPE_GUID.toUpperCase()}, uuid=${PARTITION_GUID.toUpperCase()}, name="EFI system partition"\\n`));
  assert.match(sfdisk(["--verify", file]), /No errors detected/);
  // The ESP's bytes are where the partition says.
  assert.ok(disk.subarray(2048 * 512, 2048 * 512 + esp.length).equals(esp));
});

test("a larger device: the backup header and entries go to its last sectors", () => {
  const total = 65536;
  const p = gptPieces(esp, total);
  assert.is(p.tailOffset, (total - 33) * 512);
  const file = path.join(tmp, "large.img");
  writeFileSync(file, Buffer.concat([p.head, Buffer.alloc(p.tailOffset - p.head.length), p.tail]));
  assert.match(sfdisk(["--dump", file]), new RegExp(`\\nlast-lba: ${total - 34}\\n`));
  assert.match(sfdisk(["--verify", file]), /No errors detected/);
});

test("a disk too small for the GPT and the ESP, or a partial sector, is refused", () => {
  assert.throws(() => gptPieces(esp, minimumSectors(esp.length) - 1), /cannot hold the GPT/);
  assert.throws(() => gptDisk(Buffer.alloc(1000)), /whole 512-byte sectors/);
});

test("GUIDs are stored mixed-endian (UEFI Appendix A)", () => {
  assert.is(guidBytes(ESP_TYPE_GUID).toString("hex"), "28732ac11ff8d211ba4b00a0c93ec93b");
  assert.throws(() => guidBytes("not-a-guid"), /not a GUID/);
});

test.after(() => rmSync(tmp, { recursive: true, force: true }));
test.run();
