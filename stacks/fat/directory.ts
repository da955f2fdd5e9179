/**
 * A FAT directory held in memory: its 32-byte entries (fatgen103 6) and long-name entries
 * (fatgen103 7), read whole on load and written back sector by sector as entries change.
 * FAT12/16's root is the fixed region after the FATs; every other directory is a cluster chain
 * (at most 65536 entries, fatgen103 6). Entries are checked as they are read: a cluster number
 * outside the volume is an EIO error naming the entry.
 */
import type { BlockStore } from "./block-store.ts";
import { clusterSector, type Geometry } from "./boot-sector.ts";
import { FsError, corrupt } from "./errors.ts";
import type { FatTable } from "./fat-table.ts";
import { LFN_OFFSETS, exactShortName, generateShortName, longNameEntries, shortChecksum, shortDisplay } from "./names.ts";

/** DIR_Attr bits (fatgen103 6). */
export enum ATTR { READ_ONLY = 0x01, HIDDEN = 0x02, SYSTEM = 0x04, VOLUME_ID = 0x08, DIRECTORY = 0x10, ARCHIVE = 0x20, LONG_NAME = 0x0f }
const ENTRY = 32;
const MAX_ENTRIES = 65536;

/** What the files API needs to reach the volume. */
export interface VolumeContext {
  readonly dev: BlockStore;
  readonly g: Geometry;
  readonly fat: FatTable;
}

/** One file or directory entry. */
export interface Entry {
  name: string;
  attr: number;
  cluster: number;
  size: number;
  /** DIR_WrtTime, DIR_WrtDate (fatgen103 6.1). */
  time: number;
  date: number;
  /** The slot of the short entry, and of the first long-name entry before it. */
  slot: number;
  first: number;
}

export function isDir(e: Entry): boolean {
  return (e.attr & ATTR.DIRECTORY) !== 0;
}

/** DOS date and time of `ms` (fatgen103 6.1: years from 1980, seconds / 2). */
export function dosTime(ms: number): { time: number; date: number } {
  const d = new Date(ms);
  const year = d.getUTCFullYear();
  if (year < 1980) return { time: 0, date: (1 << 5) | 1 }; // 1980-01-01, the earliest FAT date
  return {
    time: (d.getUTCHours() << 11) | (d.getUTCMinutes() << 5) | (d.getUTCSeconds() >> 1),
    date: ((Math.min(year, 2107) - 1980) << 9) | ((d.getUTCMonth() + 1) << 5) | d.getUTCDate(),
  };
}

export function dosToMs(time: number, date: number): number {
  const y = 1980 + (date >> 9), mo = ((date >> 5) & 15) - 1, day = date & 31;
  return Date.UTC(y, mo < 0 ? 0 : mo, day || 1, time >> 11, (time >> 5) & 63, (time & 31) * 2);
}

export class Directory {
  private constructor(
    private readonly v: VolumeContext,
    /** First cluster; 0 for FAT12/16's fixed root. */
    readonly cluster: number,
    private chain: number[],
    private bytes: Uint8Array,
  ) {}

  static async load(v: VolumeContext, cluster: number): Promise<Directory> {
    const g = v.g;
    if (cluster === 0) {
      const bytes = await v.dev.read(g.rootDirStart, g.rootDirSectors);
      return new Directory(v, 0, [], bytes);
    }
    const chain = await v.fat.chain(cluster);
    if (chain.length * g.clusterBytes > MAX_ENTRIES * ENTRY) throw corrupt(`directory at cluster ${cluster} has ${chain.length} clusters, more than 65536 entries`);
    const bytes = new Uint8Array(chain.length * g.clusterBytes);
    for (let i = 0; i < chain.length; ) {
      let run = 1;
      while (i + run < chain.length && chain[i + run] === chain[i] + run) run++;
      await v.dev.read(clusterSector(g, chain[i]), run * g.sectorsPerCluster, bytes.subarray(i * g.clusterBytes, (i + run) * g.clusterBytes));
      i += run;
    }
    return new Directory(v, cluster, chain, bytes);
  }

  get slots(): number {
    return this.bytes.length / ENTRY;
  }

