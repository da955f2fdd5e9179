/**
 * fetch()'s idle connections, kept per origin (the resolved address and port) for the next
 * request to the same server (RFC 9112 9.3: HTTP/1.1 connections are persistent unless either
 * side says `Connection: close`). Bounded: at most `maxIdlePerOrigin` idle connections per origin
 * and `maxIdle` in all (the oldest idle one is closed to make room), each closed after
 * `idleTimeoutMs` unused. A connection whose server closed its side (its FIN, a reset) while idle
 * is closed and forgotten at once; one that received bytes while idle is never handed out (they
 * would be taken for the next response). The newest idle connection is handed out first: the
 * one the server is least likely to have given up on.
 *
 * Why these defaults: a device fetches mostly one request at a time from one or two servers, so
 * two idle connections per origin cover a request and an overlapping one, and four in all keep
 * the TCP layer's 32 connections (of which serve() may take 24) for what else runs; each idle one
 * holds a TCP control block and its buffers. 4 s is below the keep-alive of common servers (Node's
 * http and this project's serve() 5 s, Apache httpd 5 s, nginx 75 s), so the client, not the
 * server, closes an unused connection, and a request rarely races the server's close.
 */
import { Timer, type TimerScheduler } from "../net/time.ts";
import type { ClientConnection } from "./client-connection.ts";

/** The pool's bounds, as createFetch's options take them. */
export interface FetchPoolLimits {
  /** Idle connections kept per origin (default 2; 0: none kept, every request says Connection: close). */
  readonly maxIdlePerOrigin?: number;
  /** Idle connections kept in all (default 4; 0: none). */
  readonly maxIdle?: number;
  /** An idle connection is closed after this long unused (default 4000 ms). */
  readonly idleTimeoutMs?: number;
}

export const DEFAULT_MAX_IDLE_PER_ORIGIN = 2;
export const DEFAULT_MAX_IDLE = 4;
export const DEFAULT_IDLE_TIMEOUT_MS = 4000;

/** What the pool did, for tests and a firmware's own diagnostics. */
export interface FetchPoolStats {
  /** Connections opened for requests. */
  opened: number;
  /** Requests sent on a connection taken from the pool. */
  reused: number;
  /** Requests sent again on a new connection after a reused one failed before any response byte. */
  retried: number;
  /** Idle connections closed: timed out, evicted for room, closed by the server, or by close(). */
  discarded: number;
}

interface Idle {
  readonly origin: string;
  readonly client: ClientConnection;
  readonly timer: Timer;
}

/** Checks the limits: counts are integers from 0, the timeout a positive integer. */
export function checkPoolLimits(limits: FetchPoolLimits): void {
  for (const name of ["maxIdlePerOrigin", "maxIdle"] as const) {
    const v = limits[name];
    if (v !== undefined && (!Number.isInteger(v) || v < 0)) throw new RangeError(`fetch ${name} must be an integer from 0, not ${v}`);
  }
  const t = limits.idleTimeoutMs;
  if (t !== undefined && (!Number.isInteger(t) || t <= 0)) throw new RangeError(`fetch idleTimeoutMs must be a positive integer, not ${t}`);
}

export class ConnectionPool {
  readonly stats: FetchPoolStats = { opened: 0, reused: 0, retried: 0, discarded: 0 };
  private readonly perOrigin: number;
  private readonly total: number;
  private readonly idleMs: number;
  /** Idle connections, oldest first. */
  private readonly idle: Idle[] = [];
  private closed = false;

  constructor(
    private readonly timers: TimerScheduler,
    limits: FetchPoolLimits,
  ) {
    checkPoolLimits(limits);
    this.perOrigin = limits.maxIdlePerOrigin ?? DEFAULT_MAX_IDLE_PER_ORIGIN;
    this.total = limits.maxIdle ?? DEFAULT_MAX_IDLE;
    this.idleMs = limits.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  }

  /** Whether connections are kept at all: limits above 0 and close() not called. Requests say Connection: close otherwise. */
  get keeping(): boolean {
    return !this.closed && this.perOrigin > 0 && this.total > 0;
  }

  /** Idle connections now. */
  get size(): number {
    return this.idle.length;
  }

  /** The newest idle connection to `origin` that can take a request, out of the pool; null when there is none. */
  take(origin: string): ClientConnection | null {
    for (let i = this.idle.length - 1; i >= 0; i--) {
      const entry = this.idle[i];
      if (entry.origin !== origin) continue;
      this.forget(entry);
      if (entry.client.reusable) {
        this.stats.reused++;
        return entry.client;
      }
      this.discard(entry);
    }
    return null;
  }

  /**
   * A connection whose response is over: kept idle when it can take another request and the
   * pool keeps connections, else closed (a FIN: the exchange ended cleanly).
   */
  release(origin: string, client: ClientConnection): void {
    if (!this.keeping || !client.reusable) {
      client.stream.close();
      return;
    }
    // Room: the origin's oldest idle connection first, then the oldest of all.
    let count = 0;
    for (const e of this.idle) if (e.origin === origin) count++;
    if (count >= this.perOrigin) this.drop(this.idle.find((e) => e.origin === origin)!);
    if (this.idle.length >= this.total) this.drop(this.idle[0]);
    const entry: Idle = { origin, client, timer: new Timer(this.timers, () => this.drop(entry)) };
    const stream = client.stream;
    // The server closing its side (or the connection ending) while idle: closed and forgotten now.
    stream.onEnd = () => this.drop(entry);
    stream.onClose = () => this.drop(entry);
    entry.timer.start(this.idleMs);
    this.idle.push(entry);
  }

  /** Closes every idle connection to `origin` (after one of them failed: the others are likely dead too). */
  dropOrigin(origin: string): void {
    for (const e of this.idle.filter((x) => x.origin === origin)) this.drop(e);
  }

  /** Closes every idle connection and keeps none from now on; requests still work, each on its own connection. */
  close(): void {
    this.closed = true;
    for (const e of this.idle.slice()) this.drop(e);
  }

  /** Out of the pool and closed. */
  private drop(entry: Idle): void {
    if (!this.idle.includes(entry)) return;
    this.forget(entry);
    this.discard(entry);
  }

  /** Out of the pool: its timer and hooks gone. */
  private forget(entry: Idle): void {
    const i = this.idle.indexOf(entry);
    if (i >= 0) this.idle.splice(i, 1);
    entry.timer.stop();
    entry.client.stream.onEnd = null;
    entry.client.stream.onClose = null;
  }

  private discard(entry: Idle): void {
    this.stats.discarded++;
    const stream = entry.client.stream;
    // Orderly: a FIN, and TCP finishes the close (the server's FIN may have come already).
    if (!stream.closed) stream.close();
  }
}
