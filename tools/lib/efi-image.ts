/**
 * The uefi-x64 boot image (board.json image.format "efi"): BOOTX64.EFI, a PE32+ EFI application
 * (subsystem 10) that carries the board's PVH firmware ELF as a flat binary and starts it
 * (hal/arch/amd64/uefi/efi-stub.c). Linked by binutils' own PE32+ support (ld -m i386pep), from
 * ELF objects compiled position independent; docs/boards/uefi-x64.md says why not gnu-efi. Then
 * the EFI system partition image (a FAT file system with EFI/BOOT/BOOTX64.EFI, UEFI 2.10 3.5.1.1,
 * made with mtools) and the GPT disk that holds it (tools/lib/gpt.ts), which QEMU boots and
 * `npm run flash` writes.
 */
import { readFileSync } from "node:fs";
import { rm, stat, truncate, writeFile } from "node:fs/promises";
import path from "node:path";
import { repoPath } from "./paths.ts";
import { requireTool, run } from "./toolchain.ts";
import { UserError } from "./errors.ts";
import type { Board } from "./boards.ts";
import { gptDisk } from "./gpt.ts";

const mtool = (command: string) => ({ command, debianPackage: "mtools" });
const binutilsLd = { command: "ld", debianPackage: "binutils" };

/**
 * BOOTX64.EFI's link address (PE ImageBase). The image runs anywhere (it needs no relocations),
 * but EDK2 firmware, OVMF among them, loads an image at its ImageBase when those pages are free
 * (MdeModulePkg/Core/Dxe/Image/Image.c, CoreLoadPeImage: AllocateAddress first), so under QEMU
 * efi_main's address is known before it runs and the bench counts boot_insns from there. 256 MiB:
 * free in OVMF's map with the board's 512 MiB, above the board's own range (32 to 160 MiB) and
 * OVMF's PEI data (9 to 21 MiB). ld's default for PE32+ (0x140000000) lies above the RAM.
 */
export const EFI_IMAGE_BASE = 0x1000_0000;

/** The ESP's FAT file system: 8 MiB holds the image (about 1 MB) with room to spare. */
export const ESP_BYTES = 8 * 1024 * 1024;
/** The disk QEMU boots beside the image (tools/lib/qemu.ts), the one `npm run flash` writes. */
export const EFI_DISK_NAME = "uefi-disk.img";

const STUB_CFLAGS = [
  "-m64", "-O2", "-std=gnu11", "-Wall", "-Wextra", "-Werror",
  "-ffreestanding", "-fno-builtin",
  // Position independent, so the image runs wherever the firmware loads it (UEFI 2.10, 2.1.1).
  "-fpic", "-fshort-wchar", "-mno-red-zone", "-mgeneral-regs-only",
  "-fno-stack-protector", "-fcf-protection=none", "-fno-asynchronous-unwind-tables", "-fno-ident",
];

/**
 * Refuses a file that is not a PE32+ EFI application for x86-64 (PE format: the MS-DOS stub's
 * e_lfanew at 0x3c, "PE\0\0", COFF Machine 0x8664, optional header magic 0x20b, Subsystem 10).
 */
export function checkEfiImage(file: string): void {
  let b: Buffer;
  try {
    b = readFileSync(file);
  } catch (e) {
    throw new UserError(`cannot read the boot image ${file}: ${(e as Error).message}`);
  }
  const pe = b.length >= 0x40 && b.toString("latin1", 0, 2) === "MZ" ? b.readUInt32LE(0x3c) : -1;
  const ok = pe > 0 && pe + 24 + 70 <= b.length && b.toString("latin1", pe, pe + 4) === "PE\0\0" &&
    b.readUInt16LE(pe + 4) === 0x8664 && b.readUInt16LE(pe + 24) === 0x20b && b.readUInt16LE(pe + 24 + 68) === 10;
  if (!ok) throw new UserError(`${file} is not a PE32+ EFI application for x86-64 (MZ/PE headers, machine 0x8664, subsystem 10)`);
}

/** The ELF header's e_entry (System V ABI, ELF64 header: offset 24): tsm_pvh_start32. */
function elfEntry(elf: string): bigint {
  return readFileSync(elf).readBigUInt64LE(24);
}

/** The end of the ELF's loadable memory: the highest p_vaddr + p_memsz of its PT_LOAD program
    headers (ELF64: e_phoff at 32, e_phentsize at 54, e_phnum at 56; p_vaddr at 16, p_memsz at
    40), up to which a PVH loader zeroes what the file does not hold (.arch_state). */
