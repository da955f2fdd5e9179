/**
 * A DNS stub resolver (RFC 1035 section 7, RFC 1123 section 6.1.3) for A records over the
 * stack's UDP: `resolve(name)` asks the configured servers in turn (a DHCP lease's, slirp's
 * 10.0.2.3), each query from a random port with a random ID (RFC 5452 section 9.2), and accepts
 * only an answer from a server it asked, to its port, with its ID and its question echoed
 * (RFC 5452 section 4.1). Answers are cached (dns/cache.ts); the same name asked twice while a
 * query runs shares that query.
 *
 * Not done: TCP fallback for truncated answers (TC is counted, `dns_truncated`, and the next
 * server asked), negative caching (RFC 2308), AAAA, search domains.
 */
import { formatIpv4, parseIpv4 } from "../address.ts";
import { abortReason, type AbortSignalLike } from "../abort.ts";
import type { Ipv4Address, NetStack } from "../stack.ts";
import { randomEphemeralPort } from "../ports.ts";
import { Timer } from "../time.ts";
import { Waiters } from "../waiters.ts";
import type { UdpMessage, UdpSocket } from "../udp.ts";
import { DnsCache } from "./cache.ts";
import { addressOf, buildQuery, CLASS_IN, DNS_PORT, normalizeName, RCODE_NXDOMAIN, readAnswers, readHeader, readQuestion, TYPE_A } from "./message.ts";

export type DnsErrorCode =
  /** The name does not exist (RCODE 3, authoritative: not retried elsewhere). */
  | "NXDOMAIN"
  /** The name exists but has no A record (nor a CNAME to one in the answer). */
  | "NODATA"
  /** No server answered in time. */
  | "TIMEOUT"
  /** Servers answered with an error (SERVFAIL, REFUSED, ...), truncated or malformed answers. */
  | "SERVFAIL"
  | "TRUNCATED"
  | "MALFORMED"
  /** No DNS server is known, or the stack has no address to ask from. */
  | "NO_SERVERS"
  | "UNCONFIGURED"
  /** The resolver was closed. */
  | "CLOSED";

export class DnsError extends Error {
  constructor(
    readonly code: DnsErrorCode,
    readonly hostname: string,
    message: string,
  ) {
    super(`${hostname}: ${message}`);
    this.name = "DnsError";
  }
}

export interface DnsResolverOptions {
  /** The servers, or a function giving them at each query (e.g. `() => dhcp.lease?.dns ?? []`). */
  readonly servers: readonly Ipv4Address[] | (() => readonly number[]);
  /** The servers' UDP port (default 53): another for one listening elsewhere, such as a test's DNS server on a host port behind QEMU's slirp. */
  readonly port?: number;
  /** Wait for an answer to the first query to each server (ms, default 2000); doubles each round. */
  readonly timeoutMs?: number;
  /** Rounds over the servers (default 2; RFC 1123 section 6.1.3.3 asks for retransmission). */
  readonly attempts?: number;
  /** Names cached at most (default 64). */
  readonly cacheSize?: number;
  /** TTLs clamped to this range (default 0 and 3600 s). */
  readonly minTtlSeconds?: number;
  readonly maxTtlSeconds?: number;
  /** Different names being looked up at once (default 16): more are refused, not queued. */
  readonly maxQueries?: number;
}

export interface ResolveOptions {
  readonly signal?: AbortSignalLike;
}

/** Servers asked at most, as resolv.conf's MAXNS. */
const MAX_SERVERS = 3;

interface Query {
  readonly name: string;
  readonly id: number;
  readonly socket: UdpSocket;
  readonly servers: readonly number[];
  /** Servers a query went to: only they may answer. */
  readonly asked: Set<number>;
  readonly timer: Timer;
  readonly waiters: Waiters<number>;
  /** Transmissions so far; the last went to servers[(sent - 1) % servers.length]. */
  sent: number;
  /** The most telling failure so far, reported if no server answers. */
  failure: DnsError | null;
}

export class DnsResolver {
  private readonly cache: DnsCache;
  private readonly queries = new Map<string, Query>();
  private readonly timeoutMs: number;
  private readonly attempts: number;
  private readonly maxQueries: number;
  private readonly servers: () => readonly number[];
  private readonly port: number;
  private closed = false;

