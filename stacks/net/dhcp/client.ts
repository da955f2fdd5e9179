/**
 * A DHCP client (RFC 2131 section 4.4, the state diagram of figure 5) on the stack's UDP port 68:
 * INIT → SELECTING (DISCOVER, first valid OFFER) → REQUESTING (REQUEST, ACK or NAK) → BOUND; at
 * T1 RENEWING (REQUEST unicast to the server), at T2 REBINDING (REQUEST broadcast), at the end of
 * the lease back to INIT with the address dropped. The address, mask and router of a lease go
 * into the stack's configuration (NetStack.configure); its DNS servers are in `lease.dns`.
 *
 * Not done: the ARP probe of an offered address before using it (RFC 2131 section 2.2 SHOULD;
 * RFC 5227) and so DHCPDECLINE; INIT-REBOOT with a remembered address; DHCPINFORM; reading
 * options from an overloaded sname/file (option 52 is counted, `dhcp_overload_ignored`).
 *
 * While the client has no address it sets the BROADCAST flag (section 4.1), since the stack
 * drops unicast datagrams to an address it does not have yet.
 */
import { LIMITED_BROADCAST, isMulticastIpv4 } from "../address.ts";
import { abortReason, type AbortSignalLike } from "../abort.ts";
import type { NetStack } from "../stack.ts";
import { Timer } from "../time.ts";
import { Waiters } from "../waiters.ts";
import type { UdpMessage, UdpSocket } from "../udp.ts";
import {
  buildClientMessage,
  DHCP_CLIENT_PORT,
  DHCP_SERVER_PORT,
  DhcpMessageType,
  parseServerMessage,
  type ClientMessage,
  type ServerMessage,
} from "./message.ts";

export type DhcpState = "idle" | "init" | "selecting" | "requesting" | "bound" | "renewing" | "rebinding" | "stopped";

export interface DhcpLease {
  readonly address: number;
  readonly netmask: number;
  /** The first router on the subnet (option 3), 0 for none. */
  readonly gateway: number;
  /** DNS servers (option 6), at most 3. */
  readonly dns: readonly number[];
  /** The server identifier (option 54): where RENEWING sends its REQUEST. */
  readonly server: number;
  /** Option 51; 0xffffffff is infinite (RFC 2132 section 9.2): never renewed. */
  readonly leaseSeconds: number;
  /** T1 and T2, from options 58/59 or the defaults 0.5 and 0.875 of the lease (section 4.4.5). */
  readonly renewalSeconds: number;
  readonly rebindingSeconds: number;
  /** Clock ms when the REQUEST that won the lease was sent; T1, T2, expiry count from it (4.4.1). */
  readonly start: number;
}

export interface DhcpOptions {
  /** Sent as option 12 (RFC 2132 section 3.14): 1..63 letters, digits and hyphens. */
  readonly hostname?: string;
  /**
   * The first DISCOVER waits a random time up to this (ms). RFC 2131 section 4.4.1 asks for 1 to
   * 10 s so that many clients powered on together spread out; one device does not need it.
   */
  readonly maxStartDelayMs?: number;
  /** Called each time a lease is taken or extended. */
  readonly onBound?: (lease: DhcpLease) => void;
  /** Called when the address is given up: a NAK or the end of the lease. */
  readonly onLost?: (reason: string) => void;
}

export interface DhcpWaitOptions {
  readonly timeoutMs?: number;
  readonly signal?: AbortSignalLike;
}

/** JS engines take 32-bit timer delays; longer waits are made of pieces this long. */
const MAX_TIMER_MS = 2 ** 30;
const INFINITE_LEASE = 0xffffffff;
/** REQUESTs sent in REQUESTING before going back to INIT (section 3.1 step 5: 4+8+16+32+64 s). */
const REQUEST_TRANSMISSIONS = 5;
/** Section 4.4.5: RENEWING/REBINDING retransmit after half the time left, but at least 60 s. */
const MIN_RENEW_RETRY_MS = 60_000;
const MAX_DNS_SERVERS = 3;

export class DhcpClient {
  private current: DhcpLease | null = null;
  private phase: DhcpState = "idle";
  private socket: UdpSocket | null = null;
  private xid = 0;
  /** When this acquisition or renewal began (for `secs`), and when its first REQUEST went out. */
  private exchangeStart = 0;
  private requestSentAt = 0;
  /** Transmissions of the current message so far. */
  private transmissions = 0;
  private offer: { address: number; server: number } | null = null;
  private deadline = 0;
  private readonly timer: Timer;
  private readonly waiters = new Waiters<DhcpLease>();
  private readonly hostname: string | undefined;
  private readonly maxStartDelayMs: number;

