/**
 * Which network a socket opens on: its `network` option (a tsmetal extension, for tests and for
 * firmware with a second NIC), else the default network that the image unit "net" (unit.ts)
 * registers here, created on first use.
 */
import { NetStack } from "../../stacks/net/stack.ts";
import { describe } from "./check.ts";
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
