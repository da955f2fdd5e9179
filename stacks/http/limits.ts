/** The server's limits and timeouts, their defaults, and the check of what a caller gives. */
export interface ServerLimits {
  /** Request line and header section together, in bytes; beyond it, 431 (RFC 6585 section 5). Default 8 KiB. */
  readonly maxHeadBytes: number;
  /** Header fields per request; beyond it, 431. Default 100. */
  readonly maxFields: number;
  /** Request body bytes (the body is read in full before the handler runs); beyond it, 413. Default 1 MiB. */
  readonly maxBodyBytes: number;
  /** Connections served at once; one beyond gets a 503 and is closed. Default 24 (the TCP layer's cap is 32). */
  readonly maxConnections: number;
  /** A kept-alive connection with no request for this long is closed (RFC 9112 9.5). Default 5 s. */
  readonly idleTimeoutMs: number;
  /** From a request's first byte to the end of its head; then 408 and close. Default 10 s. */
  readonly headerTimeoutMs: number;
  /** From the end of the head to the end of the body; then 408 and close. Default 30 s. */
  readonly bodyTimeoutMs: number;
  /** A response write that makes no progress for this long (a client that does not read) aborts the connection. Default 30 s. */
  readonly writeTimeoutMs: number;
  /** After close, unread input is discarded for this long before the connection is aborted (RFC 9112 9.6). Default 5 s. */
  readonly lingerMs: number;
}

export const DEFAULT_SERVER_LIMITS: ServerLimits = {
  maxHeadBytes: 8192,
  maxFields: 100,
  maxBodyBytes: 1024 * 1024,
  maxConnections: 24,
  idleTimeoutMs: 5_000,
  headerTimeoutMs: 10_000,
  bodyTimeoutMs: 30_000,
  writeTimeoutMs: 30_000,
  lingerMs: 5_000,
};

/** Fills in defaults; every limit must be a positive integer (a RangeError names the one that is not). */
export function serverLimits(partial: Partial<ServerLimits> = {}): ServerLimits {
  const out = { ...DEFAULT_SERVER_LIMITS, ...partial };
  for (const name of Object.keys(DEFAULT_SERVER_LIMITS) as (keyof ServerLimits)[]) {
    const v = out[name];
    if (!Number.isInteger(v) || v <= 0) throw new RangeError(`HTTP server limit ${name} must be a positive integer, not ${v}`);
  }
  for (const name of Object.keys(partial)) {
    if (!(name in DEFAULT_SERVER_LIMITS)) throw new RangeError(`unknown HTTP server limit ${JSON.stringify(name)}`);
  }
  return out;
}
