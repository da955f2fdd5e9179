/**
 * The files API over a FAT volume, after Node's fs/promises: readFile, writeFile, appendFile,
 * readdir, stat, mkdir, rm, rmdir, rename and open() returning a FileHandle (read, write,
 * stat, truncate, sync, close). Errors are FsError objects with Node's `code`.
 *
 * Operations run one at a time (a queue): each sees the directories as the last one left
 * them, and directories are shared in memory, so no stale copy can overwrite a newer entry.
 * Every operation that changes the volume ends with the FAT written and the device flushed,
 * in the order data, FAT, directory entry: a reset in between leaves at worst lost clusters
 * (which fsck reclaims), never an entry pointing at free clusters.
 */
import type { BlockStore } from "./block-store.ts";
import { ATTR, Directory, dosTime, dosToMs, isDir, newDirectoryCluster, type Entry } from "./directory.ts";
import { FsError, fromDevice } from "./errors.ts";
import { checkName } from "./names.ts";
import { FatVolume } from "./volume.ts";

/** What writeFile and appendFile take: a string is written as UTF-8. */
export type FileData = string | Uint8Array;
/** open()'s flags, as Node's fs: r read, w truncate or create, a append, x fail if it exists, + also the other direction. */
export type OpenFlags = "r" | "r+" | "w" | "w+" | "wx" | "wx+" | "a" | "a+" | "ax" | "ax+";

/** What stat() tells of a file or directory, after Node's fs.Stats. */
export interface Stats {
  readonly size: number;
  readonly mtimeMs: number;
  readonly mtime: Date;
  /** FAT's read-only attribute (DIR_Attr 0x01). */
  readonly readOnly: boolean;
  isFile(): boolean;
  isDirectory(): boolean;
}

/** One entry of readdir(path, { withFileTypes: true }), after Node's fs.Dirent. */
export interface Dirent {
  readonly name: string;
  isFile(): boolean;
  isDirectory(): boolean;
}

/** What a handle's read() gives: how many bytes were read, into which buffer. */
export interface ReadResult {
  readonly bytesRead: number;
  readonly buffer: Uint8Array;
}

/** What a handle's write() gives: how many bytes were written. */
export interface WriteResult {
  readonly bytesWritten: number;
}

/** FAT's largest file: a 32-bit size (fatgen103 6.2). */
const MAX_FILE = 0xffff_ffff;
/** Bytes of zeros written at once when a write past the end fills the gap. */
const ZERO_CHUNK = 64 * 1024;

function stats(size: number, ms: number, dir: boolean, readOnly: boolean): Stats {
  return { size, mtimeMs: ms, mtime: new Date(ms), readOnly, isFile: () => !dir, isDirectory: () => dir };
}

const encode = (data: FileData) => (typeof data === "string" ? new TextEncoder().encode(data) : data);

interface Located {
  readonly parent: Directory;
  readonly name: string;
  readonly entry?: Entry;
}

export class Files {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly dirs = new Map<number, Directory>();
  /** Open handles by "<directory cluster>:<slot>". */
  readonly openHandles = new Map<string, number>();
  /** Handles whose size or chain changed since their directory entry was last written. */
  readonly dirtyHandles = new Set<FileHandle>();

  private constructor(readonly volume: FatVolume) {
    // The FAT is one table: any operation's flush also writes the clusters an open handle
    // allocated without sync. Their directory entries follow at once, so that a reset leaves
    // no lost clusters (a chain no entry points to), only the handle's unsynced tail.
    volume.fat.onFlushed = async () => {
      for (const h of [...this.dirtyHandles]) await h.commitEntry();
    };
  }

  /** Mounts the FAT volume on `dev` (an MBR's first FAT partition or a bare volume). */
  static async mount(dev: BlockStore): Promise<Files> {
    try {
      return new Files(await FatVolume.mount(dev));
    } catch (e) {
      throw fromDevice(e, "mount");
    }
  }

  /** Runs `fn` after every operation before it; device errors become FsErrors. */
  run<T>(syscall: string, path: string | undefined, fn: () => Promise<T>): Promise<T> {
    const p = this.queue.then(async () => {
      try {
        return await fn();
      } catch (e) {
        throw fromDevice(e, syscall, path);
      }
    });
    this.queue = p.catch(() => undefined);
    return p;
  }

  private writable(syscall: string, path: string): void {
    if (this.volume.readOnly) throw new FsError("EROFS", syscall, path);
  }

  async dir(cluster: number): Promise<Directory> {
    const key = cluster === this.volume.rootCluster ? this.volume.rootCluster : cluster;
    const hit = this.dirs.get(key);
    if (hit) return hit;
    const d = await Directory.load(this.volume, cluster);
    this.dirs.set(key, d);
    return d;
  }

