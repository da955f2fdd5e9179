/**
 * A network as an app wants one: a NetStack over a NIC, configured by DHCP (stacks/net/dhcp)
 * unless a static `ipv4` is given, a DNS stub resolver (stacks/net/dns) over the lease's servers
 * or `ipv4.dns`, and `ready`, which resolves once the network has an address. The NIC, time and
 * randomness are injected, so Node runs it over test/support/net's fake link and fake time; the
 * image unit "net" (unit.ts) makes the board's default network with this.
 *
 * Nothing here imports the HAL.
 */
import type { NetworkInterface } from "../../drivers/interfaces/network-interface.ts";
import type { AbortSignalLike } from "../../stacks/net/abort.ts";
import { formatIpv4 } from "../../stacks/net/address.ts";
import { DhcpClient } from "../../stacks/net/dhcp/client.ts";
import { DnsResolver } from "../../stacks/net/dns/resolver.ts";
import { NetStack } from "../../stacks/net/stack.ts";
import type { Clock, TimerScheduler } from "../../stacks/net/time.ts";
import { checkAddress, checkKeys, checkCallback, describe, optionsObject } from "./check.ts";
import { globalRandomSource, systemRandom } from "./random.ts";

/** A static configuration: dotted quads. */
export interface StaticIpv4 {
  readonly address: string;
  readonly netmask: string;
  readonly gateway?: string;
  /** DNS servers, at most 3 (as resolv.conf's MAXNS); none means resolve() fails with NO_SERVERS. */
  readonly dns?: readonly string[];
}

/** What an app may pass to network(). */
export interface NetworkOptions {
  readonly ipv4?: StaticIpv4;
  /** Sent to the DHCP server (option 12): 1..63 letters, digits and inner hyphens. */
  readonly hostname?: string;
  /** A uniformly random unsigned 32-bit integer; crypto.getRandomValues by default. */
  readonly random?: () => number;
  /** How long `ready` waits for a DHCP lease before it rejects (ms, default 30000). */
  readonly dhcpTimeoutMs?: number;
}

/** createNetwork()'s options: the app's, and what the platform injects. */
export interface CreateNetworkOptions extends NetworkOptions {
  readonly nic: NetworkInterface;
  readonly clock: Clock;
  readonly timers: TimerScheduler;
  /** Where the no-random-source warning goes (default console.warn). */
  readonly warn?: (line: string) => void;
}

export interface ResolveOptions {
  readonly signal?: AbortSignalLike;
}

export interface NetworkPingOptions {
  /** Milliseconds to wait for the reply (default 1000). */
  readonly timeoutMs?: number;
}

/** The default network, from network(): the interface's addresses (DHCP or static), DNS, and the sockets' stack. */
export interface Network {
  readonly stack: NetStack;
  /** Resolves with this network once it has an address (DHCP bound, or at once when static). */
  readonly ready: Promise<Network>;
  /** Whether the network has an address now. */
  readonly configured: boolean;
  /** The address, mask and router in force, dotted quads ("0.0.0.0" while there is none). */
  readonly address: string;
  readonly netmask: string;
  readonly gateway: string;
  /** The DNS servers in force (the lease's, or `ipv4.dns`). */
  readonly dns: string[];
  /** The DHCP client, or null for a static configuration. */
  readonly dhcp: DhcpClient | null;
  readonly resolver: DnsResolver;
  /** The IPv4 address of `name` as a dotted quad (a dotted quad is returned as it is). Waits for `ready`. */
  resolve(name: string, options?: ResolveOptions): Promise<string>;
  /** Echo round trip to `address` in ms. Waits for `ready`. */
  ping(address: string, options?: NetworkPingOptions): Promise<number>;
}

export const DEFAULT_DHCP_TIMEOUT_MS = 30_000;
/** setTimeout takes 32-bit signed delays. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;
const MAX_DNS_SERVERS = 3;
const NETWORK_KEYS = ["ipv4", "hostname", "random", "dhcpTimeoutMs"] as const;
const IPV4_KEYS = ["address", "netmask", "gateway", "dns"] as const;
const WHO = "network";

/** The app's options checked: unknown or ill-typed ones are a TypeError, bad values a RangeError, each naming the option. */
export function checkNetworkOptions(given: unknown): NetworkOptions {
  const o = optionsObject(WHO, given);
  checkKeys(WHO, o, NETWORK_KEYS);
  const random = checkCallback<() => number>(WHO, "random", o.random);
  const hostname = o.hostname;
  if (hostname !== undefined) {
    if (typeof hostname !== "string") throw new TypeError(`${WHO}: hostname must be a string, not ${describe(hostname)}`);
    if (!/^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(hostname)) throw new RangeError(`${WHO}: hostname must be 1..63 letters, digits and inner hyphens, not ${JSON.stringify(hostname)}`);
  }
  const timeout = o.dhcpTimeoutMs;
  if (timeout !== undefined) {
    if (typeof timeout !== "number") throw new TypeError(`${WHO}: dhcpTimeoutMs must be a number, not ${describe(timeout)}`);
    if (!Number.isInteger(timeout) || timeout < 1 || timeout > MAX_TIMEOUT_MS) throw new RangeError(`${WHO}: dhcpTimeoutMs must be an integer 1..${MAX_TIMEOUT_MS}, not ${timeout}`);
  }
  const ipv4 = o.ipv4 === undefined ? undefined : checkIpv4(o.ipv4);
  return {
    ...(ipv4 ? { ipv4 } : {}),
    ...(hostname !== undefined ? { hostname } : {}),
    ...(random ? { random } : {}),
    ...(timeout !== undefined ? { dhcpTimeoutMs: timeout } : {}),
  };
}

