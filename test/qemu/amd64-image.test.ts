import { suite } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { bootFirmware, build, fixture } from "./boot.ts";

// What Firecracker and Cloud Hypervisor load, checked with binutils' readelf (neither VMM is in
// Debian): an ELF64 x86-64 executable whose PT_LOAD segments sit at their physical addresses from
// 1 MiB, with the Xen PVH note (XEN_ELFNOTE_PHYS32_ENTRY, type 18, an 8-byte value in ELF64)
// naming the 32-bit entry. Then each board's image boots under QEMU microvm, whose -kernel with a
// PVH ELF is the same PVH boot path those VMMs take.
const test = suite("AMD64 PVH images");

const readelf = (args: string[], file: string): string => {
  const r = spawnSync("readelf", [...args, file], { encoding: "utf8" });
  assert.is(r.status, 0, r.stderr);
  return r.stdout;
};

interface Segment {
  type: string;
  vaddr: number;
  paddr: number;
  filesz: number;
  memsz: number;
}

function segments(file: string): Segment[] {
  return readelf(["-lW"], file)
    .split("\n")
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f.length >= 7 && /^0x[0-9a-f]+$/.test(f[1] ?? "") && /^[A-Z_]+$/.test(f[0]))
    .map((f) => ({ type: f[0], vaddr: Number(f[2]), paddr: Number(f[3]), filesz: Number(f[4]), memsz: Number(f[5]) }));
}

/** The Xen notes as readelf -n prints them: owner, type, and the value (little-endian bytes). */
function xenNotes(file: string): Array<{ type: number; size: number; value: bigint }> {
  const notes = [];
  for (const m of readelf(["-nW"], file).matchAll(/^\s*Xen\s+0x([0-9a-f]+)\s+Unknown note type: \(0x([0-9a-f]+)\)\s+description data: ([0-9a-f ]+)$/gm)) {
    const bytes = m[3].trim().split(" ");
    const value = bytes.reduceRight((v, b) => (v << 8n) | BigInt(`0x${b}`), 0n);
    notes.push({ type: parseInt(m[2], 16), size: parseInt(m[1], 16), value });
  }
  return notes;
}

function symbol(file: string, name: string): bigint {
  const r = spawnSync("nm", [file], { encoding: "utf8" });
  const m = new RegExp(`^([0-9a-f]+) T ${name}$`, "m").exec(r.stdout);
  assert.ok(m, `${name} not in ${file}`);
  return BigInt(`0x${m![1]}`);
}

for (const board of ["microvm", "firecracker", "cloud-hypervisor"]) {
  test(`${board}: an ELF64 PVH image loaded from 1 MiB that boots through the PVH note`, async () => {
    const fw = await build(fixture("exit-code.ts"), { board });
    const image = fw.image;
    assert.match(image, /firmware-pvh\.elf$/);
    const header = readelf(["-hW"], image);
    assert.match(header, /Class:\s+ELF64/);
    assert.match(header, /Machine:\s+Advanced Micro Devices X86-64/);
    assert.match(header, /Type:\s+EXEC/);

    const entry32 = symbol(image, "tsm_pvh_start32");
    const notes = xenNotes(image);
    assert.equal(notes.map((n) => [n.type, n.size]), [[18, 8]], "one XEN_ELFNOTE_PHYS32_ENTRY with an 8-byte value");
    assert.is(notes[0].value, entry32);
    assert.is(BigInt(/Entry point address:\s+(0x[0-9a-f]+)/.exec(header)![1]), entry32);

    const segs = segments(image);
    assert.ok(segs.some((s) => s.type === "NOTE"), "a PT_NOTE program header");
    const loads = segs.filter((s) => s.type === "LOAD");
    assert.ok(loads.length > 0);
    for (const s of loads) {
      assert.ok(s.paddr >= 0x10_0000, `PT_LOAD at 0x${s.paddr.toString(16)} is below 1 MiB`);
      assert.is(s.paddr, s.vaddr, "identity-mapped: physical = virtual");
      assert.ok(s.paddr + s.memsz <= fw.board.loadAddress + fw.board.imageMax, "inside the board's imageMax");
    }

    const r = await bootFirmware(fw, {}, image);
    assert.is(r.output, "exiting with 42\n");
    assert.is(r.code, 42);
  });
}

test.run();
