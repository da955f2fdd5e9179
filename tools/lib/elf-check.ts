/**
 * Checks an ELF before QEMU boots it or Linux runs it: QEMU exits 1 without a message on a
 * truncated ELF and takes a file shorter than an ELF header for a raw image, which then hangs. So
 * the header, the program headers and every PT_LOAD segment's bytes must be in the file, and the
 * class, byte order and machine must be the board's. Refusals are "image refused", exit 2
 * (docs/build-pipeline.md, Exit codes). Field offsets: System V ABI, "ELF Header" and "Program
 * Header".
 */
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import type { Board } from "./boards.ts";
import { UserError } from "./errors.ts";
import { displayPath } from "./paths.ts";
import { checkEfiImage } from "./efi-image.ts";

/** Exit code of a refused image (docs/build-pipeline.md). */
export const EXIT_IMAGE_REFUSED = 2;

const ELF_MAGIC = Buffer.from([0x7f, 0x45, 0x4c, 0x46]);
const ELFCLASS = { 1: 32, 2: 64 } as const;
const ELFDATA2LSB = 1;
const ET_EXEC = 2;
const PT_LOAD = 1;
/** e_ident, then the fields up to e_shstrndx. */
const HEADER_BYTES = { 32: 52, 64: 64 };
const PHDR_BYTES = { 32: 32, 64: 56 };

const refuse = (file: string, why: string): UserError =>
  new UserError(`image refused: ${displayPath(file)} ${why}`, EXIT_IMAGE_REFUSED);

function readAt(fd: number, offset: number, length: number): Buffer {
  const b = Buffer.alloc(length);
  const n = readSync(fd, b, 0, length, offset);
  return b.subarray(0, n);
}

function openFile(file: string): { fd: number; size: number } {
  let fd: number;
  try {
    fd = openSync(file, "r");
  } catch (e) {
    throw refuse(file, `cannot be read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const st = fstatSync(fd);
  if (!st.isFile()) {
    closeSync(fd);
    throw refuse(file, "is not a regular file");
  }
  return { fd, size: st.size };
}

/** Refuses `file` unless it is a complete ELF executable for `board`'s CPU. */
export function checkElf(board: Board, file: string): void {
  const { fd, size } = openFile(file);
  try {
    const want = board.target.elf;
    const ident = readAt(fd, 0, 16);
    if (size === 0) throw refuse(file, "is empty");
    const magic = ELF_MAGIC.subarray(0, Math.min(4, ident.length));
    if (!ident.subarray(0, 4).equals(magic)) throw refuse(file, "is not an ELF file (no \\x7fELF magic)");
    if (ident.length < 16) throw refuse(file, `is truncated: ${size} bytes, shorter than an ELF identification (16)`);
    const cls = ELFCLASS[ident[4] as 1 | 2];
    if (cls !== want.class) throw refuse(file, `is ${cls ? `ELF${cls}` : `of unknown ELF class ${ident[4]}`}; board '${board.name}' (${board.arch}) runs ELF${want.class}`);
    if (ident[5] !== ELFDATA2LSB) throw refuse(file, `is not little-endian (EI_DATA ${ident[5]}); board '${board.name}' is`);
    const h = readAt(fd, 0, HEADER_BYTES[cls]);
    if (h.length < HEADER_BYTES[cls]) throw refuse(file, `is truncated: ${size} bytes, shorter than its ELF header (${HEADER_BYTES[cls]})`);
    const is64 = cls === 64;
    const type = h.readUInt16LE(16);
    const machine = h.readUInt16LE(18);
    if (type !== ET_EXEC) throw refuse(file, `is not an executable (e_type ${type}, want ${ET_EXEC} ET_EXEC)`);
    if (machine !== want.machine) throw refuse(file, `is for machine ${machine} (e_machine); board '${board.name}' (${board.arch}) needs ${want.machine}`);
    const phoff = is64 ? Number(h.readBigUInt64LE(32)) : h.readUInt32LE(28);
    const phentsize = h.readUInt16LE(is64 ? 54 : 42);
    const phnum = h.readUInt16LE(is64 ? 56 : 44);
    if (phnum === 0) throw refuse(file, "has no program headers: nothing to load");
    if (phentsize !== PHDR_BYTES[cls]) throw refuse(file, `has program headers of ${phentsize} bytes; ELF${cls} ones are ${PHDR_BYTES[cls]}`);
    const phEnd = phoff + phnum * phentsize;
    if (phEnd > size) throw refuse(file, `is truncated: its ${phnum} program headers end at byte ${phEnd}, the file has ${size}`);
    const ph = readAt(fd, phoff, phnum * phentsize);
    let loads = 0;
    for (let i = 0; i < phnum; i++) {
      const p = i * phentsize;
      if (ph.readUInt32LE(p) !== PT_LOAD) continue;
      loads++;
      const offset = is64 ? Number(ph.readBigUInt64LE(p + 8)) : ph.readUInt32LE(p + 4);
      const filesz = is64 ? Number(ph.readBigUInt64LE(p + 32)) : ph.readUInt32LE(p + 16);
      const memsz = is64 ? Number(ph.readBigUInt64LE(p + 40)) : ph.readUInt32LE(p + 20);
      if (offset + filesz > size) {
        throw refuse(file, `is truncated: loadable segment ${i} (program header ${i}) ends at byte ${offset + filesz}, the file has ${size}`);
      }
      if (filesz > memsz) throw refuse(file, `is malformed: loadable segment ${i} has more file bytes (${filesz}) than memory (${memsz})`);
    }
    if (loads === 0) throw refuse(file, "has no loadable (PT_LOAD) segment");
  } finally {
    closeSync(fd);
  }
}

/**
 * Refuses a board's boot image (board.json image) that cannot boot: a raw binary that is empty or
 * larger than imageMax (the heap starts right after it), or an ELF image that checkElf refuses.
 */
export function checkBootImage(board: Board, file: string): void {
  if (board.image.format === "elf") return checkElf(board, file);
  if (board.image.format === "efi") return checkEfiImage(file);
  const { fd, size } = openFile(file);
  closeSync(fd);
  if (size === 0) throw refuse(file, "is empty");
  if (size > board.imageMax) {
    throw refuse(file, `is ${size} bytes, more than board '${board.name}''s imageMax (${board.imageMax} bytes, board.json)`);
  }
}
