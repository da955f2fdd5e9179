// The image check (engine/src/blob.c) on the host: known vectors, the blind spots it must not
// have, and the image check end to end through test/engine/src/blob_harness.c, against the
// independent BigInt implementation in tools/lib/image-format.ts.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { repoPath } from "../../../tools/lib/paths.ts";
import { buildHostCompiler } from "../../../tools/lib/engine.ts";
import { check, IMAGE_ENTRY_SIZE, IMAGE_HEADER_SIZE, IMAGE_MAX_UNITS, imageLayout, resealImage } from "../../../tools/lib/image-format.ts";

const dir = mkdtempSync(path.join(os.tmpdir(), "tsmetal-blob-"));
const bin = path.join(dir, "blob_harness");

test.before(() => {
  execFileSync("cc", ["-O2", "-g", "-Wall", "-Werror", '-DTSM_ENGINE_ID="blob-test"', `-I${repoPath("engine/src")}`, repoPath("engine/src/blob.c"), repoPath("test/engine/src/blob_harness.c"), "-o", bin]);
});
test.after(() => rmSync(dir, { recursive: true, force: true }));

/** The C check of `data`, placed `offset` bytes past an aligned address. */
function sum(data: Uint8Array, offset = 0): string {
  const r = spawnSync(bin, ["sum", String(offset)], { input: data, encoding: "utf8" });
  assert.is(r.status, 0, r.stderr);
  return r.stdout.trim();
}

const words = (...ws: number[]): Buffer => {
  const b = Buffer.alloc(ws.length * 4);
  ws.forEach((w, i) => b.writeUInt32LE(w >>> 0, i * 4));
  return b;
};

test("known vectors", () => {
  assert.is(sum(Buffer.alloc(0)), "0 0");
  // A = 1 + 2 + 3, B = 1 + 3 + 6
  assert.is(sum(words(1, 2, 3)), "6 10");
  assert.is(sum(words(0xffffffff)), "4294967295 4294967295");
  // 2·(2^32 - 1) = 8589934590 ≡ 4294967279 (mod 4294967311); B = 4294967295 + 4294967279 mod p
  assert.is(sum(words(0xffffffff, 0xffffffff)), "4294967279 4294967263");
  // a trailing partial word counts as zero-padded: 0x04030201, then 0x00000005
  assert.is(sum(Buffer.from([1, 2, 3, 4, 5])), "67305990 134611975");
});

test("an aligned 00000000 word and an FFFFFFFF word differ (the old sum modulo 2^32-1 could not tell)", () => {
  assert.not.equal(sum(words(7, 0, 9)), sum(words(7, 0xffffffff, 9)));
  assert.not.equal(sum(words(0, 0, 0, 0)), sum(words(0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff)));
  assert.not.equal(sum(Buffer.alloc(64)), sum(Buffer.alloc(64, 0xff)));
});

// Deterministic pseudo-random bytes (xorshift32).
function randomBytes(n: number, seed: number): Buffer {
  const b = Buffer.alloc(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    b[i] = x & 0xff;
  }
  return b;
}

test("agrees with the BigInt reference over blocks, reductions, unaligned starts and tails", () => {
  // 300,001 bytes: over two of the C's 32768-word blocks between reductions, and a tail.
  const data = randomBytes(300_001, 42);
  const ref = check(data);
  const expect = `${ref.a} ${ref.b}`;
  for (const offset of [0, 1, 2, 3]) assert.is(sum(data, offset), expect, `offset ${offset}`);
  // All-ones data makes the sums as large as they get between reductions.
  const ones = Buffer.alloc(4 * 70_000, 0xff);
  const r1 = check(ones);
  assert.is(sum(ones), `${r1.a} ${r1.b}`);
});