  constructor(
    private readonly stack: NetStack,
    private readonly options: DhcpOptions = {},
  ) {
    const h = options.hostname;
    if (h !== undefined && !/^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(h)) {
      throw new RangeError(`DHCP hostname must be 1..63 letters, digits and inner hyphens, not ${JSON.stringify(h)}`);
    }
    const delay = options.maxStartDelayMs ?? 0;
    if (!Number.isInteger(delay) || delay < 0 || delay > 60_000) throw new RangeError(`maxStartDelayMs must be an integer 0..60000, not ${delay}`);
    this.hostname = h;
    this.maxStartDelayMs = delay;
    this.timer = new Timer(stack.timers, () => this.wake());
  }

  get state(): DhcpState {
    return this.phase;
  }

  /** The lease in force (BOUND, RENEWING or REBINDING), else null. */
  get lease(): DhcpLease | null {
    return this.current;
  }

  /** Binds UDP port 68 and starts acquiring a lease; throws if running or the port is taken. */
  start(): void {
    if (this.phase !== "idle" && this.phase !== "stopped") throw new Error(`DHCP client already started (state ${this.phase})`);
    this.socket = this.stack.udpBind({ port: DHCP_CLIENT_PORT, onMessage: (m) => this.receive(m) });
    this.phase = "init";
    const delay = this.maxStartDelayMs > 0 ? this.stack.random() % (this.maxStartDelayMs + 1) : 0;
    if (delay > 0) this.arm(this.stack.clock.now() + delay);
    else this.discover();
  }

  /**
   * Stops: timers cleared, port 68 closed, the address this client configured removed, waiters
   * rejected. With `release` a lease in force is first given back (DHCPRELEASE, section 4.4.6).
   */
  stop(options: { release?: boolean } = {}): void {
    if (this.phase === "idle" || this.phase === "stopped") return;
    const lease = this.current;
    if (options.release && lease) {
      this.send({ type: DhcpMessageType.RELEASE, xid: this.stack.random() >>> 0, secs: 0, broadcast: false, ciaddr: lease.address, mac: this.mac(), serverId: lease.server }, lease.server);
    }
    this.timer.stop();
    this.socket?.close();
    this.socket = null;
    this.phase = "stopped";
    this.offer = null;
    if (lease) {
      this.current = null;
      this.stack.unconfigure();
    }
    this.settle(null, new Error("DHCP client stopped"));
  }

  /**
   * Resolves with the lease once bound (at once if bound now); rejects when the client stops,
   * `timeoutMs` passes or `signal` aborts. Waiting does not stop the client from trying.
   */
  ready(options: DhcpWaitOptions = {}): Promise<DhcpLease> {
    if (this.current) return Promise.resolve(this.current);
    if (this.phase === "idle" || this.phase === "stopped") return Promise.reject(new Error("DHCP client is not running: call start() first"));
    const { timeoutMs, signal } = options;
    if (timeoutMs !== undefined && !(timeoutMs > 0)) return Promise.reject(new RangeError(`timeoutMs must be positive, not ${timeoutMs}`));
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    const timeout = timeoutMs === undefined ? undefined : { timers: this.stack.timers, ms: timeoutMs, error: () => new Error(`no DHCP lease within ${timeoutMs} ms (state ${this.phase})`) };
    return this.waiters.wait({ signal, timeout });
  }

  private mac(): Uint8Array {
    return this.stack.mac;
  }

  private now(): number {
    return this.stack.clock.now();
  }

  private send(message: ClientMessage, dst: number): void {
    // A frame the NIC refuses (false) is lost like any other; retransmission covers it.
    this.socket?.send(dst, DHCP_SERVER_PORT, buildClientMessage(message));
  }

  private secs(): number {
    return (this.now() - this.exchangeStart) / 1000;
  }

  /** Section 4.1: 4 s, doubling to 64 s, each randomized by a uniform -1..+1 s. */
  private backoff(retransmission: number): number {
    const base = Math.min(64, 4 * 2 ** retransmission) * 1000;
    return base + (this.stack.random() % 2001) - 1000;
  }

  /** Runs wake() at clock time `at`, in pieces when it is further than a timer can wait. */
  private arm(at: number): void {
    this.deadline = at;
    this.timer.start(Math.min(MAX_TIMER_MS, Math.max(0, at - this.now())));
  }

  private wake(): void {
    const now = this.now();
    if (now < this.deadline) {
      this.timer.start(Math.min(MAX_TIMER_MS, this.deadline - now));
      return;
    }
    switch (this.phase) {
      case "init":
        this.discover();
        return;
      case "selecting":
        this.stack.counters.add("dhcp_retransmit");
        this.sendDiscover();
        this.arm(now + this.backoff(this.transmissions - 1));
        return;
      case "requesting":
        if (this.transmissions >= REQUEST_TRANSMISSIONS) {
          // Section 3.1 step 5: neither ACK nor NAK after the retransmissions: back to INIT.
          this.stack.counters.add("dhcp_request_timeout");
          this.discover();
          return;
        }
        this.stack.counters.add("dhcp_retransmit");
        this.sendRequest();
        this.arm(now + this.backoff(this.transmissions - 1));
        return;
      case "bound":
        this.renew();
        return;
      case "renewing":
      case "rebinding":
        this.retryRenewal();
        return;
      default:
        return;
    }
  }

