/**
 * A mounted FAT volume: boot sector checked, the FAT behind its cache, and file data read and
 * written by cluster runs (consecutive clusters become one multi-block request). Partial
 * sectors are read, patched and written back.
 */
import type { BlockStore } from "./block-store.ts";
import { clusterSector, findVolume, parseBootSector, type Geometry } from "./boot-sector.ts";
import { corrupt } from "./errors.ts";
import { FatTable } from "./fat-table.ts";
import type { VolumeContext } from "./directory.ts";

export class FatVolume implements VolumeContext {
  private fsInfoStale = false;

  private constructor(readonly dev: BlockStore, readonly g: Geometry, readonly fat: FatTable) {}

  static async mount(dev: BlockStore): Promise<FatVolume> {
    if (dev.blockCount < 1) throw corrupt("the disk has no blocks");
    const sector0 = await dev.read(0, 1);
    const start = findVolume(sector0, dev.blockCount);
    const boot = start === 0 ? sector0 : await dev.read(start, 1);
    const g = parseBootSector(boot, start, dev.blockCount, dev.blockSize);
    const fat = new FatTable(dev, g);
    const media = await fat.get(0);
    if ((media & 0xff) < 0xf0 && (media & 0xff) !== 0) throw corrupt(`FAT[0] is 0x${media.toString(16)}, not a media descriptor (fatgen103 4)`);
    return new FatVolume(dev, g, fat);
  }

  get readOnly(): boolean {
    return this.dev.readOnly;
  }

  /** The root directory's first cluster: 0 for FAT12/16's fixed region. */
  get rootCluster(): number {
    return this.g.rootCluster;
  }

  /**
   * Before the first change: FSInfo's free count and next-free hint set to 0xFFFFFFFF,
   * "unknown" (fatgen103 5), so that no stale count survives our writes.
   */
  async changing(): Promise<void> {
    if (this.fsInfoStale || this.g.fsInfoSector === 0) return;
    this.fsInfoStale = true;
    const s = await this.dev.read(this.g.fsInfoSector, 1);
    // FSI_LeadSig 0x41615252 and FSI_StrucSig 0x61417272 (fatgen103 5).
    if (s[0] !== 0x52 || s[1] !== 0x52 || s[2] !== 0x61 || s[3] !== 0x41 || s[484] !== 0x72 || s[485] !== 0x72 || s[486] !== 0x41 || s[487] !== 0x61) return;
    s.fill(0xff, 488, 496);
    await this.dev.write(this.g.fsInfoSector, s);
  }

  /** Runs of consecutive clusters in `chain` from index `from` covering byte range [pos, end). */
  private *spans(chain: readonly number[], pos: number, end: number): Generator<{ lba: number; offset: number; length: number; at: number }> {
    const cb = this.g.clusterBytes;
    let i = Math.floor(pos / cb);
    let at = pos;
    while (at < end) {
      let run = 1;
      const runEnd = () => (i + run) * cb;
      while (i + run < chain.length && chain[i + run] === chain[i] + run && runEnd() < end) run++;
      const stop = Math.min(end, runEnd());
      const offset = at - i * cb;
      yield { lba: clusterSector(this.g, chain[i]), offset, length: stop - at, at };
      at = stop;
      i += run;
    }
  }

  /** Reads bytes [pos, pos + into.length) of the data in `chain` into `into`. */
  async readData(chain: readonly number[], pos: number, into: Uint8Array): Promise<void> {
    const size = this.g.bytesPerSector;
    for (const s of this.spans(chain, pos, pos + into.length)) {
      const first = Math.floor(s.offset / size);
      const last = Math.floor((s.offset + s.length - 1) / size);
      const dst = into.subarray(s.at - pos, s.at - pos + s.length);
      if (s.offset % size === 0 && s.length % size === 0) {
        await this.dev.read(s.lba + first, last - first + 1, dst);
      } else {
        const bytes = await this.dev.read(s.lba + first, last - first + 1);
        dst.set(bytes.subarray(s.offset - first * size, s.offset - first * size + s.length));
      }
    }
  }

  /** Writes `data` at byte `pos` of the data in `chain` (which covers it). */
  async writeData(chain: readonly number[], pos: number, data: Uint8Array): Promise<void> {
    const size = this.g.bytesPerSector;
    for (const s of this.spans(chain, pos, pos + data.length)) {
      const src = data.subarray(s.at - pos, s.at - pos + s.length);
      let lba = s.lba + Math.floor(s.offset / size);
      let off = s.offset % size;
      let done = 0;
      if (off !== 0 || src.length < size) {
        // A partial first sector: read, patch, write.
        const n = Math.min(size - off, src.length);
        const sector = await this.dev.read(lba, 1);
        sector.set(src.subarray(0, n), off);
        await this.dev.write(lba, sector);
        done = n;
        lba++;
        off = 0;
      }
      const whole = Math.floor((src.length - done) / size);
      if (whole > 0) {
        await this.dev.write(lba, src.subarray(done, done + whole * size));
        done += whole * size;
        lba += whole;
      }
      if (done < src.length) {
        const sector = await this.dev.read(lba, 1);
        sector.set(src.subarray(done), 0);
        await this.dev.write(lba, sector);
      }
    }
  }

  /** Writes zeros to cluster `n` (a new directory's or a sparse gap's). */
  async zeroCluster(n: number): Promise<void> {
    await this.dev.write(clusterSector(this.g, n), new Uint8Array(this.g.clusterBytes));
  }

  /** FAT to disk, then the device's cache. */
  async sync(): Promise<void> {
    await this.fat.flush();
    await this.dev.flush();
  }
}
