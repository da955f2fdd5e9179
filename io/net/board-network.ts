/**
 * The board's default network, one per firmware: created on the first network() call or the
 * first socket (defaultNetwork()), over the NIC of the board services (useBoard(), else the
 * platform's fallback: the loop unit's services), configured as the first network() call asked
 * (DHCP without options). The platform (time, timers, random source, console) is injected, so
 * that unit.ts is only the wiring to the globals and "hal", and Node runs this over fakes.
 */
import type { BoardServices } from "../board-services.ts";
import type { Clock, TimerScheduler } from "../../stacks/net/time.ts";
import { checkNetworkOptions, createNetwork, type Network, type NetworkOptions } from "./default-network.ts";
import { systemRandom, type RandomSource } from "./random.ts";

export interface BoardNetworkPlatform {
  readonly clock: Clock;
  readonly timers: TimerScheduler;
  /** The runtime's `crypto`, if it has one (its getRandomValues may throw: no random source). */
  readonly randomSource: () => RandomSource | undefined;
  /** One line on the console (the no-random-source warning). */
  readonly warn: (line: string) => void;
  /** The board services when useBoard() was not called. */
  readonly fallbackServices: () => BoardServices;
}

/** The options a network was made with, in a form two calls can be compared in. */
function fingerprint(o: NetworkOptions): string {
  return JSON.stringify([o.ipv4 ?? null, o.hostname ?? null, o.dhcpTimeoutMs ?? null]);
}

export class BoardNetwork {
  private services: BoardServices | undefined;
  private current: { readonly network: Network; readonly options: NetworkOptions } | undefined;

  constructor(private readonly platform: BoardNetworkPlatform) {}

  /**
   * The board services whose NIC the default network uses (the "tsmetal" stubs call this with
   * board() first). Calling it again with the same services does nothing; other services once
   * the network exists are an Error (its NIC is taken).
   */
  useBoard(services: BoardServices): void {
    if (!services || typeof services !== "object" || typeof services.name !== "string") throw new TypeError("net: useBoard() takes the board services (tsmetal's board())");
    if (services === this.services) return;
    if (this.current) throw new Error(`net: the default network already runs on board "${this.services?.name ?? "?"}"; useBoard("${services.name}") comes too late`);
    this.services = services;
  }

  /** The default network, created (with DHCP) on the first call; for the sockets and fetch. */
  defaultNetwork(): Network {
    return (this.current ??= this.create({})).network;
  }

  /**
   * The default network once it has an address. The first call's options configure it; a later
   * call without options returns it as it is, one with other options is a TypeError.
   */
  network(options?: NetworkOptions): Promise<Network> {
    try {
      if (options === undefined) return this.defaultNetwork().ready;
      const checked = checkNetworkOptions(options);
      const current = this.current;
      if (!current) {
        this.current = this.create(checked);
        return this.current.network.ready;
      }
      const same = fingerprint(checked) === fingerprint(current.options) && checked.random === current.options.random;
      if (!same) {
        throw new TypeError(
          `network: the default network was already created with ${describeOptions(current.options)}; ` +
            `these options differ (${describeOptions(checked)}): call network(options) once, before any socket or fetch`,
        );
      }
      return current.network.ready;
    } catch (e) {
      return Promise.reject(e);
    }
  }

  private create(options: NetworkOptions): { network: Network; options: NetworkOptions } {
    const services = this.services ?? this.platform.fallbackServices();
    this.services = services;
    if (typeof services.network !== "function") throw new Error(`network: board "${services.name}" has no network interface (docs/networking.md lists the boards that have one)`);
    const nic = services.network();
    const { clock, timers, warn } = this.platform;
    const random = options.random ?? systemRandom(this.platform.randomSource(), warn);
    return { network: createNetwork({ ...options, nic, clock, timers, random, warn }), options };
  }
}

function describeOptions(o: NetworkOptions): string {
  if (o.ipv4) return `static ipv4 ${o.ipv4.address}/${o.ipv4.netmask}`;
  const parts = ["DHCP"];
  if (o.hostname !== undefined) parts.push(`hostname ${o.hostname}`);
  if (o.dhcpTimeoutMs !== undefined) parts.push(`dhcpTimeoutMs ${o.dhcpTimeoutMs}`);
  if (o.random) parts.push("its own random");
  return parts.join(", ");
}
