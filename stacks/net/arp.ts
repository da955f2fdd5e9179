/**
 * ARP for IPv4 over Ethernet (RFC 826), with the timeouts of RFC 1122 section 2.3.2.1 and a
 * bounded cache. Outgoing IPv4 frames wait in a bounded per-address queue while their next hop
 * is resolved; requests are retried a few times, then the queued frames are dropped and counted.
 *
 * Hardening beyond RFC 826's merge rule: a reply or request claiming an address whose entry is
 * static, or confirmed and unexpired, with a different MAC address does not overwrite it (the
 * classic ARP spoof of the gateway); it is counted as `arp_spoof_ignored`. Once the entry
 * expires, the next frame to that address sends a new request, and the answer to it is taken.
 */
import { BROADCAST_MAC, isAllZeroMac, isGroupMac, sameMac } from "./address.ts";
import type { Counters } from "./counters.ts";
import { allocateFrame, ETH_HEADER_LENGTH, ETHERTYPE_ARP, ETHERTYPE_IPV4, setDestination } from "./ethernet.ts";
import { Timer, type Clock, type TimerScheduler } from "./time.ts";

/** Hardware type Ethernet, protocol IPv4, 6- and 4-byte addresses (RFC 826 "Packet format"). */
export const ARP_LENGTH = 28;
const HTYPE_ETHERNET = 1;
const OP_REQUEST = 1;
const OP_REPLY = 2;

export interface ArpOptions {
  /** Entries, static ones included (default 32). */
  readonly cacheSize: number;
  /** How long a learned entry is trusted (default 60 s; RFC 1122 section 2.3.2.1). */
  readonly entryTimeoutMs: number;
  /** Time between requests for an unresolved address (default 1 s). */
  readonly retryMs: number;
  /** Requests sent before giving up (default 3). */
  readonly requests: number;
  /** Frames queued per unresolved address; the oldest is dropped beyond it (default 4). */
  readonly queueLength: number;
}

export const DEFAULT_ARP_OPTIONS: ArpOptions = {
  cacheSize: 32,
  entryTimeoutMs: 60_000,
  retryMs: 1000,
  requests: 3,
  queueLength: 4,
};

type EntryState = "incomplete" | "reachable" | "static";

interface Entry {
  state: EntryState;
  mac: Uint8Array;
  /** When a reachable entry stops being trusted. */
  expires: number;
  requestsSent: number;
  queue: Uint8Array[];
  timer: Timer | null;
}

export interface ArpHost {
  readonly mac: Uint8Array;
  /** The host's IPv4 address, 0 while unconfigured. */
  address(): number;
  /** Hands a complete frame to the NIC; false when it was not taken. */
  transmit(frame: Uint8Array): boolean;
}

export class Arp {
  private readonly entries = new Map<number, Entry>();

  constructor(
    private readonly host: ArpHost,
    private readonly clock: Clock,
    private readonly timers: TimerScheduler,
    private readonly counters: Counters,
    private readonly options: ArpOptions = DEFAULT_ARP_OPTIONS,
  ) {}

  /** The MAC address an entry resolves to, if resolved and trusted. */
  lookup(ip: number): Uint8Array | null {
    const e = this.entries.get(ip);
    if (!e || e.state === "incomplete") return null;
    if (e.state === "reachable" && this.clock.now() >= e.expires) return null;
    return e.mac;
  }

  get size(): number {
    return this.entries.size;
  }

  /** Pins `ip` to `mac`; a static entry never expires and is never overwritten by the network. */
  addStatic(ip: number, mac: Uint8Array): void {
    const e = this.entries.get(ip);
    if (!e && !this.makeRoom()) throw new RangeError("ARP cache is full of static entries");
    const entry = e ?? this.newEntry(ip, "static");
    entry.state = "static";
    entry.mac = mac.slice(0, 6);
    this.resolved(entry);
  }