  /** INIT → SELECTING: a new transaction (section 4.4.1). */
  private discover(): void {
    this.phase = "selecting";
    this.xid = this.stack.random() >>> 0;
    this.exchangeStart = this.now();
    this.transmissions = 0;
    this.offer = null;
    this.sendDiscover();
    this.arm(this.now() + this.backoff(0));
  }

  private sendDiscover(): void {
    this.transmissions++;
    this.send({ type: DhcpMessageType.DISCOVER, xid: this.xid, secs: this.secs(), broadcast: true, ciaddr: 0, mac: this.mac(), hostname: this.hostname }, LIMITED_BROADCAST);
  }

  /**
   * The REQUEST of the current state (section 4.3.2, table 5): SELECTING names the server and
   * the address (options 54 and 50, ciaddr 0, broadcast); RENEWING goes to the server alone and
   * REBINDING to everyone, both with ciaddr and neither option.
   */
  private sendRequest(): void {
    this.transmissions++;
    const base = { type: DhcpMessageType.REQUEST, xid: this.xid, secs: this.secs(), mac: this.mac(), hostname: this.hostname } as const;
    const lease = this.current;
    if (this.phase === "requesting" && this.offer) {
      this.send({ ...base, broadcast: true, ciaddr: 0, requestedAddress: this.offer.address, serverId: this.offer.server }, LIMITED_BROADCAST);
    } else if (lease) {
      this.send({ ...base, broadcast: false, ciaddr: lease.address }, this.phase === "renewing" ? lease.server : LIMITED_BROADCAST);
    }
  }

  /** BOUND → RENEWING at T1 (section 4.4.5). */
  private renew(): void {
    this.phase = "renewing";
    this.xid = this.stack.random() >>> 0;
    this.exchangeStart = this.now();
    this.requestSentAt = this.now();
    this.transmissions = 0;
    this.sendRequest();
    this.armRenewal();
  }

  /** A RENEWING or REBINDING timer: T2 or the end of the lease, or time to send again. */
  private retryRenewal(): void {
    const lease = this.current;
    if (!lease) return;
    const now = this.now();
    if (now >= lease.start + lease.leaseSeconds * 1000) {
      // Section 4.4.5: at the end of the lease the client stops using the address, to INIT.
      this.stack.counters.add("dhcp_lease_expired");
      this.lose("lease expired");
      this.discover();
      return;
    }
    if (this.phase === "renewing" && now >= lease.start + lease.rebindingSeconds * 1000) this.phase = "rebinding";
    else this.stack.counters.add("dhcp_retransmit");
    this.sendRequest();
    this.armRenewal();
  }

  /** Section 4.4.5: half the time left to T2 (RENEWING) or to expiry (REBINDING), at least 60 s. */
  private armRenewal(): void {
    const lease = this.current;
    if (!lease) return;
    const limit = lease.start + (this.phase === "renewing" ? lease.rebindingSeconds : lease.leaseSeconds) * 1000;
    const now = this.now();
    this.arm(Math.min(limit, now + Math.max(MIN_RENEW_RETRY_MS, (limit - now) / 2)));
  }

  private receive(m: UdpMessage): void {
    const counters = this.stack.counters;
    const parsed = parseServerMessage(m.data);
    if (!parsed.ok) {
      counters.add("dhcp_malformed");
      return;
    }
    const msg = parsed.message;
    const mac = this.mac();
    if (m.port !== DHCP_SERVER_PORT || msg.chaddr.some((b, i) => b !== mac[i])) {
      counters.add("dhcp_not_for_us");
      return;
    }
    if (msg.xid !== this.xid) {
      counters.add("dhcp_bad_xid");
      return;
    }
    if (msg.overload) counters.add("dhcp_overload_ignored");
    const phase = this.phase;
    if (phase === "selecting" && msg.type === DhcpMessageType.OFFER) {
      const lease = this.leaseFrom(msg);
      if (!lease) return;
      // Section 4.4.1: the client may wait for more offers; it takes the first valid one.
      this.offer = { address: lease.address, server: lease.server };
      this.phase = "requesting";
      this.transmissions = 0;
      this.requestSentAt = this.now();
      this.sendRequest();
      this.arm(this.now() + this.backoff(0));
      return;
    }
    const waiting = phase === "requesting" || phase === "renewing" || phase === "rebinding";
    // Whose answer counts: in REQUESTING the chosen server's, in RENEWING the lease's server's, in
    // REBINDING any server's (section 4.4.5).
    const server = phase === "requesting" ? this.offer?.server : phase === "renewing" ? this.current?.server : msg.serverId;
    if (!waiting || (msg.type !== DhcpMessageType.ACK && msg.type !== DhcpMessageType.NAK) || msg.serverId === null || msg.serverId !== server) {
      counters.add("dhcp_unexpected");
      return;
    }
    if (msg.type === DhcpMessageType.NAK) {
      // Sections 3.1 step 5 and 4.4.5: a NAK ends the lease; start again from INIT.
      counters.add("dhcp_nak");
      this.lose("DHCPNAK from the server");
      this.discover();
      return;
    }
    const lease = this.leaseFrom(msg);
    if (!lease) return;
    const expected = phase === "requesting" ? this.offer?.address : this.current?.address;
    if (lease.address !== expected) {
      counters.add("dhcp_bad_offer");
      return;
    }
    this.bind(lease, phase !== "requesting");
  }

