/**
 * Where a named section's bytes lie in an ELF file, so the image fuzz can change the bytecode
 * and snapshot sections of a linked firmware in place instead of relinking for every mutation.
 * Field offsets: System V ABI, "ELF Header" and "Sections" (32- and 64-bit, little-endian).
 */

export interface SectionRange {
  /** File offset and size of the section's contents. */
  offset: number;
  size: number;
}

export function elfSections(elf: Buffer): Map<string, SectionRange> {
  if (elf.length < 64 || elf.readUInt32BE(0) !== 0x7f454c46 || elf[5] !== 1) throw new Error("not a little-endian ELF file");
  const is64 = elf[4] === 2;
  const shoff = is64 ? Number(elf.readBigUInt64LE(40)) : elf.readUInt32LE(32);
  const shentsize = elf.readUInt16LE(is64 ? 58 : 46);
  const shnum = elf.readUInt16LE(is64 ? 60 : 48);
  const shstrndx = elf.readUInt16LE(is64 ? 62 : 50);
  const header = (i: number) => {
    const p = shoff + i * shentsize;
    return {
      name: elf.readUInt32LE(p),
      type: elf.readUInt32LE(p + 4),
      offset: is64 ? Number(elf.readBigUInt64LE(p + 24)) : elf.readUInt32LE(p + 16),
      size: is64 ? Number(elf.readBigUInt64LE(p + 32)) : elf.readUInt32LE(p + 20),
    };
  };
  const strtab = header(shstrndx);
  const sections = new Map<string, SectionRange>();
  for (let i = 0; i < shnum; i++) {
    const h = header(i);
    const start = strtab.offset + h.name;
    const name = elf.toString("latin1", start, elf.indexOf(0, start));
    // SHT_NOBITS (8) has no bytes in the file.
    if (h.type !== 8) sections.set(name, { offset: h.offset, size: h.size });
  }
  return sections;
}