  private parts(path: string, syscall: string): string[] {
    if (typeof path !== "string") throw new FsError("EINVAL", syscall, String(path), "the path must be a string");
    const out: string[] = [];
    for (const p of path.split("/")) {
      if (p === "" || p === ".") continue;
      if (p === "..") out.pop();
      else out.push(p);
    }
    return out;
  }

  /** The parent directory of `path`'s last part, and its entry if it exists. */
  private async locate(path: string, syscall: string): Promise<Located> {
    const parts = this.parts(path, syscall);
    let dir = await this.dir(this.volume.rootCluster);
    if (parts.length === 0) return { parent: dir, name: "" };
    for (let i = 0; i < parts.length - 1; i++) {
      const e = dir.find(parts[i]);
      if (!e) throw new FsError("ENOENT", syscall, path);
      if (!isDir(e)) throw new FsError("ENOTDIR", syscall, path);
      dir = await this.dir(e.cluster);
    }
    const name = parts[parts.length - 1];
    return { parent: dir, name, entry: dir.find(name) };
  }

  /** The directory at `path` (the root for "/"). */
  private async dirAt(path: string, syscall: string): Promise<Directory> {
    const at = await this.locate(path, syscall);
    if (at.name === "") return at.parent;
    if (!at.entry) throw new FsError("ENOENT", syscall, path);
    if (!isDir(at.entry)) throw new FsError("ENOTDIR", syscall, path);
    return this.dir(at.entry.cluster);
  }

  private stamp(): { time: number; date: number } {
    return dosTime(Date.now());
  }

  /** The `.."` cluster value for children of `dir` (0 for the root, fatgen103 6.6). */
  private parentRef(dir: Directory): number {
    return dir.cluster === this.volume.rootCluster ? 0 : dir.cluster;
  }

  handleKey(parent: Directory, e: Entry): string {
    return `${parent.cluster}:${e.slot}`;
  }

  async readFile(path: string): Promise<Uint8Array>;
  async readFile(path: string, options: "utf8" | { encoding: "utf8" }): Promise<string>;
  async readFile(path: string, options?: "utf8" | { encoding?: "utf8" }): Promise<Uint8Array | string> {
    const h = await this.open(path, "r");
    try {
      const st = await h.stat();
      const buffer = new Uint8Array(st.size);
      await h.read(buffer, 0, st.size, 0);
      const encoding = typeof options === "string" ? options : options?.encoding;
      return encoding === "utf8" ? new TextDecoder().decode(buffer) : buffer;
    } finally {
      await h.close();
    }
  }

  async writeFile(path: string, data: FileData): Promise<void> {
    const h = await this.open(path, "w");
    try {
      await h.write(encode(data));
    } finally {
      await h.close();
    }
  }

  async appendFile(path: string, data: FileData): Promise<void> {
    const h = await this.open(path, "a");
    try {
      await h.write(encode(data));
    } finally {
      await h.close();
    }
  }

  readdir(path: string): Promise<string[]>;
  readdir(path: string, options: { withFileTypes: true }): Promise<Dirent[]>;
  readdir(path: string, options?: { withFileTypes?: boolean }): Promise<string[] | Dirent[]> {
    return this.run("scandir", path, async () => {
      const entries = (await this.dirAt(path, "scandir")).entries();
      if (!options?.withFileTypes) return entries.map((e) => e.name);
      return entries.map((e): Dirent => ({ name: e.name, isFile: () => !isDir(e), isDirectory: () => isDir(e) }));
    });
  }

  stat(path: string): Promise<Stats> {
    return this.run("stat", path, async () => {
      const at = await this.locate(path, "stat");
      if (at.name === "") return stats(0, 0, true, false);
      if (!at.entry) throw new FsError("ENOENT", "stat", path);
      const e = at.entry;
      return stats(isDir(e) ? 0 : e.size, dosToMs(e.time, e.date), isDir(e), (e.attr & ATTR.READ_ONLY) !== 0);
    });
  }