  /** Forgets every learned entry (the link went down, or the address changed). */
  flush(): void {
    for (const [ip, e] of this.entries) {
      if (e.state === "static") continue;
      this.dropEntry(ip, e);
    }
  }

  /**
   * Sends an IPv4 frame (destination MAC still blank) to `nextHop`, resolving it first when
   * needed. Returns false only when the NIC refused the frame.
   */
  output(nextHop: number, frame: Uint8Array): boolean {
    let e = this.entries.get(nextHop);
    if (e && e.state !== "incomplete") {
      // Expired: confirm it again (RFC 1122 section 2.3.2.1), and meanwhile go on sending to the
      // address it had, so that a busy flow neither stalls nor overflows the queue while the answer
      // comes (the idea of RFC 4861 7.3.3's STALE and PROBE states). A reply updates the entry; no
      // reply after `requests` tries drops it, and the next frame asks afresh.
      if (e.state === "reachable" && this.clock.now() >= e.expires && e.requestsSent === 0) this.request(nextHop, e);
      setDestination(frame, e.mac);
      return this.host.transmit(frame);
    }
    if (!e) {
      if (!this.makeRoom()) {
        this.counters.add("arp_cache_full");
        return true;
      }
      e = this.newEntry(nextHop, "incomplete");
    }
    if (e.queue.length >= this.options.queueLength) {
      e.queue.shift();
      this.counters.add("arp_queue_overflow");
    }
    e.queue.push(frame);
    if (e.requestsSent === 0) this.request(nextHop, e);
    return true;
  }

  /** An ARP packet from an Ethernet frame. */
  receive(payload: Uint8Array): void {
    if (payload.length < ARP_LENGTH) {
      this.counters.add("arp_truncated");
      return;
    }
    const v = new DataView(payload.buffer, payload.byteOffset, payload.length);
    if (v.getUint16(0) !== HTYPE_ETHERNET || v.getUint16(2) !== ETHERTYPE_IPV4 || payload[4] !== 6 || payload[5] !== 4) {
      this.counters.add("arp_unsupported");
      return;
    }
    const op = v.getUint16(6);
    if (op !== OP_REQUEST && op !== OP_REPLY) {
      this.counters.add("arp_bad_opcode");
      return;
    }
    const senderIp = v.getUint32(14);
    const targetIp = v.getUint32(24);
    if (isGroupMac(payload, 8) || isAllZeroMac(payload, 8) || sameMac(payload, 8, this.host.mac)) {
      this.counters.add("arp_bad_sender");
      return;
    }
    const own = this.host.address();
    if (own !== 0 && senderIp === own) {
      // Someone else claims our address (RFC 5227 section 2.4 calls it a conflict).
      this.counters.add("arp_address_conflict");
      return;
    }
    const senderMac = payload.slice(8, 14);
    const forUs = own !== 0 && targetIp === own;
    // RFC 826 "Packet Reception": merge the sender into an existing entry; senderIp 0 is an
    // RFC 5227 probe, which teaches nothing.
    if (senderIp !== 0) {
      const e = this.entries.get(senderIp);
      if (e) this.merge(senderIp, e, senderMac);
      else if (forUs && this.entries.size < this.options.cacheSize) {
        // RFC 826 adds the requester when we are the target; only into free room, so that a
        // flood of requests cannot push out entries in use.
        const n = this.newEntry(senderIp, "reachable");
        n.mac = senderMac;
        this.resolved(n);
      }
    }
    if (op === OP_REQUEST) {
      if (forUs) this.reply(payload);
      else this.counters.add("arp_request_not_for_us");
    }
  }

  private merge(ip: number, e: Entry, mac: Uint8Array): void {
    const same = sameMac(e.mac, 0, mac);
    if (e.state === "static") {
      if (!same) this.counters.add("arp_spoof_ignored");
      return;
    }
    if (e.state === "reachable" && this.clock.now() < e.expires && !same) {
      // Confirmed and unexpired: a different answer nobody asked for is not believed.
      this.counters.add("arp_spoof_ignored");
      return;
    }
    e.mac = mac;
    this.resolved(e);
  }

