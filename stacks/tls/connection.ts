/**
 * A TLS server connection with the interface of a TcpConnection (stacks/net/tcp/connection.ts):
 * events, state, readable/writable, read(), write(), close(), abort(). The HTTP server
 * (stacks/http/server.ts, its `secure` option) serves it exactly as a plain TCP connection.
 * Application data is read from TCP only while less than READ_HIGH_WATER decrypted bytes wait,
 * so a slow reader closes the TCP window as it does without TLS.
 */
import type { TcpCloseReason, TcpConnection, TcpEvents, TcpState } from "../net/tcp/connection.ts";
import type { TlsAlert } from "./alert.ts";
import { MAX_PLAINTEXT, RECORD_OVERHEAD } from "./record.ts";
import { TlsServerSession, type TlsServerConfig } from "./server-session.ts";

/** What TlsConnection needs of (and offers as) a connection. */
export type ByteConnection = Pick<TcpConnection, "events" | "state" | "readable" | "writable" | "read" | "write" | "close" | "abort">;

/** What the handshake settled, for onHandshake. */
export interface TlsHandshakeInfo {
  /** The SNI host name the client asked for (RFC 6066 3), lower-cased, or null. */
  readonly serverName: string | null;
  /** The ALPN protocol chosen, or null when the client offered none. */
  readonly alpn: string | null;
  readonly cipherSuite: string;
  /** The CertificateVerify SignatureScheme (0x0807 ed25519, 0x0403 ecdsa_secp256r1_sha256). */
  readonly signatureScheme: number;
}

export interface TlsConnectionOptions extends TlsServerConfig {
  readonly onHandshake?: (info: TlsHandshakeInfo) => void;
  /** A handshake or record failure, with the alert that ended the connection (sent by us or by the client). */
  readonly onAlert?: (alert: TlsAlert, sent: boolean) => void;
}

const READ_HIGH_WATER = 2 * MAX_PLAINTEXT;

export class TlsConnection implements ByteConnection {
  events: TcpEvents = {};
  readonly session: TlsServerSession;
  private plain: Uint8Array[] = [];
  private plainBytes = 0;
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private ended = false;
  private closeWanted = false;
  private pumpScheduled = false;

  constructor(
    readonly tcp: ByteConnection,
    private readonly options: TlsConnectionOptions,
  ) {
    this.session = new TlsServerSession(options, {
      send: (bytes) => this.output(bytes),
      handshakeDone: () => {
        const s = this.session;
        options.onHandshake?.({ serverName: s.serverName, alpn: s.alpnProtocol, cipherSuite: s.cipherSuite?.name ?? "", signatureScheme: s.signatureScheme });
        const free = this.writable;
        if (free > 0) this.events.onWritable?.(free);
      },
      data: (bytes) => {
        this.plain.push(bytes);
        this.plainBytes += bytes.length;
        this.events.onReadable?.(this.plainBytes);
      },
      closeNotify: () => this.end(),
      fatal: (alert, sent) => {
        options.onAlert?.(alert, sent);
        this.closeWanted = true;
        this.flush();
        this.end();
      },
    });
    tcp.events = {
      onReadable: () => this.pump(),
      onWritable: () => {
        this.flush();
        const free = this.writable;
        if (free > 0) this.events.onWritable?.(free);
      },
      onEnd: () => {
        this.pump();
        this.session.transportEnded();
        this.end();
      },
      onClose: (reason: TcpCloseReason) => {
        this.end();
        this.events.onClose?.(reason);
      },
    };
    this.pump();
  }

  get state(): TcpState {
    return this.tcp.state;
  }

  get readable(): number {
    return this.plainBytes;
  }

  /** Plaintext bytes write() takes now: what fits in TCP's send buffer once framed in records. */
  get writable(): number {
    if (this.session.state !== "connected" || this.session.closeNotifySent || this.closeWanted) return 0;
    const free = this.tcp.writable - this.pendingBytes;
    if (free <= RECORD_OVERHEAD) return 0;
    const full = Math.floor(free / (MAX_PLAINTEXT + RECORD_OVERHEAD));
    const rest = free - full * (MAX_PLAINTEXT + RECORD_OVERHEAD);
    return full * MAX_PLAINTEXT + Math.max(0, rest - RECORD_OVERHEAD);
  }

  read(max = Infinity): Uint8Array {
    if (!(max >= 0)) throw new RangeError(`read() takes a byte count of 0 or more, not ${max}`);
    const n = Math.min(max, this.plainBytes);
    let out: Uint8Array;
    if (this.plain.length === 1 && this.plain[0].length === n) out = this.plain.pop() as Uint8Array;
    else {
      out = new Uint8Array(n);
      let o = 0;
      while (o < n) {
        const c = this.plain[0];
        const take = Math.min(c.length, n - o);
        out.set(c.subarray(0, take), o);
        o += take;
        if (take === c.length) this.plain.shift();
        else this.plain[0] = c.subarray(take);
      }
    }
    this.plainBytes -= n;
    // More is taken from TCP after this returns: pumping here would call onReadable inside
    // read(), and a reader that reads again in it would get later bytes before these.
    if (n > 0 && !this.pumpScheduled && this.tcp.readable > 0) {
      this.pumpScheduled = true;
      void Promise.resolve().then(() => {
        this.pumpScheduled = false;
        this.pump();
      });
    }
    return out;
  }

  /** Encrypts and queues up to `writable` bytes; returns how many were taken. Throws after close(). */
  write(data: Uint8Array): number {
    if (this.closeWanted || this.session.closeNotifySent || this.session.state === "closed") throw new Error("TLS connection cannot be written after close() or a fatal alert");
    const n = Math.min(data.length, this.writable);
    if (n > 0) this.session.write(n === data.length ? data : data.subarray(0, n));
    return n;
  }

  /** close_notify, then TCP's FIN once every record is in TCP's send buffer. */
  close(): void {
    if (this.closeWanted) return;
    this.closeWanted = true;
    this.session.close();
    this.flush();
  }

  abort(): void {
    this.closeWanted = true;
    this.tcp.abort();
  }

  private pump(): void {
    while (this.tcp.readable > 0) {
      if (this.session.state === "closed") {
        this.tcp.read();
        continue;
      }
      if (this.plainBytes >= READ_HIGH_WATER) return;
      this.session.receive(this.tcp.read(MAX_PLAINTEXT + RECORD_OVERHEAD));
    }
  }

  private output(bytes: Uint8Array): void {
    this.pending.push(bytes);
    this.pendingBytes += bytes.length;
    this.flush();
  }

  private flush(): void {
    while (this.pending.length > 0) {
      let n: number;
      try {
        n = this.tcp.write(this.pending[0]);
      } catch {
        // TCP is closed for writing: nothing queued can be delivered.
        this.pending = [];
        this.pendingBytes = 0;
        break;
      }
      this.pendingBytes -= n;
      if (n < this.pending[0].length) {
        this.pending[0] = this.pending[0].subarray(n);
        return;
      }
      this.pending.shift();
    }
    if (this.closeWanted) this.tcp.close();
  }

  private end(): void {
    if (this.ended) return;
    this.ended = true;
    this.events.onEnd?.();
  }
}