  /** The lease an OFFER or ACK describes, or null (counted) when it is not usable. */
  private leaseFrom(msg: ServerMessage): DhcpLease | null {
    const address = msg.yiaddr;
    const leaseSeconds = msg.leaseSeconds ?? 0;
    // Table 3: OFFER and ACK MUST carry the server identifier and the lease time.
    let netmask = msg.subnetMask ?? classfulMask(address);
    const hostBits = ~netmask >>> 0;
    const bad =
      msg.serverId === null ||
      msg.serverId === 0 ||
      leaseSeconds === 0 ||
      !isUnicast(address) ||
      netmask === 0 ||
      (hostBits & (hostBits + 1)) !== 0 ||
      (hostBits > 1 && ((address & hostBits) === 0 || (address & hostBits) === hostBits));
    if (bad) {
      this.stack.counters.add("dhcp_bad_offer");
      return null;
    }
    netmask >>>= 0;
    const gateway = msg.routers.find((r) => r !== address && isUnicast(r) && ((r ^ address) & netmask) === 0) ?? 0;
    const dns = msg.dns.filter(isUnicast).slice(0, MAX_DNS_SERVERS);
    // Section 4.4.5: T1 defaults to 0.5 and T2 to 0.875 of the lease; a server's values that are
    // not ordered T1 < T2 < lease are replaced by the defaults.
    let rebindingSeconds = msg.rebindingSeconds ?? leaseSeconds * 0.875;
    if (!(rebindingSeconds < leaseSeconds)) rebindingSeconds = leaseSeconds * 0.875;
    let renewalSeconds = msg.renewalSeconds ?? leaseSeconds * 0.5;
    if (!(renewalSeconds < rebindingSeconds)) renewalSeconds = Math.min(leaseSeconds * 0.5, rebindingSeconds);
    return { address, netmask, gateway, dns, server: msg.serverId as number, leaseSeconds, renewalSeconds, rebindingSeconds, start: this.requestSentAt };
  }

  private bind(lease: DhcpLease, extended: boolean): void {
    const old = this.current;
    this.current = lease;
    this.phase = "bound";
    this.offer = null;
    this.stack.counters.add(extended ? "dhcp_renewed" : "dhcp_bound");
    if (!old || old.address !== lease.address || old.netmask !== lease.netmask || old.gateway !== lease.gateway) {
      this.stack.configure({ address: lease.address, netmask: lease.netmask, gateway: lease.gateway });
    }
    if (lease.leaseSeconds === INFINITE_LEASE) this.timer.stop();
    else this.arm(lease.start + lease.renewalSeconds * 1000);
    this.options.onBound?.(lease);
    this.settle(lease, null);
  }

  /** The address goes: configuration removed, the app told. */
  private lose(reason: string): void {
    if (!this.current) return;
    this.current = null;
    this.stack.unconfigure();
    this.options.onLost?.(reason);
  }

  private settle(lease: DhcpLease | null, error: unknown): void {
    if (lease) this.waiters.resolveAll(lease);
    else this.waiters.rejectAll(error);
  }
}

/** A usable host address: not 0.0.0.0/8, loopback, multicast, class E or the limited broadcast. */
function isUnicast(a: number): boolean {
  const first = a >>> 24;
  return first !== 0 && first !== 127 && !isMulticastIpv4(a) && first < 240 && a !== LIMITED_BROADCAST;
}

/** Without option 1, the mask of the address's class (RFC 791 section 2.3, "Addressing"). */
function classfulMask(a: number): number {
  const first = a >>> 24;
  if (first < 128) return 0xff000000;
  if (first < 192) return 0xffff0000;
  return 0xffffff00;
}