  /** The entries, long names joined to their short entries; "." and ".." and volume labels left out. */
  entries(): Entry[] {
    const b = this.bytes;
    const out: Entry[] = [];
    let lfn: number[] | undefined;
    let lfnSum = 0, lfnFirst = 0, expect = 0;
    for (let slot = 0; slot < this.slots; slot++) {
      const o = slot * ENTRY;
      const b0 = b[o];
      if (b0 === 0x00) break;
      if (b0 === 0xe5) {
        lfn = undefined;
        continue;
      }
      const attr = b[o + 11];
      if ((attr & 0x3f) === ATTR.LONG_NAME) {
        const seq = b0 & 0x1f;
        if (b0 & 0x40) {
          lfn = new Array<number>(seq * 13).fill(0xffff);
          lfnSum = b[o + 13];
          lfnFirst = slot;
          expect = seq;
        }
        // Out of order or for another short name: the orphaned long name is ignored (fatgen103 7).
        if (!lfn || seq !== expect || seq === 0 || b[o + 13] !== lfnSum) {
          lfn = undefined;
          continue;
        }
        for (let k = 0; k < 13; k++) lfn[(seq - 1) * 13 + k] = b[o + LFN_OFFSETS[k]] | (b[o + LFN_OFFSETS[k] + 1] << 8);
        expect--;
        continue;
      }
      const long = lfn && expect === 0 && shortChecksum(b, o) === lfnSum ? lfn : undefined;
      lfn = undefined;
      if (attr & ATTR.VOLUME_ID) continue;
      if (b0 === 0x2e && (b[o + 1] === 0x20 || (b[o + 1] === 0x2e && b[o + 2] === 0x20))) continue; // "." and ".."
      let name: string;
      if (long) {
        const end = long.indexOf(0);
        name = String.fromCharCode(...(end < 0 ? long.filter((u) => u !== 0xffff) : long.slice(0, end)));
      } else {
        name = shortDisplay(b, o);
      }
      const cluster = (b[o + 26] | (b[o + 27] << 8) | (this.v.g.type === 32 ? (b[o + 20] << 16) | (b[o + 21] << 24) : 0)) >>> 0;
      if (cluster !== 0 && !this.v.fat.valid(cluster)) throw corrupt(`directory entry "${name}" points at cluster ${cluster}, outside 2 to ${this.v.fat.lastCluster}`);
      const size = (b[o + 28] | (b[o + 29] << 8) | (b[o + 30] << 16) | (b[o + 31] << 24)) >>> 0;
      if (!(attr & ATTR.DIRECTORY) && size > 0 && cluster === 0) throw corrupt(`file "${name}" has ${size} bytes and no cluster`);
      if (attr & ATTR.DIRECTORY && cluster === 0) throw corrupt(`directory "${name}" has no cluster`);
      out.push({
        name, attr, cluster, size, time: b[o + 22] | (b[o + 23] << 8), date: b[o + 24] | (b[o + 25] << 8),
        slot, first: long ? lfnFirst : slot,
      });
    }
    return out;
  }

  find(name: string): Entry | undefined {
    const want = name.toUpperCase();
    for (const e of this.entries()) if (e.name.toUpperCase() === want || shortDisplay(this.bytes, e.slot * ENTRY).toUpperCase() === want) return e;
    return undefined;
  }

  private shortTaken(short: Uint8Array): boolean {
    const b = this.bytes;
    outer: for (let slot = 0; slot < this.slots; slot++) {
      const o = slot * ENTRY;
      if (b[o] === 0) return false;
      if (b[o] === 0xe5 || (b[o + 11] & 0x3f) === ATTR.LONG_NAME) continue;
      for (let i = 0; i < 11; i++) if (b[o + i] !== short[i]) continue outer;
      return true;
    }
    return false;
  }

  /** Adds an entry named `name`; returns it. The caller checked that the name is free. */
  async add(name: string, attr: number, cluster: number, size: number, stamp: { time: number; date: number }, syscall: string, path: string): Promise<Entry> {
    let short = exactShortName(name);
    let longs: Uint8Array[] = [];
    if (!short || this.shortTaken(short)) {
      short = generateShortName(name, (s) => this.shortTaken(s));
      longs = longNameEntries(name, short);
    }
    const need = longs.length + 1;
    const first = await this.freeRun(need, syscall, path);
    const b = this.bytes;
    longs.forEach((e, i) => b.set(e, (first + i) * ENTRY));
    const slot = first + longs.length;
    const o = slot * ENTRY;
    b.fill(0, o, o + ENTRY);
    b.set(short, o);
    b[o + 11] = attr;
    this.putEntry(slot, cluster, size, stamp);
    b[o + 14] = stamp.time & 0xff; // DIR_CrtTime, DIR_CrtDate, DIR_LstAccDate
    b[o + 15] = stamp.time >> 8;
    b[o + 16] = b[o + 18] = stamp.date & 0xff;
    b[o + 17] = b[o + 19] = stamp.date >> 8;
    await this.save(first, need);
    return { name, attr, cluster, size, time: stamp.time, date: stamp.date, slot, first };
  }

  private putEntry(slot: number, cluster: number, size: number, stamp: { time: number; date: number }): void {
    const b = this.bytes;
    const o = slot * ENTRY;
    b[o + 20] = (cluster >>> 16) & 0xff;
    b[o + 21] = (cluster >>> 24) & 0xff;
    b[o + 26] = cluster & 0xff;
    b[o + 27] = (cluster >>> 8) & 0xff;
    b[o + 28] = size & 0xff;
    b[o + 29] = (size >>> 8) & 0xff;
    b[o + 30] = (size >>> 16) & 0xff;
    b[o + 31] = (size >>> 24) & 0xff;
    b[o + 22] = stamp.time & 0xff;
    b[o + 23] = stamp.time >> 8;
    b[o + 24] = stamp.date & 0xff;
    b[o + 25] = stamp.date >> 8;
  }