  /** Creates a directory; with `recursive`, its missing parents too, and an existing directory is no error. Returns the first directory created when recursive. */
  mkdir(path: string, options?: { recursive?: boolean }): Promise<string | undefined> {
    return this.run("mkdir", path, async () => {
      this.writable("mkdir", path);
      const parts = this.parts(path, "mkdir");
      if (parts.length === 0) {
        if (options?.recursive) return undefined;
        throw new FsError("EEXIST", "mkdir", path);
      }
      let dir = await this.dir(this.volume.rootCluster);
      let first: string | undefined;
      for (let i = 0; i < parts.length; i++) {
        const last = i === parts.length - 1;
        const e = dir.find(parts[i]);
        if (e) {
          if (!isDir(e)) throw new FsError(last ? "EEXIST" : "ENOTDIR", "mkdir", path);
          if (last && !options?.recursive) throw new FsError("EEXIST", "mkdir", path);
          dir = await this.dir(e.cluster);
          continue;
        }
        if (!last && !options?.recursive) throw new FsError("ENOENT", "mkdir", path);
        dir = await this.makeDir(dir, checkName(parts[i], "mkdir", path), path);
        first ??= "/" + parts.slice(0, i + 1).join("/");
      }
      await this.volume.sync();
      return options?.recursive ? first : undefined;
    });
  }

  private async makeDir(parent: Directory, name: string, path: string): Promise<Directory> {
    await this.volume.changing();
    const stamp = this.stamp();
    const [cluster] = await this.volume.fat.allocate(1, 0, "mkdir", path);
    await this.volume.dev.write(this.clusterLba(cluster), newDirectoryCluster(this.volume.g, cluster, this.parentRef(parent), stamp));
    await this.volume.fat.flush();
    try {
      await parent.add(name, ATTR.DIRECTORY, cluster, 0, stamp, "mkdir", path);
    } catch (e) {
      await this.volume.fat.release([cluster], 0);
      await this.volume.fat.flush();
      throw e;
    }
    return this.dir(cluster);
  }

  private clusterLba(n: number): number {
    const g = this.volume.g;
    return g.dataStart + (n - 2) * g.sectorsPerCluster;
  }

  /** Removes a file, or with `recursive` a directory and everything in it; `force` ignores a missing path. */
  rm(path: string, options?: { recursive?: boolean; force?: boolean }): Promise<void> {
    return this.run("rm", path, async () => {
      this.writable("rm", path);
      const at = await this.locate(path, "rm").catch((e: unknown) => {
        if (options?.force && e instanceof FsError && e.code === "ENOENT") return undefined;
        throw e;
      });
      if (!at) return;
      if (at.name === "") throw new FsError("EINVAL", "rm", path, "the root directory cannot be removed");
      if (!at.entry) {
        if (options?.force) return;
        throw new FsError("ENOENT", "rm", path);
      }
      if (isDir(at.entry) && !options?.recursive) throw new FsError("EISDIR", "rm", path, "use { recursive: true } or rmdir()");
      await this.volume.changing();
      await this.remove(at.parent, at.entry, path);
      await this.volume.sync();
    });
  }

  /** Removes an empty directory. */
  rmdir(path: string): Promise<void> {
    return this.run("rmdir", path, async () => {
      this.writable("rmdir", path);
      const at = await this.locate(path, "rmdir");
      if (at.name === "") throw new FsError("EINVAL", "rmdir", path, "the root directory cannot be removed");
      if (!at.entry) throw new FsError("ENOENT", "rmdir", path);
      if (!isDir(at.entry)) throw new FsError("ENOTDIR", "rmdir", path);
      if (!(await this.dir(at.entry.cluster)).isEmpty()) throw new FsError("ENOTEMPTY", "rmdir", path);
      await this.volume.changing();
      await this.remove(at.parent, at.entry, path);
      await this.volume.sync();
    });
  }

  private async remove(parent: Directory, e: Entry, path: string): Promise<void> {
    if (this.openHandles.has(this.handleKey(parent, e))) throw new FsError("EBUSY", "rm", path, "the file is open");
    if (isDir(e)) {
      const d = await this.dir(e.cluster);
      for (const child of d.entries()) await this.remove(d, child, `${path}/${child.name}`);
      this.dirs.delete(e.cluster);
    }
    const chain = await this.volume.fat.chain(e.cluster);
    await parent.remove(e);
    await this.volume.fat.release(chain, 0);
  }

