/**
 * A session channel (RFC 4254 6) as the app sees it: bytes in (onData), bytes out (write, held
 * until the client's window allows and cut to its maximum packet size, 5.2), the terminal it
 * asked for (pty-req, window-change), and the end (exit-status, EOF, CLOSE: 6.10, 5.3).
 */
import { Msg } from "./messages.ts";
import { SshWriter, utf8Bytes } from "./wire.ts";

export interface Pty {
  readonly term: string;
  cols: number;
  rows: number;
}

/** What a shell or exec handler gets. */
export interface SshSession {
  /** The authenticated user name. */
  readonly user: string;
  /** The terminal of a pty-req, or null. */
  readonly pty: Pty | null;
  /** Output to the client (stdout); a string is sent as UTF-8. */
  write(data: string | Uint8Array): void;
  /** Output on the stderr stream (SSH_EXTENDED_DATA_STDERR). */
  writeError(data: string | Uint8Array): void;
  /** Sends exit-status, EOF and CLOSE once what was written has gone out. */
  exit(status: number): void;
  /** Input from the client. */
  onData: ((data: Uint8Array) => void) | null;
  /** The client sent EOF. */
  onEof: (() => void) | null;
  /** window-change (RFC 4254 6.7). */
  onResize: ((cols: number, rows: number) => void) | null;
  /** The channel is closed (by either side, or the connection ended). */
  onClose: (() => void) | null;
}

/** Output held per channel while the client's window is shut; more ends the channel (a client that reads nothing cannot grow our memory). */
export const MAX_PENDING_OUTPUT = 64 * 1024;

export class SessionChannel implements SshSession {
  pty: Pty | null = null;
  started = false;
  onData: ((data: Uint8Array) => void) | null = null;
  onEof: (() => void) | null = null;
  onResize: ((cols: number, rows: number) => void) | null = null;
  onClose: (() => void) | null = null;
  private pending: { ext: boolean; data: Uint8Array }[] = [];
  private pendingBytes = 0;
  private exitStatus: number | null = null;
  private sentClose = false;
  closed = false;

  constructor(
    readonly user: string,
    readonly local: number,
    readonly remote: number,
    private window: number,
    private readonly maxPacket: number,
    private readonly send: (payload: Uint8Array) => void,
  ) {}

  write(data: string | Uint8Array): void {
    this.queue(false, data);
  }

  writeError(data: string | Uint8Array): void {
    this.queue(true, data);
  }

  exit(status: number): void {
    if (this.exitStatus !== null || this.closed) return;
    this.exitStatus = status >>> 0;
    this.flush();
  }

  /** WINDOW_ADJUST from the client. */
  grow(bytes: number): void {
    // RFC 4254 5.2: the window may not pass 2^32 - 1.
    this.window = Math.min(0xffffffff, this.window + bytes);
    this.flush();
  }

  private queue(ext: boolean, data: string | Uint8Array): void {
    if (this.closed || this.exitStatus !== null) return;
    const bytes = typeof data === "string" ? utf8Bytes(data) : data.slice();
    if (bytes.length === 0) return;
    this.pendingBytes += bytes.length;
    if (this.pendingBytes > MAX_PENDING_OUTPUT) {
      this.pending = [];
      this.pendingBytes = 0;
      this.closeChannel();
      return;
    }
    this.pending.push({ ext, data: bytes });
    this.flush();
  }

  private flush(): void {
    while (this.pending.length > 0 && this.window > 0 && !this.sentClose) {
      const head = this.pending[0];
      const n = Math.min(head.data.length, this.window, this.maxPacket);
      const chunk = head.data.subarray(0, n);
      const w = new SshWriter().byte(head.ext ? Msg.CHANNEL_EXTENDED_DATA : Msg.CHANNEL_DATA).uint32(this.remote);
      if (head.ext) w.uint32(1); // SSH_EXTENDED_DATA_STDERR (RFC 4254 5.2)
      this.send(w.string(chunk).bytes());
      this.window -= n;
      this.pendingBytes -= n;
      if (n === head.data.length) this.pending.shift();
      else head.data = head.data.subarray(n);
    }
    if (this.pending.length === 0 && this.exitStatus !== null && !this.sentClose) {
      this.send(new SshWriter().byte(Msg.CHANNEL_REQUEST).uint32(this.remote).string("exit-status").boolean(false).uint32(this.exitStatus).bytes());
      this.send(new SshWriter().byte(Msg.CHANNEL_EOF).uint32(this.remote).bytes());
      this.closeChannel();
    }
  }

  /** Our CLOSE (once); the channel is gone when the client's CLOSE comes back. */
  closeChannel(): void {
    if (this.sentClose) return;
    this.sentClose = true;
    this.send(new SshWriter().byte(Msg.CHANNEL_CLOSE).uint32(this.remote).bytes());
  }

  get closeSent(): boolean {
    return this.sentClose;
  }

  /** The channel is gone (both CLOSEs, or the connection ended). */
  dispose(): void {
    if (this.closed) return;
    this.closed = true;
    this.pending = [];
    const cb = this.onClose;
    this.onClose = null;
    cb?.();
  }
}