  constructor(
    private readonly stack: NetStack,
    options: DnsResolverOptions,
  ) {
    const positive = (value: number | undefined, fallback: number, what: string, min: number, max: number): number => {
      const v = value ?? fallback;
      if (!Number.isInteger(v) || v < min || v > max) throw new RangeError(`${what} must be an integer ${min}..${max}, not ${v}`);
      return v;
    };
    this.timeoutMs = positive(options.timeoutMs, 2000, "DNS timeoutMs", 1, 60_000);
    this.attempts = positive(options.attempts, 2, "DNS attempts", 1, 10);
    this.maxQueries = positive(options.maxQueries, 16, "DNS maxQueries", 1, 256);
    this.port = positive(options.port, DNS_PORT, "DNS port", 1, 65535);
    const minTtl = positive(options.minTtlSeconds, 0, "DNS minTtlSeconds", 0, 86_400);
    const maxTtl = positive(options.maxTtlSeconds, 3600, "DNS maxTtlSeconds", minTtl, 7 * 86_400);
    this.cache = new DnsCache(stack.clock, positive(options.cacheSize, 64, "DNS cacheSize", 0, 4096), minTtl, maxTtl);
    const given = options.servers;
    if (typeof given === "function") this.servers = given;
    else {
      const fixed = given.map((s) => (typeof s === "string" ? parseIpv4(s) : s));
      for (const s of fixed) if (!Number.isInteger(s) || s <= 0 || s >= 0xffffffff) throw new RangeError(`not a DNS server address: ${s}`);
      this.servers = () => fixed;
    }
  }

  /** Names in the cache (expired ones included until they are next looked up or evicted). */
  get cached(): number {
    return this.cache.count;
  }

  /**
   * The IPv4 address of `name`, as the stack's number (address.ts formatIpv4 prints it). A dotted
   * quad is returned as it is, without a query. Rejects with a DnsError (its `code` says why),
   * a RangeError for a name that is not one, or the signal's reason when it aborts.
   */
  resolve(name: string, options: ResolveOptions = {}): Promise<number> {
    if (typeof name !== "string") return Promise.reject(new TypeError(`host name must be a string, not ${typeof name}`));
    if (/^[0-9.]+$/.test(name)) {
      try {
        return Promise.resolve(parseIpv4(name));
      } catch (e) {
        return Promise.reject(e);
      }
    }
    let key: string;
    try {
      key = normalizeName(name);
    } catch (e) {
      return Promise.reject(e);
    }
    if (this.closed) return Promise.reject(new DnsError("CLOSED", key, "resolver is closed"));
    const hit = this.cache.get(key);
    if (hit !== null) {
      this.stack.counters.add("dns_cache_hit");
      return Promise.resolve(hit);
    }
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    let query = this.queries.get(key);
    if (!query) {
      if (this.queries.size >= this.maxQueries) return Promise.reject(new Error(`too many DNS queries at once (${this.maxQueries})`));
      const started = this.startQuery(key);
      if (started instanceof DnsError) return Promise.reject(started);
      query = started;
    }
    return query.waiters.wait({ signal });
  }

  /** Ends every query (rejected with CLOSED) and empties the cache; resolve() rejects after. */
  close(): void {
    this.closed = true;
    for (const q of [...this.queries.values()]) this.finish(q, new DnsError("CLOSED", q.name, "resolver closed"));
    this.cache.clear();
  }

  private startQuery(name: string): Query | DnsError {
    const servers = this.servers()
      .filter((s) => Number.isInteger(s) && s > 0 && s < 0xffffffff)
      .slice(0, MAX_SERVERS);
    if (servers.length === 0) return new DnsError("NO_SERVERS", name, "no DNS server configured");
    if (this.stack.ipv4.address === 0) return new DnsError("UNCONFIGURED", name, "no IPv4 address configured to query from");
    const socket = this.bindRandomPort((m) => this.receive(query, m));
    const query: Query = {
      name,
      id: this.stack.random() & 0xffff,
      socket,
      servers,
      asked: new Set(),
      timer: new Timer(this.stack.timers, () => {
        this.stack.counters.add("dns_timeout");
        this.transmit(query);
      }),
      waiters: new Waiters<number>(),
      sent: 0,
      failure: null,
    };
    this.queries.set(name, query);
    this.transmit(query);
    return query;
  }