  /** Renames or moves a file or directory; an existing file at `to` is replaced, as is an empty directory by a directory. */
  rename(from: string, to: string): Promise<void> {
    return this.run("rename", from, async () => {
      this.writable("rename", from);
      const src = await this.locate(from, "rename");
      if (src.name === "" || !src.entry) throw new FsError(src.name === "" ? "EINVAL" : "ENOENT", "rename", from);
      const e = src.entry;
      if (this.openHandles.has(this.handleKey(src.parent, e))) throw new FsError("EBUSY", "rename", from, "the file is open");
      const dst = await this.locate(to, "rename");
      if (dst.name === "") throw new FsError("EINVAL", "rename", to);
      const name = checkName(dst.name, "rename", to);
      if (isDir(e)) {
        const a = this.parts(from, "rename"), b = this.parts(to, "rename");
        if (b.length > a.length && a.every((p, i) => p.toUpperCase() === b[i].toUpperCase())) throw new FsError("EINVAL", "rename", from, "a directory cannot move into itself");
      }
      await this.volume.changing();
      const same = dst.entry && dst.parent === src.parent && dst.entry.slot === e.slot;
      if (dst.entry && !same) {
        const t = dst.entry;
        if (isDir(e) && !isDir(t)) throw new FsError("ENOTDIR", "rename", to);
        if (!isDir(e) && isDir(t)) throw new FsError("EISDIR", "rename", to);
        if (isDir(t) && !(await this.dir(t.cluster)).isEmpty()) throw new FsError("ENOTEMPTY", "rename", to);
        await this.remove(dst.parent, t, to);
      }
      if (same) await src.parent.remove(e);
      await dst.parent.add(name, e.attr, e.cluster, e.size, { time: e.time, date: e.date }, "rename", to);
      if (!same) await src.parent.remove(e);
      if (isDir(e) && dst.parent !== src.parent) await (await this.dir(e.cluster)).setParent(this.parentRef(dst.parent));
      await this.volume.sync();
    });
  }

  /** Opens a file (flags as Node's: "r", "r+", "w", "w+", "wx", "a", "a+", "ax"). */
  open(path: string, flags: OpenFlags = "r"): Promise<FileHandle> {
    return this.run("open", path, async () => {
      const write = flags !== "r";
      const create = flags[0] === "w" || flags[0] === "a";
      const exclusive = flags.includes("x");
      if (write) this.writable("open", path);
      const at = await this.locate(path, "open");
      if (at.name === "") throw new FsError("EISDIR", "open", path);
      let e = at.entry;
      if (e && exclusive) throw new FsError("EEXIST", "open", path);
      if (e && isDir(e)) throw new FsError("EISDIR", "open", path);
      if (e && write && e.attr & ATTR.READ_ONLY) throw new FsError("EROFS", "open", path, "the file has the read-only attribute");
      if (!e) {
        if (!create) throw new FsError("ENOENT", "open", path);
        await this.volume.changing();
        e = await at.parent.add(checkName(at.name, "open", path), ATTR.ARCHIVE, 0, 0, this.stamp(), "open", path);
        await this.volume.dev.flush();
      }
      const key = this.handleKey(at.parent, e);
      if (write && this.openHandles.has(key)) throw new FsError("EBUSY", "open", path, "the file is already open");
      const chain = await this.volume.fat.chain(e.cluster);
      const expected = Math.ceil(e.size / this.volume.g.clusterBytes);
      if (chain.length < expected) throw new FsError("EIO", "open", path, `corrupt FAT volume: "${at.name}" has ${e.size} bytes but a chain of ${chain.length} clusters`);
      const h = new FileHandle(this, at.parent, e, chain, path, flags);
      if (flags[0] === "w" && (e.size > 0 || chain.length > 0)) await h.truncateLocked(0);
      this.openHandles.set(key, (this.openHandles.get(key) ?? 0) + 1);
      return h;
    });
  }
}

/** An open file, as fs/promises' FileHandle. */
export class FileHandle {
  private closed = false;
  private dirty = false;
  private pos: number;

  constructor(
    private readonly files: Files,
    private readonly parent: Directory,
    private readonly entry: Entry,
    private readonly chain: number[],
    readonly path: string,
    private readonly flags: OpenFlags,
  ) {
    this.pos = 0;
  }

  private check(syscall: string, write: boolean): void {
    if (this.closed) throw new FsError("EBADF", syscall, this.path, "the handle is closed");
    if (write && this.flags === "r") throw new FsError("EBADF", syscall, this.path, "the file is open read-only");
    if (!write && (this.flags === "w" || this.flags === "wx" || this.flags === "a" || this.flags === "ax")) throw new FsError("EBADF", syscall, this.path, "the file is open write-only");
  }

  /** Reads up to `length` bytes at `position` (or the current position, which then advances) into `buffer` at `offset`. */
  read(buffer: Uint8Array = new Uint8Array(16384), offset = 0, length = buffer.length - offset, position: number | null = null): Promise<ReadResult> {
    return this.files.run("read", this.path, async () => {
      this.check("read", false);
      if (offset < 0 || length < 0 || offset + length > buffer.length) throw new FsError("EINVAL", "read", this.path, "offset and length outside the buffer");
      const at = position ?? this.pos;
      const n = Math.max(0, Math.min(length, this.entry.size - at));
      if (n > 0) await this.files.volume.readData(this.chain, at, buffer.subarray(offset, offset + n));
      if (position === null) this.pos = at + n;
      return { bytesRead: n, buffer };
    });
  }

