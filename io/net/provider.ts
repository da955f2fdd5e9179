/**
 * Which network a socket opens on: its `network` option (a tsmetal extension, for tests and for
 * firmware with a second NIC), else the default network that the image unit "net" (unit.ts)
 * registers here, created on first use; and, for the sockets that listen or bind (Listener, UDP),
 * their local end on it.
 */
import { NetStack } from "../../stacks/net/stack.ts";
import { checkAddress, checkPort, describe } from "./check.ts";
import type { Network } from "./default-network.ts";

let provider: (() => Network) | null = null;

/** Called by unit.ts: the default network, created on the first call. */
export function setDefaultNetworkProvider(get: (() => Network) | null): void {
  provider = get;
}

/** The network of a socket whose options named `given` (undefined: the default network). */
export function networkFor(who: string, given: unknown): Network {
  if (given !== undefined) {
    if (given === null || typeof given !== "object" || !((given as Network).stack instanceof NetStack)) {
      throw new TypeError(`${who}: network must be a Network (from network() or createNetwork()), not ${describe(given)}`);
    }
    return given as Network;
  }
  if (!provider) throw new Error(`${who}: no default network: use the socket classes of the "tsmetal" module (or pass a network)`);
  return provider();
}

/** A listening or bound socket's local port and the network it is on. */
export interface LocalEnd {
  readonly port: number;
  readonly network: Network;
}

/**
 * The local end of a Listener or UDP socket from its options, checked in this order: `port`
 * (with `dynamicPort`, absent or 0 picks a free port; without, it is required, 1..65535), the
 * network (networkFor), and `address`, which must be this network's or "0.0.0.0" (the stack has
 * one interface; ECMA-419 lets the constructor refuse an address it cannot bind).
 */
export function localEnd(who: string, o: Record<string, unknown>, dynamicPort: boolean): LocalEnd {
  let port = 0;
  if (o.port !== undefined) port = checkPort(who, "port", o.port, dynamicPort ? 0 : 1);
  else if (!dynamicPort) throw new TypeError(`${who}: port is required (1..65535)`);
  const network = networkFor(who, o.network);
  if (o.address !== undefined) {
    const address = checkAddress(who, "address", o.address);
    const own = network.stack.ipv4.address;
    if (address !== 0 && address !== own) {
      throw new RangeError(`${who}: address ${o.address as string} is not this network's (${own === 0 ? "none yet" : network.address}); use "0.0.0.0"`);
    }
  }
  return { port, network };
}
