/**
 * Finding and checking a FAT volume: the MBR partition table or a bare volume, and the BIOS
 * parameter block. Field offsets and the FAT type rule are Microsoft's "FAT: General Overview
 * of On-Disk Format" 1.03 (fatgen103), section 3 (BPB), 3.5 (FAT type by cluster count) and
 * 5 (FSInfo); the partition table is the classic MBR (entries at 446, 16 bytes each).
 * Every field is range-checked before it is used: a corrupt boot sector is an EIO error
 * naming the field, never a wild read or write.
 */
import { corrupt } from "./errors.ts";

export type FatType = 12 | 16 | 32;

/** The volume's layout, every sector number absolute on the device. */
export interface Geometry {
  readonly type: FatType;
  readonly bytesPerSector: number;
  readonly sectorsPerCluster: number;
  readonly clusterBytes: number;
  readonly volumeStart: number;
  readonly totalSectors: number;
  readonly fatStart: number;
  readonly fatSectors: number;
  readonly fatCount: number;
  /** FAT12/16: the fixed root directory region. */
  readonly rootDirStart: number;
  readonly rootDirSectors: number;
  /** FAT32: the root directory's first cluster (0 on FAT12/16). */
  readonly rootCluster: number;
  /** FAT32: the FSInfo sector, absolute (0 when there is none). */
  readonly fsInfoSector: number;
  readonly dataStart: number;
  /** Data clusters: valid cluster numbers are 2 to clusterCount + 1. */
  readonly clusterCount: number;
}

/** MBR partition types of FAT volumes: FAT12, FAT16 <32M, FAT16, FAT32 CHS, FAT32 LBA, FAT16 LBA. */
const FAT_PARTITION_TYPES = new Set([0x01, 0x04, 0x06, 0x0b, 0x0c, 0x0e]);

const u16 = (b: Uint8Array, o: number) => b[o] | (b[o + 1] << 8);
const u32 = (b: Uint8Array, o: number) => (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0;

function hasSignature(b: Uint8Array): boolean {
  return b[510] === 0x55 && b[511] === 0xaa;
}

/** Whether sector `b` starts a FAT volume (a jump instruction and a plausible BPB, fatgen103 3.1). */
export function looksLikeBootSector(b: Uint8Array): boolean {
  const jump = b[0] === 0xeb || b[0] === 0xe9;
  const bps = u16(b, 11);
  const spc = b[13];
  return jump && [512, 1024, 2048, 4096].includes(bps) && spc !== 0 && (spc & (spc - 1)) === 0 && u16(b, 14) !== 0 && b[16] !== 0;
}

/**
 * Where the FAT volume starts on a device of `blocks` blocks whose first block is `sector0`:
 * 0 for a bare volume, else the first FAT partition of the MBR.
 */
export function findVolume(sector0: Uint8Array, blocks: number): number {
  if (!hasSignature(sector0)) throw corrupt("block 0 has no 0x55AA signature: neither an MBR nor a FAT boot sector (is the disk formatted?)");
  if (looksLikeBootSector(sector0)) return 0;
  for (let i = 0; i < 4; i++) {
    const e = 446 + 16 * i;
    const type = sector0[e + 4];
    if (!FAT_PARTITION_TYPES.has(type)) continue;
    const start = u32(sector0, e + 8);
    const size = u32(sector0, e + 12);
    if (start === 0 || start >= blocks || size === 0 || start + size > blocks) throw corrupt(`MBR partition ${i + 1} (type 0x${type.toString(16)}) spans blocks ${start} to ${start + size}, outside the disk's ${blocks}`);
    return start;
  }
  throw corrupt("the MBR has no FAT partition (types 0x01, 0x04, 0x06, 0x0b, 0x0c, 0x0e)");
}

/** Checks the boot sector `b` of a volume at `volumeStart` on a device of `blocks` blocks of `blockSize` bytes. */
export function parseBootSector(b: Uint8Array, volumeStart: number, blocks: number, blockSize: number): Geometry {
  if (!hasSignature(b) || !looksLikeBootSector(b)) throw corrupt(`no FAT boot sector at block ${volumeStart}`);
  const bytesPerSector = u16(b, 11);
  if (bytesPerSector !== blockSize) throw corrupt(`${bytesPerSector} bytes per sector on a device of ${blockSize}-byte blocks`);
  const sectorsPerCluster = b[13];
  const reserved = u16(b, 14);
  const fatCount = b[16];
  const rootEntries = u16(b, 17);
  const totalSectors = u16(b, 19) || u32(b, 32);
  const fat16Size = u16(b, 22);
  const fatSectors = fat16Size || u32(b, 36);
  if (fatCount > 4) throw corrupt(`${fatCount} FATs`);
  if (totalSectors === 0 || volumeStart + totalSectors > blocks) throw corrupt(`the volume's ${totalSectors} sectors do not fit the disk's ${blocks - volumeStart} blocks from ${volumeStart}`);
  if (fatSectors === 0) throw corrupt("FAT size 0");
  const rootDirSectors = Math.ceil((rootEntries * 32) / bytesPerSector);
  const dataOffset = reserved + fatCount * fatSectors + rootDirSectors;
  if (dataOffset >= totalSectors) throw corrupt(`reserved sectors, FATs and root directory (${dataOffset} sectors) fill the volume`);
  const clusterCount = Math.floor((totalSectors - dataOffset) / sectorsPerCluster);
  // fatgen103 3.5: the type follows from the cluster count alone.
  const type: FatType = clusterCount < 4085 ? 12 : clusterCount < 65525 ? 16 : 32;
  const fatBytes = type === 12 ? Math.ceil(((clusterCount + 2) * 3) / 2) : (clusterCount + 2) * (type / 8);
  if (fatBytes > fatSectors * bytesPerSector) throw corrupt(`a FAT of ${fatSectors} sectors cannot hold ${clusterCount} clusters`);
  let rootCluster = 0;
  let fsInfoSector = 0;
  if (type === 32) {
    if (fat16Size !== 0 || rootEntries !== 0) throw corrupt("a FAT32 volume with a FAT16 FAT size or root entry count");
    rootCluster = u32(b, 44);
    if (rootCluster < 2 || rootCluster > clusterCount + 1) throw corrupt(`root cluster ${rootCluster} outside 2 to ${clusterCount + 1}`);
    const info = u16(b, 48);
    if (info !== 0 && info !== 0xffff && info < reserved) fsInfoSector = volumeStart + info;
  } else if (rootEntries === 0) {
    throw corrupt(`a FAT${type} volume with no root directory entries`);
  }
  return {
    type, bytesPerSector, sectorsPerCluster, clusterBytes: sectorsPerCluster * bytesPerSector, volumeStart, totalSectors,
    fatStart: volumeStart + reserved, fatSectors, fatCount,
    rootDirStart: volumeStart + reserved + fatCount * fatSectors, rootDirSectors,
    rootCluster, fsInfoSector, dataStart: volumeStart + dataOffset, clusterCount,
  };
}

/** The first sector of cluster `n` (2 or more). */
export function clusterSector(g: Geometry, n: number): number {
  return g.dataStart + (n - 2) * g.sectorsPerCluster;
}