test("every single-word change to 00000000 or FFFFFFFF and random two-word changes are seen", () => {
  const base = randomBytes(256, 7);
  base.writeUInt32LE(0, 40);
  base.writeUInt32LE(0xffffffff, 80);
  const ref = check(base);
  const same = (b: Buffer) => {
    const c = check(b);
    return c.a === ref.a && c.b === ref.b;
  };
  for (let i = 0; i < base.length; i += 4) {
    for (const w of [0, 0xffffffff]) {
      const b = Buffer.from(base);
      if (b.readUInt32LE(i) === w) continue;
      b.writeUInt32LE(w, i);
      assert.not.ok(same(b), `word ${i / 4} -> ${w.toString(16)}`);
    }
  }
  const r = randomBytes(4000, 99);
  for (let k = 0; k < 500; k++) {
    const b = Buffer.from(base);
    const i = (r.readUInt16LE(k * 8) % 64) * 4, j = (r.readUInt16LE(k * 8 + 2) % 64) * 4;
    if (i === j) continue;
    b.writeUInt32LE(r.readUInt32LE(k * 8 + 4) % 2 ? 0 : 0xffffffff, i);
    b.writeUInt32LE(r.readUInt32LE(k * 8 + 4) >>> 1, j);
    if (b.equals(base)) continue;
    assert.not.ok(same(b), `words ${i / 4}, ${j / 4}`);
  }
  // The C agrees with the reference on these too (spot check).
  assert.is(sum(base), `${ref.a} ${ref.b}`);
});

/** A three-unit image of made-up "bytecode" (the check does not care what the bytes mean). */
function makeImage(): Buffer {
  const files = [
    ["main", randomBytes(1001, 1)],
    ["format", randomBytes(64, 2)],
    ["loop", randomBytes(203, 3)],
  ] as const;
  const args: string[] = [];
  for (const [name, bytes] of files) {
    const f = path.join(dir, `${name}.bin`);
    writeFileSync(f, bytes);
    args.push(name, f);
  }
  const out = path.join(dir, "image.tsmb");
  execFileSync(bin, ["make", out, ...args]);
  return readFileSync(out);
}

function verify(img: Buffer): { status: number | null; out: string } {
  const f = path.join(dir, "edited.tsmb");
  writeFileSync(f, img);
  const r = spawnSync(bin, ["verify", f], { encoding: "utf8" });
  return { status: r.status, out: r.stdout.trim() };
}

test("an image as written verifies, and its layout is header, table, then 8-byte aligned units", () => {
  const img = makeImage();
  assert.equal(verify(img), { status: 0, out: "ok main:1001 format:64 loop:203" });
  const layout = imageLayout(img);
  assert.is(img.length, IMAGE_HEADER_SIZE + layout.payloadLength);
  assert.equal(layout.units.map((u) => [u.name, u.offset % 8, u.padded]), [["main", 0, 1008], ["format", 0, 64], ["loop", 0, 208]]);
});

test("every single-bit flip anywhere in the image is refused, padding included", () => {
  const f = path.join(dir, "flips.tsmb");
  writeFileSync(f, makeImage());
  const r = spawnSync(bin, ["flips", f], { encoding: "utf8" });
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stdout.trim(), "0", "flipped images accepted");
});

test("an aligned 00000000 -> FFFFFFFF word in the firmware unit is refused", () => {
  const img = makeImage();
  const main = imageLayout(img).units[0];
  img.writeUInt32LE(0, main.offset + 400);
  const zeroed = verify(img); // no longer what was written either
  assert.is(zeroed.status, 2);
  // The real case: a zero word that was written so, turned into FFFFFFFF.
  const img2 = makeImage();
  const pad = imageLayout(img2).units[0];
  // main is 1001 bytes: its last 7 bytes of padding hold the aligned zero word at 1004.
  assert.is(img2.readUInt32LE(pad.offset + 1004), 0);
  img2.writeUInt32LE(0xffffffff, pad.offset + 1004);
  assert.equal(verify(img2), { status: 2, out: "firmware unit checksum mismatch (corrupt image)" });
});

test("a damaged unit name, payload length or unit count is refused", () => {
  const name = makeImage();
  name[imageLayout(name).units[2].entry + 1] ^= 0x20; // "loop" -> "lOop"
  assert.equal(verify(name), { status: 2, out: "header or unit table checksum mismatch (corrupt image)" });
  const length = makeImage();
  length.writeUInt32LE(length.readUInt32LE(12) - 208, 12); // the last unit cut off
  assert.equal(verify(length), { status: 2, out: "header or unit table checksum mismatch (corrupt image)" });
  const count = makeImage();
  count.writeUInt32LE(2, 16);
  assert.is(verify(count).status, 2);
});

/** The unit names of a firmware with every optional unit (tools/lib/units.ts), then more up to `n`. */
const unitNames = (n: number): string[] =>
  ["main", "format", "loop", "network", "encoding", "url", "abort", "net", "http"].concat(Array.from({ length: 16 }, (_, i) => `extra${i}`)).slice(0, n);

