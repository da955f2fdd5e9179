import { suite } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadBoard, type Board } from "../../../tools/lib/boards.ts";
import { UserError } from "../../../tools/lib/errors.ts";
import { checkBootImage, checkElf } from "../../../tools/lib/elf-check.ts";
import { runQemu } from "../../../tools/lib/qemu.ts";
import { runLinux } from "../../../tools/lib/linux.ts";

const test = suite("ELF and boot image checks");
const tmp = mkdtempSync(path.join(os.tmpdir(), "tsmetal-elf-"));
let n = 0;
const file = (bytes: Buffer | string): string => {
  const f = path.join(tmp, `${n++}.elf`);
  writeFileSync(f, bytes);
  return f;
};

interface Load {
  offset: number;
  filesz: number;
  memsz?: number;
}

/** A minimal ELF executable (System V ABI layouts): header, program headers, then payload. */
function elf(o: { cls: 32 | 64; machine: number; loads: Load[]; size?: number; type?: number; data?: number }): Buffer {
  const is64 = o.cls === 64;
  const eh = is64 ? 64 : 52;
  const ph = is64 ? 56 : 32;
  const size = o.size ?? Math.max(eh + ph * o.loads.length, ...o.loads.map((l) => l.offset + l.filesz));
  const b = Buffer.alloc(Math.max(size, eh + ph * o.loads.length));
  b.writeUInt32BE(0x7f454c46, 0);
  b[4] = is64 ? 2 : 1;
  b[5] = o.data ?? 1;
  b[6] = 1;
  b.writeUInt16LE(o.type ?? 2, 16);
  b.writeUInt16LE(o.machine, 18);
  b.writeUInt32LE(1, 20);
  if (is64) {
    b.writeBigUInt64LE(BigInt(eh), 32);
    b.writeUInt16LE(eh, 52);
    b.writeUInt16LE(ph, 54);
    b.writeUInt16LE(o.loads.length, 56);
  } else {
    b.writeUInt32LE(eh, 28);
    b.writeUInt16LE(eh, 40);
    b.writeUInt16LE(ph, 42);
    b.writeUInt16LE(o.loads.length, 44);
  }
  o.loads.forEach((l, i) => {
    const p = eh + i * ph;
    b.writeUInt32LE(1, p);
    if (is64) {
      b.writeBigUInt64LE(BigInt(l.offset), p + 8);
      b.writeBigUInt64LE(BigInt(l.filesz), p + 32);
      b.writeBigUInt64LE(BigInt(l.memsz ?? l.filesz), p + 40);
    } else {
      b.writeUInt32LE(l.offset, p + 4);
      b.writeUInt32LE(l.filesz, p + 16);
      b.writeUInt32LE(l.memsz ?? l.filesz, p + 20);
    }
  });
  return b.subarray(0, size);
}

const pizero = loadBoard("pizero");
const sifive = loadBoard("sifive_u");
const microvm = loadBoard("microvm");
const linuxArm = loadBoard("linux-arm");
const armElf = (loads: Load[] = [{ offset: 0x1000, filesz: 0x800 }], size?: number) => elf({ cls: 32, machine: 40, loads, size });

function refused(board: Board, f: string, re: RegExp): void {
  try {
    checkElf(board, f);
  } catch (e) {
    assert.instance(e, UserError, String(e));
    assert.is((e as UserError).exitCode, 2, "exit 2: image refused");
    assert.match((e as Error).message, re);
    return;
  }
  assert.unreachable(`expected the image to be refused with ${re}`);
}

test("a complete ELF of the board's class and machine passes", () => {
  checkElf(pizero, file(armElf()));
  checkElf(sifive, file(elf({ cls: 64, machine: 243, loads: [{ offset: 0x1000, filesz: 0x100, memsz: 0x2000 }] })));
  checkElf(microvm, file(elf({ cls: 64, machine: 62, loads: [{ offset: 0x1000, filesz: 0x100 }] })));
});

test("truncation anywhere is refused with the byte counts, exit 2", () => {
  refused(pizero, file(Buffer.alloc(0)), /is empty/);
  refused(pizero, file(Buffer.from([0x7f, 0x45, 0x4c])), /truncated: 3 bytes, shorter than an ELF identification/);
  refused(pizero, file(armElf().subarray(0, 40)), /truncated: 40 bytes, shorter than its ELF header \(52\)/);
  refused(pizero, file(armElf().subarray(0, 70)), /truncated: its 1 program headers end at byte 84, the file has 70/);
  refused(pizero, file(armElf().subarray(0, 0x1000 + 0x400)), /truncated: loadable segment 0 .* ends at byte 6144, the file has 5120/);
});

test("another architecture's, class's or byte order's ELF, and non-ELF files, are refused", () => {
  refused(pizero, file("root:x:0:0:root:/root:/bin/bash\n"), /not an ELF file/);
  refused(pizero, file(elf({ cls: 64, machine: 62, loads: [{ offset: 0x1000, filesz: 8 }] })), /is ELF64; board 'pizero' \(armv6\) runs ELF32/);
  refused(sifive, file(elf({ cls: 64, machine: 62, loads: [{ offset: 0x1000, filesz: 8 }] })), /machine 62 .* needs 243/);
  refused(linuxArm, file(elf({ cls: 32, machine: 40, loads: [{ offset: 0x1000, filesz: 8 }], data: 2 })), /not little-endian/);
  refused(pizero, file(elf({ cls: 32, machine: 40, loads: [{ offset: 0x1000, filesz: 8 }], type: 1 })), /not an executable/);
  refused(pizero, file(armElf([])), /no program headers/);
  refused(pizero, file(armElf([{ offset: 0x1000, filesz: 0x800, memsz: 0x10 }])), /more file bytes \(2048\) than memory \(16\)/);
  refused(pizero, path.join(tmp, "missing.elf"), /cannot be read: ENOENT/);
  refused(pizero, tmp, /not a regular file/);
});

test("QEMU and Linux runs refuse a truncated ELF before starting anything (exit 2)", async () => {
  const truncated = file(armElf().subarray(0, 0x1000 + 0x10));
  for (const run of [
    () => runQemu({ board: pizero, elf: truncated, timeoutS: 5, input: "", onOutput: () => {} }),
    () => runLinux({ board: linuxArm, executable: truncated, timeoutS: 5, input: "", onOutput: () => {} }),
  ]) {
    const started = Date.now();
    try {
      await run();
      assert.unreachable("the truncated ELF ran");
    } catch (e) {
      assert.instance(e, UserError, String(e));
      assert.is((e as UserError).exitCode, 2);
      assert.match((e as Error).message, /^image refused: .*\.elf is truncated: loadable segment 0/);
    }
    assert.ok(Date.now() - started < 2000, "refused at once, not at the timeout");
  }
});

test("a raw boot image must be non-empty and fit the board's imageMax", () => {
  assert.throws(() => checkBootImage(pizero, file(Buffer.alloc(0))), /image refused: .* is empty/);
  assert.throws(
    () => checkBootImage(pizero, file(Buffer.alloc(pizero.imageMax + 1))),
    /is 1048577 bytes, more than board 'pizero''s imageMax \(1048576 bytes/,
  );
  checkBootImage(pizero, file(Buffer.alloc(pizero.imageMax)));
  // An ELF boot image (microvm's firmware-pvh.elf) gets the ELF checks.
  assert.throws(() => checkBootImage(microvm, file(armElf())), /is ELF32; board 'microvm'/);
});

test.after(() => rmSync(tmp, { recursive: true, force: true }));
test.run();