function checkIpv4(given: unknown): StaticIpv4 {
  const who = `${WHO}: ipv4`;
  const o = optionsObject(who, given);
  checkKeys(who, o, IPV4_KEYS);
  if (o.address === undefined) throw new TypeError(`${WHO}: ipv4.address is required`);
  if (o.netmask === undefined) throw new TypeError(`${WHO}: ipv4.netmask is required`);
  checkAddress(WHO, "ipv4.address", o.address);
  checkAddress(WHO, "ipv4.netmask", o.netmask);
  if (o.gateway !== undefined) checkAddress(WHO, "ipv4.gateway", o.gateway);
  let dns: string[] | undefined;
  if (o.dns !== undefined) {
    if (!Array.isArray(o.dns)) throw new TypeError(`${WHO}: ipv4.dns must be an array of dotted-quad strings, not ${describe(o.dns)}`);
    if (o.dns.length > MAX_DNS_SERVERS) throw new RangeError(`${WHO}: ipv4.dns takes at most ${MAX_DNS_SERVERS} servers, not ${o.dns.length}`);
    dns = o.dns.map((s: unknown, i: number) => {
      checkAddress(WHO, `ipv4.dns[${i}]`, s);
      return s as string;
    });
  }
  return {
    address: o.address as string,
    netmask: o.netmask as string,
    ...(o.gateway !== undefined ? { gateway: o.gateway as string } : {}),
    ...(dns ? { dns } : {}),
  };
}

const CREATE_KEYS = [...NETWORK_KEYS, "nic", "clock", "timers", "warn"];

/** A network over `nic`: static at once, or DHCP started now. */
export function createNetwork(options: CreateNetworkOptions): Network {
  const o = optionsObject("createNetwork", options);
  checkKeys(WHO, o, CREATE_KEYS);
  const { nic, clock, timers } = options;
  if (!nic || typeof nic !== "object") throw new TypeError(`${WHO}: nic must be a NetworkInterface, not ${describe(nic)}`);
  if (!clock || typeof clock.now !== "function") throw new TypeError(`${WHO}: clock must have now()`);
  if (!timers || typeof timers.set !== "function" || typeof timers.clear !== "function") throw new TypeError(`${WHO}: timers must have set() and clear()`);
  const { warn: warnOption, nic: _n, clock: _c, timers: _t, ...app } = o;
  const checked = checkNetworkOptions(app);
  const warn = checkCallback<(line: string) => void>(WHO, "warn", warnOption) ?? ((line: string) => console.warn(line));
  return new DefaultNetwork(nic, clock, timers, checked, checked.random ?? systemRandom(globalRandomSource(), warn));
}

class DefaultNetwork implements Network {
  readonly stack: NetStack;
  readonly ready: Promise<Network>;
  readonly dhcp: DhcpClient | null;
  readonly resolver: DnsResolver;
  private readonly staticDns: readonly string[];

  constructor(nic: NetworkInterface, clock: Clock, timers: TimerScheduler, options: NetworkOptions, random: () => number) {
    const ipv4 = options.ipv4;
    // The stack validates the configuration as a whole (contiguous mask, gateway on the subnet).
    try {
      this.stack = new NetStack({ nic, clock, timers, random, ipv4 });
    } catch (e) {
      throw e instanceof RangeError ? new RangeError(`${WHO}: ipv4: ${e.message}`) : e;
    }
    this.staticDns = ipv4?.dns ?? [];
    if (ipv4) {
      this.dhcp = null;
      this.resolver = new DnsResolver(this.stack, { servers: ipv4.dns ?? [] });
      this.ready = Promise.resolve(this);
      return;
    }
    const dhcp = new DhcpClient(this.stack, { hostname: options.hostname });
    this.dhcp = dhcp;
    this.resolver = new DnsResolver(this.stack, { servers: () => dhcp.lease?.dns ?? [] });
    dhcp.start();
    const timeoutMs = options.dhcpTimeoutMs ?? DEFAULT_DHCP_TIMEOUT_MS;
    this.ready = dhcp.ready({ timeoutMs }).then(
      () => this,
      (e: unknown) => {
        // The client goes on trying (a lease that comes later configures the stack); `ready` says
        // that none came in time.
        throw new Error(`network: ${e instanceof Error ? e.message : String(e)}; is a DHCP server on the link?`);
      },
    );
    // Marked handled here: a firmware that only opens sockets hears of it through onError.
    this.ready.catch(() => undefined);
  }

  get configured(): boolean {
    return this.stack.ipv4.address !== 0;
  }

  get address(): string {
    return formatIpv4(this.stack.ipv4.address);
  }

  get netmask(): string {
    return formatIpv4(this.stack.ipv4.netmask);
  }

  get gateway(): string {
    return formatIpv4(this.stack.ipv4.gateway);
  }

  get dns(): string[] {
    if (this.dhcp) return (this.dhcp.lease?.dns ?? []).map(formatIpv4);
    return [...this.staticDns];
  }

  async resolve(name: string, options: ResolveOptions = {}): Promise<string> {
    if (!this.configured) await this.ready;
    return formatIpv4(await this.resolver.resolve(name, options));
  }

  async ping(address: string, options: NetworkPingOptions = {}): Promise<number> {
    const target = checkAddress("ping", "address", address);
    if (!this.configured) await this.ready;
    return this.stack.ping(target, options);
  }
}