function elfLoadEnd(elf: string): bigint {
  const b = readFileSync(elf);
  const phoff = Number(b.readBigUInt64LE(32)), size = b.readUInt16LE(54), count = b.readUInt16LE(56);
  let end = 0n;
  for (let i = 0; i < count; i++) {
    const ph = phoff + i * size;
    if (b.readUInt32LE(ph) !== 1) continue; // PT_LOAD
    const e = b.readBigUInt64LE(ph + 16) + b.readBigUInt64LE(ph + 40);
    if (e > end) end = e;
  }
  return end;
}

export async function makeEfiImage(board: Board, elf: string, outDir: string): Promise<string> {
  const t = board.target;
  const cc = await requireTool(t.cc);
  const ld = await requireTool(binutilsLd);
  const payload = path.join(outDir, "efi-payload.bin");
  await run(await requireTool(t.objcopy), ["-O", "binary", elf, payload], "making the EFI payload");
  const payloadBytes = (await stat(payload)).size;
  if (payloadBytes === 0 || payloadBytes > board.imageMax) {
    throw new UserError(`${payload} is ${payloadBytes} bytes: it must be 1 to ${board.imageMax} (board.json imageMax)`);
  }
  const hex = (n: number | bigint) => `0x${n.toString(16)}`;
  const loadEnd = elfLoadEnd(elf);
  if (loadEnd < BigInt(board.loadAddress + payloadBytes) || loadEnd > BigInt(board.loadAddress + board.imageMax)) {
    throw new UserError(`${elf}: its loadable memory ends at ${hex(loadEnd)}, outside the payload (${hex(board.loadAddress + payloadBytes)}) to loadAddress + imageMax (${hex(board.loadAddress + board.imageMax)})`);
  }
  const asm = path.join(outDir, "efi-payload.S");
  await writeFile(
    asm,
    [
      `    .section .rodata`,
      `    .balign 16`,
      `    .global tsm_efi_payload, tsm_efi_payload_end, tsm_efi_load_addr, tsm_efi_load_end, tsm_efi_ram_end, tsm_efi_entry32`,
      `tsm_efi_payload:`,
      `    .incbin ${JSON.stringify(payload)}`,
      `tsm_efi_payload_end:`,
      `    .balign 8`,
      `tsm_efi_load_addr: .quad ${hex(board.loadAddress)}`,
      `tsm_efi_load_end: .quad ${hex(loadEnd)}`,
      `tsm_efi_ram_end: .quad ${hex(board.ramEnd)}`,
      `tsm_efi_entry32: .quad ${hex(elfEntry(elf))}`,
      "",
    ].join("\n"),
  );
  const sources = [repoPath("hal/arch/amd64/uefi/efi-stub.c"), repoPath("hal/arch/amd64/uefi/efi-trampoline.S"), asm];
  const objects: string[] = [];
  for (const src of sources) {
    const obj = path.join(outDir, `${path.basename(src).replace(/\.[cS]$/, "")}.o`);
    await run(cc, [...STUB_CFLAGS, "-c", src, "-o", obj], `compiling ${path.basename(src)}`);
    objects.push(obj);
  }
  const image = path.join(outDir, board.image.name);
  // --subsystem 10: EFI application (PE format, Windows subsystem values); no timestamp, so the
  // same inputs give the same bytes. ld writes the base relocation table the PE loader applies.
  await run(ld, ["-m", "i386pep", "--subsystem", "10", "-e", "efi_main", "--image-base", `0x${EFI_IMAGE_BASE.toString(16)}`, "--no-insert-timestamp", "-nostdlib", "-o", image, ...objects], "linking BOOTX64.EFI");
  await makeEfiDisk(image, path.join(outDir, EFI_DISK_NAME));
  return image;
}

/** The ESP as a FAT file system image with EFI/BOOT/BOOTX64.EFI (the removable-media path). */
export async function makeEsp(efi: string, out: string): Promise<void> {
  await rm(out, { force: true });
  await writeFile(out, Buffer.alloc(0));
  await truncate(out, ESP_BYTES);
  await run(await requireTool(mtool("mformat")), ["-i", out, "-v", "TSMETAL", "::"], "formatting the EFI system partition");
  await run(await requireTool(mtool("mmd")), ["-i", out, "::/EFI", "::/EFI/BOOT"], "making EFI/BOOT");
  await run(await requireTool(mtool("mcopy")), ["-i", out, efi, "::/EFI/BOOT/BOOTX64.EFI"], "copying BOOTX64.EFI");
}

/** A GPT disk whose only partition is the ESP. */
export async function makeEfiDisk(efi: string, out: string): Promise<void> {
  const esp = `${out}.esp`;
  try {
    await makeEsp(efi, esp);
    await writeFile(out, gptDisk(readFileSync(esp)));
  } finally {
    await rm(esp, { force: true });
  }
}