  private resolved(e: Entry): void {
    e.timer?.stop();
    e.timer = null;
    if (e.state !== "static") e.state = "reachable";
    e.expires = this.clock.now() + this.options.entryTimeoutMs;
    e.requestsSent = 0;
    const queue = e.queue;
    e.queue = [];
    for (const frame of queue) {
      setDestination(frame, e.mac);
      if (!this.host.transmit(frame)) this.counters.add("tx_busy");
    }
  }

  private request(ip: number, e: Entry): void {
    e.requestsSent++;
    this.transmitArp(OP_REQUEST, BROADCAST_MAC, new Uint8Array(6), ip);
    e.timer ??= new Timer(this.timers, () => this.retry(ip));
    e.timer.start(this.options.retryMs);
  }

  private retry(ip: number): void {
    const e = this.entries.get(ip);
    // An incomplete entry, or a reachable one being confirmed again (output); resolved() stops the timer.
    if (!e || e.state === "static") return;
    if (e.requestsSent < this.options.requests) {
      this.request(ip, e);
      return;
    }
    this.counters.add("arp_unresolved", e.queue.length);
    this.dropEntry(ip, e);
  }

  /** RFC 826: swap sender and target, put in our addresses, opcode reply, send to the asker. */
  private reply(request: Uint8Array): void {
    const v = new DataView(request.buffer, request.byteOffset, request.length);
    this.transmitArp(OP_REPLY, request.subarray(8, 14), request.subarray(8, 14), v.getUint32(14));
  }

  private transmitArp(op: number, ethDst: Uint8Array, targetMac: Uint8Array, targetIp: number): void {
    const frame = allocateFrame(ARP_LENGTH, this.host.mac, ETHERTYPE_ARP);
    setDestination(frame, ethDst);
    const v = new DataView(frame.buffer, ETH_HEADER_LENGTH, ARP_LENGTH);
    v.setUint16(0, HTYPE_ETHERNET);
    v.setUint16(2, ETHERTYPE_IPV4);
    v.setUint8(4, 6);
    v.setUint8(5, 4);
    v.setUint16(6, op);
    frame.set(this.host.mac.subarray(0, 6), ETH_HEADER_LENGTH + 8);
    v.setUint32(14, this.host.address());
    frame.set(targetMac.subarray(0, 6), ETH_HEADER_LENGTH + 18);
    v.setUint32(24, targetIp);
    if (!this.host.transmit(frame)) this.counters.add("tx_busy");
  }

  private newEntry(ip: number, state: EntryState): Entry {
    const e: Entry = { state, mac: new Uint8Array(6), expires: 0, requestsSent: 0, queue: [], timer: null };
    this.entries.set(ip, e);
    return e;
  }

  private dropEntry(ip: number, e: Entry): void {
    e.timer?.stop();
    this.entries.delete(ip);
  }

  /** Evicts the learned entry that expires first when the cache is full; false if all are static. */
  private makeRoom(): boolean {
    if (this.entries.size < this.options.cacheSize) return true;
    let victim = -1;
    let victimEntry: Entry | null = null;
    for (const [ip, e] of this.entries) {
      if (e.state === "static") continue;
      // An incomplete entry counts as expiring now: a flood of unresolved addresses evicts
      // itself before it evicts a working entry.
      const expires = e.state === "incomplete" ? -1 : e.expires;
      if (!victimEntry || expires < (victimEntry.state === "incomplete" ? -1 : victimEntry.expires)) {
        victim = ip;
        victimEntry = e;
      }
    }
    if (!victimEntry) return false;
    this.counters.add("arp_evicted", 1);
    this.counters.add("arp_unresolved", victimEntry.queue.length);
    this.dropEntry(victim, victimEntry);
    return true;
  }
}