  /** Writes `data` at `position` (or the current position, or the end in append mode). */
  write(data: FileData, position: number | null = null): Promise<WriteResult> {
    return this.files.run("write", this.path, async () => {
      this.check("write", true);
      const bytes = encode(data);
      const at = this.flags[0] === "a" ? this.entry.size : position ?? this.pos;
      await this.writeAt(at, bytes);
      if (position === null) this.pos = at + bytes.length;
      return { bytesWritten: bytes.length };
    });
  }

  private async writeAt(at: number, data: Uint8Array): Promise<void> {
    if (!Number.isInteger(at) || at < 0) throw new FsError("EINVAL", "write", this.path, `position ${at}`);
    const end = at + data.length;
    if (end > MAX_FILE) throw new FsError("EFBIG", "write", this.path, "FAT files end at 4 GiB - 1");
    const vol = this.files.volume;
    while (this.entry.size < at) await this.writeAt(this.entry.size, new Uint8Array(Math.min(ZERO_CHUNK, at - this.entry.size)));
    if (data.length === 0) return;
    await vol.changing();
    const need = Math.ceil(end / vol.g.clusterBytes) - this.chain.length;
    if (need > 0) {
      const last = this.chain.length ? this.chain[this.chain.length - 1] : 0;
      const added = await vol.fat.allocate(need, last, "write", this.path);
      if (last === 0) this.entry.cluster = added[0];
      this.chain.push(...added);
    }
    await vol.writeData(this.chain, at, data);
    if (end > this.entry.size) this.entry.size = end;
    this.markDirty();
  }

  private markDirty(): void {
    this.dirty = true;
    this.files.dirtyHandles.add(this);
  }

  /** Writes the directory entry (size, first cluster, time): after the FAT it relies on. */
  async commitEntry(): Promise<void> {
    const now = dosTime(Date.now());
    this.entry.time = now.time;
    this.entry.date = now.date;
    await this.parent.update(this.entry);
    this.dirty = false;
    this.files.dirtyHandles.delete(this);
  }

  stat(): Promise<Stats> {
    return this.files.run("fstat", this.path, async () => {
      if (this.closed) throw new FsError("EBADF", "fstat", this.path);
      return stats(this.entry.size, dosToMs(this.entry.time, this.entry.date), false, (this.entry.attr & ATTR.READ_ONLY) !== 0);
    });
  }

  truncate(length = 0): Promise<void> {
    return this.files.run("ftruncate", this.path, async () => {
      this.check("ftruncate", true);
      await this.truncateLocked(length);
      await this.syncLocked();
    });
  }

  /** Truncation inside a queued operation. */
  async truncateLocked(length: number): Promise<void> {
    const vol = this.files.volume;
    if (length > this.entry.size) return this.writeAt(length, new Uint8Array(0));
    await vol.changing();
    const keep = Math.ceil(length / vol.g.clusterBytes);
    const freed = this.chain.splice(keep);
    if (freed.length) {
      await vol.fat.release(freed, keep > 0 ? this.chain[keep - 1] : 0);
      if (keep === 0) this.entry.cluster = 0;
    }
    this.entry.size = length;
    this.markDirty();
    if (this.pos > length) this.pos = length;
    await this.syncLocked();
  }

  /** FAT, then the directory entry, then the device's cache (fs.fsync). */
  sync(): Promise<void> {
    return this.files.run("fsync", this.path, async () => {
      if (this.closed) throw new FsError("EBADF", "fsync", this.path);
      await this.syncLocked();
    });
  }

  private async syncLocked(): Promise<void> {
    const vol = this.files.volume;
    if (this.dirty) {
      // The flush commits this entry (onFlushed) when it wrote FAT sectors; a change that
      // touched no FAT sector (a write inside the clusters it had) is committed here.
      await vol.fat.flush();
      if (this.dirty) await this.commitEntry();
    }
    await vol.dev.flush();
  }

  /** Syncs and closes; later calls on the handle throw EBADF. */
  close(): Promise<void> {
    return this.files.run("close", this.path, async () => {
      if (this.closed) return;
      this.closed = true;
      const key = this.files.handleKey(this.parent, this.entry);
      const n = (this.files.openHandles.get(key) ?? 1) - 1;
      if (n > 0) this.files.openHandles.set(key, n);
      else this.files.openHandles.delete(key);
      await this.syncLocked();
    });
  }
}
