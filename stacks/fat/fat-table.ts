/**
 * The file allocation table (fatgen103, section 4): entries read and written through a cache
 * of its sectors, written back to every FAT copy on flush(). Every cluster number read from
 * disk is checked (2 to clusterCount + 1, or end of chain) and every chain walk is bounded by
 * the cluster count, so a corrupt FAT (a loop, a free or out-of-range link) is an EIO error
 * naming the cluster, never a hang or a write outside the volume.
 */
import type { BlockStore } from "./block-store.ts";
import type { Geometry } from "./boot-sector.ts";
import { FsError, corrupt } from "./errors.ts";

/** Sectors read at once when the cache misses (one multi-block request). */
const PREFETCH = 16;

export class FatTable {
  /** Entries at or above this end a chain (fatgen103 4: 0xFF8 / 0xFFF8 / 0x0FFFFFF8). */
  readonly eoc: number;
  /** The value written to end a chain. */
  private readonly eocMark: number;
  private readonly bad: number;
  private readonly sectors = new Map<number, Uint8Array>();
  private readonly dirty = new Set<number>();
  /** Where the next free-cluster search starts. */
  private hint = 2;
  /**
   * Called after every flush, whoever asked for it: the files layer writes the directory
   * entries of open files whose new clusters just reached the disk (stacks/fat/files.ts).
   */
  onFlushed?: () => Promise<void>;

  constructor(private readonly dev: BlockStore, private readonly g: Geometry) {
    this.eoc = g.type === 12 ? 0xff8 : g.type === 16 ? 0xfff8 : 0x0ffffff8;
    this.eocMark = g.type === 12 ? 0xfff : g.type === 16 ? 0xffff : 0x0fffffff;
    this.bad = this.eoc - 1;
  }

  /** The highest valid cluster number. */
  get lastCluster(): number {
    return this.g.clusterCount + 1;
  }

  private async sector(i: number): Promise<Uint8Array> {
    const hit = this.sectors.get(i);
    if (hit) return hit;
    const n = Math.min(PREFETCH, this.g.fatSectors - i);
    const bytes = await this.dev.read(this.g.fatStart + i, n);
    const size = this.g.bytesPerSector;
    for (let k = 0; k < n; k++) if (!this.sectors.has(i + k)) this.sectors.set(i + k, bytes.subarray(k * size, (k + 1) * size));
    return this.sectors.get(i) as Uint8Array;
  }

  /** Loads the FAT sectors holding entry `n` when they are not cached; undefined when they are (no await needed). */
  private ensure(n: number): Promise<unknown> | undefined {
    const size = this.g.bytesPerSector;
    const first = this.g.type === 12 ? n + (n >> 1) : n * (this.g.type / 8);
    const last = first + (this.g.type === 32 ? 3 : 1);
    const a = Math.floor(first / size), b = Math.floor(last / size);
    if (this.sectors.has(a) && this.sectors.has(b)) return undefined;
    return this.sector(a).then(() => this.sector(b));
  }

  private byte(offset: number): number {
    const size = this.g.bytesPerSector;
    return (this.sectors.get(Math.floor(offset / size)) as Uint8Array)[offset % size];
  }

  private setByte(offset: number, value: number): void {
    const size = this.g.bytesPerSector;
    const i = Math.floor(offset / size);
    (this.sectors.get(i) as Uint8Array)[offset % size] = value;
    this.dirty.add(i);
  }

  /** The raw entry of cluster `n`. */
  async get(n: number): Promise<number> {
    const loading = this.ensure(n);
    if (loading) await loading;
    return this.entry(n);
  }

  /** Entry `n` from the cache (ensure() first). */
  private entry(n: number): number {
    const t = this.g.type;
    if (t === 12) {
      const o = n + (n >> 1);
      const v = this.byte(o) | (this.byte(o + 1) << 8);
      return n & 1 ? v >> 4 : v & 0xfff;
    }
    if (t === 16) return this.byte(n * 2) | (this.byte(n * 2 + 1) << 8);
    const o = n * 4;
    // fatgen103 4: the high 4 bits of a FAT32 entry are reserved.
    return ((this.byte(o) | (this.byte(o + 1) << 8) | (this.byte(o + 2) << 16) | (this.byte(o + 3) << 24)) >>> 0) & 0x0fffffff;
  }

