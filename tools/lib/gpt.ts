/**
 * A GUID Partition Table disk with one partition, the EFI system partition (UEFI 2.10, chapter 5):
 * the protective MBR (5.2.3), the primary header at LBA 1 and its 128 entries from LBA 2 (5.3.2,
 * 5.3.3), the partition from LBA 2048 (1 MiB aligned, as fdisk and parted place it), and the
 * backup entries and header at the end of the disk (5.3.2). 512-byte sectors. A dozen fields do
 * not justify a partitioning tool (sgdisk is not in our package list); util-linux's sfdisk checks
 * the result in test/tools/lib/gpt.test.ts.
 */
import { crc32 } from "node:zlib";

export const SECTOR = 512;
const ENTRIES = 128;
const ENTRY_SIZE = 128;
const ENTRY_SECTORS = (ENTRIES * ENTRY_SIZE) / SECTOR;
/** Where the partition starts, in sectors (1 MiB). */
export const FIRST_PARTITION_LBA = 2048;

/** A GUID in its on-disk mixed-endian form (Appendix A): the first three fields little-endian. */
export function guidBytes(guid: string): Buffer {
  const m = /^([0-9a-f]{8})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{12})$/i.exec(guid);
  if (!m) throw new Error(`not a GUID: ${guid}`);
  const b = Buffer.alloc(16);
  b.writeUInt32LE(parseInt(m[1], 16), 0);
  b.writeUInt16LE(parseInt(m[2], 16), 4);
  b.writeUInt16LE(parseInt(m[3], 16), 6);
  Buffer.from(m[4] + m[5], "hex").copy(b, 8);
  return b;
}

/** 5.3.3 Table 5-7: the EFI System Partition's type GUID. */
export const ESP_TYPE_GUID = "c12a7328-f81f-11d2-ba4b-00a0c93ec93b";
/** Fixed disk and partition GUIDs, so the same ESP gives the same disk bytes (a reproducible
    image); a random one per build would only make images differ. Version-4 form. */
export const DISK_GUID = "5453d3e7-7a1c-4b0e-9f6d-2d1f3c7a9e01";
export const PARTITION_GUID = "5453d3e7-7a1c-4b0e-9f6d-2d1f3c7a9e02";

function header(currentLba: bigint, backupLba: bigint, entriesLba: bigint, lastUsable: bigint, entriesCrc: number): Buffer {
  const h = Buffer.alloc(SECTOR);
  h.write("EFI PART", 0, "latin1");
  h.writeUInt32LE(0x00010000, 8); // revision 1.0
  h.writeUInt32LE(92, 12); // header size
  h.writeBigUInt64LE(currentLba, 24);
  h.writeBigUInt64LE(backupLba, 32);
  h.writeBigUInt64LE(BigInt(2 + ENTRY_SECTORS), 40); // first usable LBA
  h.writeBigUInt64LE(lastUsable, 48);
  guidBytes(DISK_GUID).copy(h, 56);
  h.writeBigUInt64LE(entriesLba, 72);
  h.writeUInt32LE(ENTRIES, 80);
  h.writeUInt32LE(ENTRY_SIZE, 84);
  h.writeUInt32LE(entriesCrc, 88);
  h.writeUInt32LE(crc32(h.subarray(0, 92)), 16); // computed with its own field zero
  return h;
}

/** A GPT disk in two pieces: `head` from LBA 0 through the ESP's last sector, and `tail`, the
    backup entries and header, which belong at byte `tailOffset` (the last sectors of the disk). */
export interface GptPieces {
  head: Buffer;
  tail: Buffer;
  tailOffset: number;
  totalSectors: number;
}

/** The smallest disk that holds the ESP. */
export const minimumSectors = (espBytes: number): number => FIRST_PARTITION_LBA + espBytes / SECTOR + ENTRY_SECTORS + 1;

/** The GPT for a disk of `totalSectors` (default: the smallest), the ESP its only partition. */
export function gptPieces(esp: Buffer, totalSectors = minimumSectors(esp.length)): GptPieces {
  if (esp.length === 0 || esp.length % SECTOR !== 0) throw new Error(`an ESP image must be whole ${SECTOR}-byte sectors, got ${esp.length} bytes`);
  const espSectors = esp.length / SECTOR;
  if (!Number.isSafeInteger(totalSectors) || totalSectors < minimumSectors(esp.length)) {
    throw new Error(`a disk of ${totalSectors} sectors cannot hold the GPT and a ${esp.length}-byte ESP (${minimumSectors(esp.length)} sectors at least)`);
  }
  const last = BigInt(totalSectors - 1);
  const lastUsable = last - BigInt(ENTRY_SECTORS) - 1n;
  const head = Buffer.alloc((FIRST_PARTITION_LBA + espSectors) * SECTOR);

  // Protective MBR (5.2.3 Table 5-4): one partition of type 0xEE over the disk (at most 2^32 - 1
  // sectors), from LBA 1; CHS fields as the table gives them.
  const pe = 446;
  head.writeUInt8(0x02, pe + 2); // starting CHS 0/0/2 = LBA 1
  head[pe + 4] = 0xee;
  head.writeUInt8(0xff, pe + 5);
  head.writeUInt8(0xff, pe + 6);
  head.writeUInt8(0xff, pe + 7);
  head.writeUInt32LE(1, pe + 8);
  head.writeUInt32LE(Math.min(totalSectors - 1, 0xffffffff), pe + 12);
  head.writeUInt16LE(0xaa55, 510);

  const entries = Buffer.alloc(ENTRIES * ENTRY_SIZE);
  guidBytes(ESP_TYPE_GUID).copy(entries, 0);
  guidBytes(PARTITION_GUID).copy(entries, 16);
  entries.writeBigUInt64LE(BigInt(FIRST_PARTITION_LBA), 32);
  entries.writeBigUInt64LE(BigInt(FIRST_PARTITION_LBA + espSectors - 1), 40);
  entries.write("EFI system partition", 56, "utf16le");
  const entriesCrc = crc32(entries);

  header(1n, last, 2n, lastUsable, entriesCrc).copy(head, SECTOR);
  entries.copy(head, 2 * SECTOR);
  esp.copy(head, FIRST_PARTITION_LBA * SECTOR);
  const backupEntriesLba = last - BigInt(ENTRY_SECTORS);
  const tail = Buffer.concat([entries, header(last, 1n, backupEntriesLba, lastUsable, entriesCrc)]);
  return { head, tail, tailOffset: Number(backupEntriesLba) * SECTOR, totalSectors };
}

/** The whole disk, as small as it can be: 1 MiB before the partition, the ESP, the backup GPT. */
export function gptDisk(esp: Buffer): Buffer {
  const p = gptPieces(esp);
  return Buffer.concat([p.head, Buffer.alloc(p.tailOffset - p.head.length), p.tail]);
}
