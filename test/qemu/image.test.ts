import { suite } from "uvu";
import * as assert from "uvu/assert";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { bootFirmware, build, fixture } from "./boot.ts";
import { buildEngineLibrary } from "../../tools/lib/engine.ts";
import { link } from "../../tools/lib/link.ts";
import { engineSnapshot } from "../../tools/lib/snapshot.ts";

const test = suite("bytecode image checks on the target");

/**
 * Relinks the exit-code fixture with its bytecode image (and optionally its engine snapshot)
 * changed by `edit`, then boots it.
 */
async function bootEdited(
  name: string,
  edit: (image: Buffer) => void,
  editSnapshot: (s: Buffer) => void = () => {},
  app = "exit-code.ts",
) {
  const fw = await build(fixture(app));
  const dir = path.join(fw.outDir, name);
  mkdirSync(dir, { recursive: true });
  const image = readFileSync(fw.blob);
  edit(image);
  const blob = path.join(dir, "bytecode.tsmb");
  writeFileSync(blob, image);
  const engine = await buildEngineLibrary(fw.board);
  const snapshotFile = await engineSnapshot(fw.board, engine);
  if (!snapshotFile) throw new Error(`${fw.board.name} has no engine snapshot`);
  const snapshotBytes = readFileSync(snapshotFile);
  editSnapshot(snapshotBytes);
  const snapshot = path.join(dir, "snapshot.bin");
  writeFileSync(snapshot, snapshotBytes);
  const linked = await link(fw.board, engine, blob, dir, { snapshot });
  return bootFirmware(fw, {}, linked.elf);
}

test("the unmodified image runs (control)", async () => {
  const r = await bootEdited("control", () => {});
  assert.is(r.code, 42);
});

/** Offset of unit `n`'s bytecode in an image (blob.h: name length, name, length, checksum). */
function unitBytecode(img: Buffer, n: number): { offset: number; length: number } {
  let pos = 24;
  for (let i = 0; ; i++) {
    const nameLen = img.readUInt32LE(pos);
    pos += 4 + ((nameLen + 3) & ~3);
    const length = img.readUInt32LE(pos);
    if (i === n) return { offset: pos + 8, length };
    pos += 8 + ((length + 3) & ~3);
  }
}

test("a corrupted firmware unit is refused before it is read, exit 2", async () => {
  const r = await bootEdited("corrupt", (img) => {
    const main = unitBytecode(img, 0);
    img[main.offset + main.length - 7] ^= 0x10;
  });
  assert.is(r.output, "tsmetal: refusing bytecode image: firmware unit checksum mismatch (corrupt image)\n");
  assert.is(r.code, 2);
});

test("a corrupted lazy unit is refused when it is loaded, and only then, exit 2", async () => {
  const fw = await build(fixture("prints-object.ts"));
  const corruptFormat = (img: Buffer) => {
    const format = unitBytecode(img, fw.bundles.findIndex((b) => b.unit === "format"));
    img[format.offset + 100] ^= 0x01;
  };
  const r = await bootEdited("corrupt-lazy", corruptFormat, undefined, "prints-object.ts");
  assert.is(r.output, "about to format\ntsmetal: refusing image unit 'format': checksum mismatch (corrupt image)\n");
  assert.is(r.code, 2);
  // The exit-code fixture prints only primitives: it never loads the formatter, so it runs.
  const unused = await bootEdited("corrupt-unused", (img) => {
    const format = unitBytecode(img, 1);
    img[format.offset + 100] ^= 0x01;
  });
  assert.is(unused.code, 42);
});

test("an image from another engine build (fingerprint) is refused, exit 2", async () => {
  const r = await bootEdited("fingerprint", (img) => {
    img.writeUInt32LE((img.readUInt32LE(8) ^ 1) >>> 0, 8);
  });
  assert.match(r.output, /refusing bytecode image: bytecode was compiled by a different engine build \(fingerprint mismatch\)/);
  assert.match(r.output, /rebuild the firmware/);
  assert.is(r.code, 2);
});

test("something that is not an image at all is refused, exit 2", async () => {
  const r = await bootEdited("magic", (img) => img.write("ELF!", 0));
  assert.match(r.output, /refusing bytecode image: not a tsmetal bytecode image \(bad magic\)/);
  assert.is(r.code, 2);
});

test("a length beyond the image is refused, exit 2", async () => {
  const r = await bootEdited("length", (img) => img.writeUInt32LE(img.length, 12));
  assert.match(r.output, /payload length exceeds the image/);
  assert.is(r.code, 2);
});

test("an engine snapshot made for another layout is refused, exit 2", async () => {
  // The canary (address of tsm_engine_boot) is the header's last field, at offset 48.
  const r = await bootEdited("snapshot", () => {}, (snap) => snap.writeUInt32LE(snap.readUInt32LE(48) + 4, 48));
  assert.is(r.output, "tsmetal: refusing the engine snapshot: it was made for another build (rebuild the firmware)\n");
  assert.is(r.code, 2);
});

test.run();
