/** Limits and timers of the TCP layer, with their defaults and the RFC sections behind them. */
export interface TcpKeepAlive {
  /** Idle time before the first probe (RFC 1122 section 4.2.3.6: default no less than 2 hours). */
  readonly idleMs: number;
  /** Time between unanswered probes. */
  readonly intervalMs: number;
  /** Unanswered probes before the connection is dropped. */
  readonly probes: number;
}

export interface TcpOptions {
  /** Connections in any state but LISTEN, TIME_WAIT included (default 32). */
  readonly maxConnections: number;
  /** Connections in SYN_RECEIVED: a SYN beyond this is dropped and counted (default 8). */
  readonly maxHalfOpen: number;
  /** Send buffer per connection: bytes written and not yet acknowledged (default 16 KiB). */
  readonly sendBufferBytes: number;
  /** Receive buffer per connection, and so the largest window offered; at most 65535, as this stack does not scale windows (RFC 7323). Default 16 KiB. */
  readonly receiveBufferBytes: number;
  /** Out-of-order bytes held per connection (default 16 KiB). */
  readonly outOfOrderBytes: number;
  /** RFC 6298 (2.4): 1 s. */
  readonly minRtoMs: number;
  /** RFC 6298 (2.5): 60 s. */
  readonly maxRtoMs: number;
  /** Retransmissions of one segment before the connection is dropped (RFC 1122 4.2.3.5 R2; default 10). */
  readonly maxRetransmits: number;
  /** Retransmissions of a SYN or SYN-ACK before giving up (default 4). */
  readonly synRetransmits: number;
  /** Delay of an ACK for a lone segment (RFC 1122 4.2.3.2: under 0.5 s; default 200 ms). */
  readonly delayedAckMs: number;
  /** TIME_WAIT, 2 * MSL (RFC 9293 section 3.4.2 takes MSL = 2 min: 240 s); shorten it for tests or a busy server. */
  readonly timeWaitMs: number;
  /** How long FIN_WAIT_2 waits for the peer's FIN after close() (default 60 s), so that memory is not held forever. */
  readonly finWait2Ms: number;
  /** Keepalive for connections that ask for it (RFC 9293 section 3.8.4). */
  readonly keepAlive: TcpKeepAlive;
}

export const DEFAULT_TCP_OPTIONS: TcpOptions = {
  maxConnections: 32,
  maxHalfOpen: 8,
  sendBufferBytes: 16384,
  receiveBufferBytes: 16384,
  outOfOrderBytes: 16384,
  minRtoMs: 1000,
  maxRtoMs: 60_000,
  maxRetransmits: 10,
  synRetransmits: 4,
  delayedAckMs: 200,
  timeWaitMs: 240_000,
  finWait2Ms: 60_000,
  keepAlive: { idleMs: 7_200_000, intervalMs: 75_000, probes: 9 },
};

/** What a caller gives: any option, keepalive's field by field; the rest are the defaults. */
export type TcpOptionsInput = Partial<Omit<TcpOptions, "keepAlive">> & { readonly keepAlive?: Partial<TcpKeepAlive> };

/** Fills in defaults and rejects values that make no sense, with a clear message. */
export function tcpOptions(partial: TcpOptionsInput = {}): TcpOptions {
  const o: TcpOptions = { ...DEFAULT_TCP_OPTIONS, ...partial, keepAlive: { ...DEFAULT_TCP_OPTIONS.keepAlive, ...partial.keepAlive } };
  // Every limit and timer is a count or a duration: a positive integer. The names are the
  // defaults' (in their order), so that an option added there is checked too.
  const positive: [string, number][] = [];
  for (const name of Object.keys(DEFAULT_TCP_OPTIONS) as (keyof TcpOptions)[]) {
    if (name !== "keepAlive") positive.push([name, o[name]]);
  }
  for (const name of Object.keys(DEFAULT_TCP_OPTIONS.keepAlive) as (keyof TcpKeepAlive)[]) {
    positive.push([`keepAlive.${name}`, o.keepAlive[name]]);
  }
  for (const [name, value] of positive) {
    if (!Number.isInteger(value) || value <= 0) throw new RangeError(`TCP option ${name} must be a positive integer, not ${value}`);
  }
  if (o.receiveBufferBytes > 65535) throw new RangeError(`TCP option receiveBufferBytes must be at most 65535 (no window scaling), not ${o.receiveBufferBytes}`);
  if (o.minRtoMs > o.maxRtoMs) throw new RangeError(`TCP option minRtoMs (${o.minRtoMs}) exceeds maxRtoMs (${o.maxRtoMs})`);
  return o;
}