function makeUnits(n: number): { status: number | null; stderr: string; out: string } {
  const args = unitNames(n).flatMap((name, i) => {
    const f = path.join(dir, `${name}.bin`);
    writeFileSync(f, randomBytes(13 + 8 * i, 100 + i));
    return [name, f];
  });
  const out = path.join(dir, "many.tsmb");
  rmSync(out, { force: true });
  const r = spawnSync(bin, ["make", out, ...args], { encoding: "utf8" });
  return { status: r.status, stderr: r.stderr.trim(), out };
}

test("the unit limit is 16 on both sides: every optional unit fits with room to spare, one more is refused", () => {
  const header = readFileSync(repoPath("engine/src/blob.h"), "utf8");
  assert.is(Number(/#define TSM_MAX_UNITS (\d+)/.exec(header)?.[1]), IMAGE_MAX_UNITS);
  assert.is(IMAGE_MAX_UNITS, 16);
  // 16 units: written, and accepted by the target's checks, every unit found.
  const made = makeUnits(16);
  assert.is(made.status, 0, made.stderr);
  const img = readFileSync(made.out);
  const v = verify(img);
  assert.is(v.status, 0, v.out);
  assert.equal(v.out.split(" ").slice(1).map((u) => u.split(":")[0]), unitNames(16));
  // 17: the writer refuses, and an image that says 17 (checks intact) is refused by the target.
  assert.equal((({ status, stderr }) => ({ status, stderr }))(makeUnits(17)), { status: 2, stderr: "17 units given, an image holds at most 16" });
  const layout = imageLayout(img);
  const last = layout.units[15];
  const extra = randomBytes(24, 7);
  const tableEnd = IMAGE_HEADER_SIZE + 17 * IMAGE_ENTRY_SIZE;
  const units = img.subarray(layout.tableEnd);
  const big = Buffer.concat([img.subarray(0, layout.tableEnd), Buffer.alloc(IMAGE_ENTRY_SIZE), units, extra]);
  big.writeUInt32LE(big.length - IMAGE_HEADER_SIZE, 12);
  big.writeUInt32LE(17, 16);
  for (let i = 0; i < 16; i++) {
    const e = IMAGE_HEADER_SIZE + i * IMAGE_ENTRY_SIZE;
    big.writeUInt32LE(big.readUInt32LE(e + 32) + IMAGE_ENTRY_SIZE, e + 32);
  }
  const e17 = layout.tableEnd;
  big.write("extra", e17, "latin1");
  big.writeUInt32LE(tableEnd - IMAGE_HEADER_SIZE + (last.offset - layout.tableEnd) + last.padded, e17 + 32);
  big.writeUInt32LE(extra.length, e17 + 36);
  resealImage(big);
  assert.equal(verify(big), { status: 2, out: "malformed unit table (corrupt image)" });
});

test("the host compiler (engine/host/tsmc.c) writes an image of 16 units and refuses 17, naming the limit", async () => {
  const tsmc = await buildHostCompiler();
  const js = path.join(dir, "unit.js");
  writeFileSync(js, "export const x = 1;\n");
  const args = (n: number) => [path.join(dir, "tsmc.tsmb"), ...unitNames(n).flatMap((name) => [name, `${name}.js`, js])];
  const ok = spawnSync(tsmc, args(16), { encoding: "utf8" });
  assert.is(ok.status, 0, ok.stderr);
  assert.equal(imageLayout(readFileSync(path.join(dir, "tsmc.tsmb"))).units.map((u) => u.name), unitNames(16));
  const over = spawnSync(tsmc, args(17), { encoding: "utf8" });
  assert.equal({ status: over.status, stderr: over.stderr.trim() }, { status: 2, stderr: "tsmc: 17 units given, an image holds at most 16 (TSM_MAX_UNITS, engine/src/blob.h)" });
});

test("trailing bytes and truncation are refused", () => {
  const img = makeImage();
  assert.equal(verify(Buffer.concat([img, Buffer.alloc(8)])), { status: 2, out: "image size disagrees with its header (truncated, or bytes after the image)" });
  for (const cut of [1, 8, 208, img.length - 100, img.length - 39]) {
    assert.is(verify(img.subarray(0, img.length - cut)).status, 2, `cut ${cut}`);
  }
});

test.run();