  async set(n: number, value: number): Promise<void> {
    if (n < 2 || n > this.lastCluster) throw new RangeError(`FAT: cluster ${n} outside 2 to ${this.lastCluster}`);
    const loading = this.ensure(n);
    if (loading) await loading;
    const t = this.g.type;
    if (t === 12) {
      const o = n + (n >> 1);
      if (n & 1) {
        this.setByte(o, (this.byte(o) & 0x0f) | ((value << 4) & 0xf0));
        this.setByte(o + 1, (value >> 4) & 0xff);
      } else {
        this.setByte(o, value & 0xff);
        this.setByte(o + 1, (this.byte(o + 1) & 0xf0) | ((value >> 8) & 0x0f));
      }
    } else if (t === 16) {
      this.setByte(n * 2, value & 0xff);
      this.setByte(n * 2 + 1, (value >> 8) & 0xff);
    } else {
      const o = n * 4;
      const top = this.byte(o + 3) & 0xf0; // the reserved bits are kept (fatgen103 4)
      this.setByte(o, value & 0xff);
      this.setByte(o + 1, (value >> 8) & 0xff);
      this.setByte(o + 2, (value >> 16) & 0xff);
      this.setByte(o + 3, top | ((value >>> 24) & 0x0f));
    }
  }

  /** Whether `n` is a data cluster number. */
  valid(n: number): boolean {
    return n >= 2 && n <= this.lastCluster;
  }

  /** The clusters of the chain starting at `first` (empty for 0), checked and loop-free. */
  async chain(first: number): Promise<number[]> {
    const out: number[] = [];
    if (first === 0) return out;
    let n = first;
    for (;;) {
      if (!this.valid(n)) throw corrupt(`cluster chain from ${first} reaches cluster ${n}, outside 2 to ${this.lastCluster}`);
      // A chain longer than the volume has clusters must revisit one: a loop.
      if (out.length >= this.g.clusterCount) throw corrupt(`cluster chain from ${first} loops`);
      out.push(n);
      const loading = this.ensure(n);
      if (loading) await loading;
      const next = this.entry(n);
      if (next >= this.eoc) return out;
      if (next === 0 || next === this.bad) throw corrupt(`cluster chain from ${first} links cluster ${n} to ${next === 0 ? "a free cluster" : "a bad cluster"}`);
      n = next;
    }
  }

  /**
   * `count` free clusters linked into a chain ending in EOC, linked after `after` when it is
   * not 0. Throws ENOSPC, changing nothing, when the volume has fewer free clusters.
   */
  async allocate(count: number, after: number, syscall: string, path?: string): Promise<number[]> {
    const found: number[] = [];
    if (count <= 0) return found;
    const first = this.hint;
    const total = this.g.clusterCount;
    for (let i = 0; i < total && found.length < count; i++) {
      const n = 2 + ((first - 2 + i) % total);
      const loading = this.ensure(n);
      if (loading) await loading;
      if (this.entry(n) === 0) found.push(n);
    }
    if (found.length < count) throw new FsError("ENOSPC", syscall, path, `${count} clusters needed, ${found.length} free`);
    for (let i = 0; i < found.length; i++) await this.set(found[i], i + 1 < found.length ? found[i + 1] : this.eocMark);
    if (after !== 0) await this.set(after, found[0]);
    this.hint = found[found.length - 1] + 1 > this.lastCluster ? 2 : found[found.length - 1] + 1;
    return found;
  }

  /** Frees `clusters` (a chain from chain()); `keepEnd`, when not 0, becomes the chain's new end. */
  async release(clusters: readonly number[], keepEnd: number): Promise<void> {
    if (keepEnd !== 0) await this.set(keepEnd, this.eocMark);
    for (const n of clusters) await this.set(n, 0);
    if (clusters.length > 0 && clusters[0] < this.hint) this.hint = clusters[0];
  }

  /** Free clusters on the volume (a full scan). */
  async countFree(): Promise<number> {
    let free = 0;
    for (let n = 2; n <= this.lastCluster; n++) if ((await this.get(n)) === 0) free++;
    return free;
  }

  /** Writes the changed FAT sectors to every copy (fatgen103 3.1: BPB_NumFATs). */
  async flush(): Promise<void> {
    const list = [...this.dirty].sort((a, b) => a - b);
    for (const i of list) {
      const data = this.sectors.get(i) as Uint8Array;
      for (let c = 0; c < this.g.fatCount; c++) await this.dev.write(this.g.fatStart + c * this.g.fatSectors + i, data);
    }
    this.dirty.clear();
    if (list.length > 0) await this.onFlushed?.();
  }
}