  /** RFC 5452 section 9.2: a random source port; a few tries, then the stack's next free one. */
  private bindRandomPort(onMessage: (m: UdpMessage) => void): UdpSocket {
    for (let i = 0; i < 4; i++) {
      const port = randomEphemeralPort(this.stack.random);
      try {
        return this.stack.udpBind({ port, onMessage });
      } catch {
        // In use: try another.
      }
    }
    return this.stack.udpBind({ onMessage });
  }

  /** The next query: servers in turn, each round waiting twice as long; the end after the last. */
  private transmit(q: Query): void {
    const round = Math.floor(q.sent / q.servers.length);
    if (round >= this.attempts) {
      this.finish(q, q.failure ?? new DnsError("TIMEOUT", q.name, `no answer from ${q.servers.length} DNS server(s) after ${q.sent} queries`));
      return;
    }
    const server = q.servers[q.sent % q.servers.length];
    if (q.sent > 0) this.stack.counters.add("dns_retransmit");
    q.sent++;
    q.asked.add(server);
    q.timer.start(this.timeoutMs * 2 ** round);
    q.socket.send(server, this.port, buildQuery(q.id, q.name));
  }

  private receive(q: Query, m: UdpMessage): void {
    const counters = this.stack.counters;
    if (m.port !== this.port || m.broadcast || !q.asked.has(m.address)) {
      counters.add("dns_unexpected_source");
      return;
    }
    const data = m.data;
    const header = readHeader(data);
    if (!header) {
      counters.add("dns_malformed");
      return;
    }
    if (header.id !== q.id) {
      counters.add("dns_unexpected_id");
      return;
    }
    // RFC 1035 section 4.1.1: a response has QR set and echoes the opcode (0, a standard query).
    if (!header.response || header.opcode !== 0) {
      counters.add("dns_malformed");
      return;
    }
    const question = header.questions === 1 ? readQuestion(data) : "not one question";
    if (typeof question === "string" || question.name !== q.name || question.type !== TYPE_A || question.class !== CLASS_IN) {
      counters.add("dns_question_mismatch");
      return;
    }
    const fromCurrent = m.address === q.servers[(q.sent - 1) % q.servers.length];
    if (header.truncated) {
      // RFC 2181 section 9: a truncated answer is not used; TCP would be next (not done here).
      counters.add("dns_truncated");
      this.failed(q, new DnsError("TRUNCATED", q.name, "answer truncated (TC) and TCP is not supported"), fromCurrent);
      return;
    }
    if (header.rcode === RCODE_NXDOMAIN) {
      this.finish(q, new DnsError("NXDOMAIN", q.name, "no such name (NXDOMAIN)"));
      return;
    }
    if (header.rcode !== 0) {
      counters.add("dns_server_error");
      this.failed(q, new DnsError("SERVFAIL", q.name, `server ${formatIpv4(m.address)} answered RCODE ${header.rcode}`), fromCurrent);
      return;
    }
    const answers = readAnswers(data, question.next, header.answers);
    if (typeof answers === "string") {
      counters.add("dns_malformed");
      this.failed(q, new DnsError("MALFORMED", q.name, `malformed answer: ${answers}`), fromCurrent);
      return;
    }
    const result = addressOf(answers, q.name);
    if ("error" in result) {
      if (result.error === "cname-loop") {
        counters.add("dns_malformed");
        this.failed(q, new DnsError("MALFORMED", q.name, "CNAME chain too long or looping"), fromCurrent);
      } else this.finish(q, new DnsError("NODATA", q.name, "no A record"));
      return;
    }
    if (this.cache.set(q.name, result.address, result.ttl)) counters.add("dns_cache_evicted");
    this.finish(q, result.address);
  }

  /** A server's failure: remembered, and the next server asked at once if it was the current one. */
  private failed(q: Query, error: DnsError, fromCurrent: boolean): void {
    q.failure = error;
    if (fromCurrent) this.transmit(q);
  }

  private finish(q: Query, outcome: number | DnsError): void {
    q.timer.stop();
    q.socket.close();
    this.queries.delete(q.name);
    if (typeof outcome === "number") q.waiters.resolveAll(outcome);
    else q.waiters.rejectAll(outcome);
  }
}