  /** Rewrites an entry's cluster, size and write time. */
  async update(e: Entry): Promise<void> {
    this.putEntry(e.slot, e.cluster, e.size, { time: e.time, date: e.date });
    await this.save(e.slot, 1);
  }

  /** Marks an entry and its long-name entries deleted (0xE5, fatgen103 6.1). */
  async remove(e: Entry): Promise<void> {
    for (let s = e.first; s <= e.slot; s++) this.bytes[s * ENTRY] = 0xe5;
    await this.save(e.first, e.slot - e.first + 1);
  }

  /** Sets the ".." entry's cluster (a directory moved to another parent; 0 for the root, fatgen103 6.6). */
  async setParent(cluster: number): Promise<void> {
    const o = ENTRY;
    const b = this.bytes;
    if (b[o] !== 0x2e || b[o + 1] !== 0x2e) throw corrupt(`directory at cluster ${this.cluster} has no ".." entry`);
    b[o + 26] = cluster & 0xff;
    b[o + 27] = (cluster >>> 8) & 0xff;
    b[o + 20] = (cluster >>> 16) & 0xff;
    b[o + 21] = (cluster >>> 24) & 0xff;
    await this.save(1, 1);
  }

  /** The first of `need` consecutive free slots, growing a cluster-chain directory when full. */
  private async freeRun(need: number, syscall: string, path: string): Promise<number> {
    for (;;) {
      const b = this.bytes;
      let run = 0;
      for (let slot = 0; slot < this.slots; slot++) {
        const b0 = b[slot * ENTRY];
        if (b0 === 0x00) {
          // Everything after the end marker is free (fatgen103 6.1); keep a 0 after the run if it is not at the end.
          if (this.slots - slot + run >= need) return slot - run;
          run = this.slots - slot + run;
          break;
        }
        run = b0 === 0xe5 ? run + 1 : 0;
        if (run === need) return slot - need + 1;
      }
      if (this.cluster === 0) throw new FsError("ENOSPC", syscall, path, "the root directory is full");
      const g = this.v.g;
      if ((this.chain.length + 1) * g.clusterBytes > MAX_ENTRIES * ENTRY) throw new FsError("ENOSPC", syscall, path, "the directory holds 65536 entries");
      const [added] = await this.v.fat.allocate(1, this.chain[this.chain.length - 1], syscall, path);
      const zero = new Uint8Array(g.clusterBytes);
      await this.v.dev.write(clusterSector(g, added), zero);
      const grown = new Uint8Array(this.bytes.length + g.clusterBytes);
      grown.set(this.bytes);
      this.bytes = grown;
      this.chain.push(added);
    }
  }

  /** Writes the sectors holding slots `from` to `from + count - 1`. */
  private async save(from: number, count: number): Promise<void> {
    const g = this.v.g;
    const size = g.bytesPerSector;
    const lo = Math.floor((from * ENTRY) / size);
    const hi = Math.floor(((from + count) * ENTRY - 1) / size);
    for (let s = lo; s <= hi; s++) {
      const lba = this.cluster === 0
        ? g.rootDirStart + s
        : clusterSector(g, this.chain[Math.floor(s / g.sectorsPerCluster)]) + (s % g.sectorsPerCluster);
      await this.v.dev.write(lba, this.bytes.subarray(s * size, (s + 1) * size));
    }
  }

  /** Whether the directory holds nothing but "." and "..". */
  isEmpty(): boolean {
    return this.entries().length === 0;
  }
}

/** The first cluster of a new directory (fatgen103 6.6): "." and "..", the rest zero. */
export function newDirectoryCluster(g: Geometry, self: number, parent: number, stamp: { time: number; date: number }): Uint8Array {
  const c = new Uint8Array(g.clusterBytes);
  const dot = (o: number, name: string, cluster: number) => {
    c.fill(0x20, o, o + 11);
    for (let i = 0; i < name.length; i++) c[o + i] = name.charCodeAt(i);
    c[o + 11] = ATTR.DIRECTORY;
    c[o + 26] = cluster & 0xff;
    c[o + 27] = (cluster >>> 8) & 0xff;
    c[o + 20] = (cluster >>> 16) & 0xff;
    c[o + 21] = (cluster >>> 24) & 0xff;
    c[o + 22] = c[o + 14] = stamp.time & 0xff;
    c[o + 23] = c[o + 15] = stamp.time >> 8;
    c[o + 24] = c[o + 16] = c[o + 18] = stamp.date & 0xff;
    c[o + 25] = c[o + 17] = c[o + 19] = stamp.date >> 8;
  };
  dot(0, ".", self);
  dot(ENTRY, "..", parent);
  return c;
}
