/**
 * The resolver's cache of A answers: at most `size` names, each kept for its TTL clamped to
 * [minTtlSeconds, maxTtlSeconds] (RFC 1035 section 7.4: cached data times out with its TTL; a
 * TTL of 0 is not cached, RFC 1035 section 3.2.1). When full, an expired entry goes first, else
 * the least recently used.
 */
import type { Clock } from "../time.ts";

interface Entry {
  readonly address: number;
  readonly expires: number;
}

export class DnsCache {
  /** Insertion order is use order: a hit moves its entry to the end. */
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly clock: Clock,
    private readonly size: number,
    private readonly minTtlSeconds: number,
    private readonly maxTtlSeconds: number,
  ) {}

  get count(): number {
    return this.entries.size;
  }

  get(name: string): number | null {
    const e = this.entries.get(name);
    if (!e) return null;
    this.entries.delete(name);
    if (this.clock.now() >= e.expires) return null;
    this.entries.set(name, e);
    return e.address;
  }

  /** Stores an answer; returns whether an entry was evicted to make room. */
  set(name: string, address: number, ttlSeconds: number): boolean {
    const ttl = Math.min(this.maxTtlSeconds, Math.max(this.minTtlSeconds, ttlSeconds));
    this.entries.delete(name);
    if (ttl <= 0 || this.size === 0) return false;
    let evicted = false;
    if (this.entries.size >= this.size) {
      const now = this.clock.now();
      let victim: string | undefined;
      for (const [k, e] of this.entries) {
        if (now >= e.expires) {
          victim = k;
          break;
        }
      }
      this.entries.delete(victim ?? (this.entries.keys().next().value as string));
      evicted = victim === undefined;
    }
    this.entries.set(name, { address, expires: this.clock.now() + ttl * 1000 });
    return evicted;
  }

  clear(): void {
    this.entries.clear();
  }
}
