/**
 * Errors of the FAT stack and the files API: Error objects with Node's `code` (as fs/promises
 * raises them: `err.code === "ENOENT"`), `syscall` and `path`, and Node's message shape
 * ("ENOENT: no such file or directory, open '/a.txt'").
 */
export type FsErrorCode =
  | "ENOENT" | "ENOSPC" | "EEXIST" | "ENOTDIR" | "EISDIR" | "ENOTEMPTY" | "EROFS" | "EIO" | "EBADF" | "EINVAL"
  | "ENAMETOOLONG" | "ETIMEDOUT" | "ENOMEDIUM" | "EFBIG" | "EBUSY";

const TEXT: Record<FsErrorCode, string> = {
  ENOENT: "no such file or directory",
  ENOSPC: "no space left on device",
  EEXIST: "file already exists",
  ENOTDIR: "not a directory",
  EISDIR: "illegal operation on a directory",
  ENOTEMPTY: "directory not empty",
  EROFS: "read-only file system",
  EIO: "i/o error",
  EBADF: "bad file descriptor",
  EINVAL: "invalid argument",
  ENAMETOOLONG: "name too long",
  ETIMEDOUT: "operation timed out",
  ENOMEDIUM: "no medium found",
  EFBIG: "file too large",
  EBUSY: "resource busy or locked",
};

export class FsError extends Error {
  readonly errno?: number;
  constructor(readonly code: FsErrorCode, readonly syscall: string, readonly path?: string, detail?: string) {
    super(`${code}: ${TEXT[code]}, ${syscall}${path !== undefined ? ` '${path}'` : ""}${detail ? ` (${detail})` : ""}`);
    this.name = "Error";
  }
}

/** A corrupt on-disk structure: EIO naming what is wrong and where. */
export function corrupt(what: string): FsError {
  return new FsError("EIO", "mount", undefined, `corrupt FAT volume: ${what}`);
}

/** A block device's error (drivers/block: BlockDeviceError, code EIO/ETIMEDOUT/...) as an FsError, others unchanged. */
export function fromDevice(e: unknown, syscall: string, path?: string): unknown {
  if (e instanceof FsError) return e;
  const code = (e as { code?: unknown } | null)?.code;
  if (code === "EIO" || code === "ETIMEDOUT" || code === "ENOMEDIUM" || code === "EROFS" || code === "EINVAL") {
    return new FsError(code, syscall, path, e instanceof Error ? e.message : String(e));
  }
  return e;
}
