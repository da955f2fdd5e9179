/**
 * A TCP connection (stacks/net/tcp/connection.ts) as promises: read() waits for bytes, write()
 * waits for send-buffer room (the TCP window is the backpressure), and fail() ends every wait
 * with an error (a timeout, an abort). What is not read stays in TCP's receive buffer, so a
 * slow reader closes the peer's window rather than growing memory.
 */
import type { TcpCloseReason, TcpConnection } from "../net/tcp/connection.ts";
import { ConnectionClosedError } from "./errors.ts";

type Waiter = { resolve: () => void; reject: (e: unknown) => void };

/** What a stream needs of a connection: a TcpConnection, or one with its interface (stacks/tls/connection.ts). */
export type StreamConnection = Pick<TcpConnection, "events" | "state" | "readable" | "writable" | "read" | "write" | "close" | "abort">;

export class TcpStream {
  private readWaiter: Waiter | null = null;
  private writeWaiter: Waiter | null = null;
  private connectWaiter: Waiter | null = null;
  private eof = false;
  private closedBy: TcpCloseReason | null = null;
  private failure: unknown = null;
  /** Called once when the connection is over (CLOSED or TIME_WAIT as TCP reports it). */
  onClose: ((reason: TcpCloseReason) => void) | null = null;
  /** Called when the peer closes its direction (its FIN), e.g. while fetch's pool holds the connection idle. */
  onEnd: (() => void) | null = null;

  constructor(readonly conn: StreamConnection) {
    conn.events = {
      onConnect: () => this.wake("connect"),
      onReadable: () => this.wake("read"),
      onWritable: () => this.wake("write"),
      onEnd: () => {
        this.eof = true;
        this.wake("read");
        this.onEnd?.();
      },
      onClose: (reason) => {
        this.closedBy = reason;
        this.wakeAll();
        this.onClose?.(reason);
      },
    };
  }

  get closed(): boolean {
    return this.closedBy !== null;
  }

  /** The peer closed its direction (FIN), or the connection is over, or failed: nothing more will come. */
  get ended(): boolean {
    return this.eof || this.closedBy !== null || this.failure !== null;
  }

  /** Resolves once an active open completes; rejects if it is refused, times out or fail() is called. */
  connected(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const check = () => {
        if (this.failure !== null) reject(this.failure);
        else if (this.closedBy !== null) reject(new ConnectionClosedError(`connection ${this.closedBy}`));
        else if (this.conn.state !== "SYN_SENT" && this.conn.state !== "SYN_RECEIVED") resolve();
        else this.connectWaiter = { resolve: check, reject };
      };
      check();
    });
  }

  /** Received bytes, or null once the peer has closed its direction and all were read. */
  async read(): Promise<Uint8Array | null> {
    for (;;) {
      if (this.failure !== null) throw this.failure;
      if (this.conn.readable > 0) return this.conn.read();
      if (this.eof) return null;
      if (this.closedBy !== null) {
        if (this.closedBy === "closed") return null;
        throw new ConnectionClosedError(`connection ${this.closedBy}`);
      }
      await new Promise<void>((resolve, reject) => (this.readWaiter = { resolve, reject }));
    }
  }

  /** Queues all of `data`, waiting for room as needed. */
  async write(data: Uint8Array): Promise<void> {
    let offset = 0;
    while (offset < data.length) {
      if (this.failure !== null) throw this.failure;
      if (this.closedBy !== null) throw new ConnectionClosedError(`connection ${this.closedBy} while writing`);
      let n: number;
      try {
        n = this.conn.write(offset === 0 ? data : data.subarray(offset));
      } catch (e) {
        throw new ConnectionClosedError(e instanceof Error ? e.message : String(e));
      }
      offset += n;
      if (offset < data.length) await new Promise<void>((resolve, reject) => (this.writeWaiter = { resolve, reject }));
    }
  }

  /** Ends every wait, now and later, with `error`. */
  fail(error: unknown): void {
    if (this.failure !== null) return;
    this.failure = error;
    const waiters = [this.readWaiter, this.writeWaiter, this.connectWaiter];
    this.readWaiter = this.writeWaiter = this.connectWaiter = null;
    for (const w of waiters) w?.reject(error);
  }

  /** Orderly close: a FIN after what was written (RFC 9293 3.10.4). */
  close(): void {
    this.conn.close();
  }

  abort(): void {
    this.conn.abort();
  }

  private wake(which: "read" | "write" | "connect"): void {
    const w = which === "read" ? this.readWaiter : which === "write" ? this.writeWaiter : this.connectWaiter;
    if (which === "read") this.readWaiter = null;
    else if (which === "write") this.writeWaiter = null;
    else this.connectWaiter = null;
    w?.resolve();
  }

  private wakeAll(): void {
    this.wake("read");
    this.wake("write");
    this.wake("connect");
  }
}
