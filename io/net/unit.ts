/**
 * The image unit "net" (loaded on first use by the "tsmetal" stubs and by the "http" unit): the
 * board's default network (DHCP, DNS) and the ECMA-419 socket classes on it. Only the wiring is
 * here: the globals' time, timers and crypto, the console, and the loop unit's board services
 * when useBoard() was not called; board-network.ts holds the logic (tested in Node).
 */
import { image } from "hal";
import type { BoardServices } from "../board-services.ts";
import { BoardNetwork } from "./board-network.ts";
import type { Network, NetworkOptions } from "./default-network.ts";
import { setDefaultNetworkProvider } from "./provider.ts";
import { globalRandomSource } from "./random.ts";

export { TCP } from "./tcp.ts";
export { UDP } from "./udp.ts";
export { Listener } from "./listener.ts";

/** The loop unit's exports this unit uses (as io/index.ts's board()). */
interface LoopUnit {
  readonly services?: BoardServices;
}

function loopServices(): BoardServices {
  const services = (image.load("loop") as LoopUnit).services;
  if (!services) throw new Error("network: this board offers no services (its loop unit exports none)");
  return services;
}

const board = new BoardNetwork({
  clock: { now: () => Date.now() },
  timers: { set: (ms, callback) => setTimeout(callback, ms), clear: (handle) => clearTimeout(handle as number) },
  randomSource: globalRandomSource,
  warn: (line) => console.warn(line),
  fallbackServices: loopServices,
});
setDefaultNetworkProvider(() => board.defaultNetwork());

/** The board's default network once configured (see BoardNetwork.network). */
export function network(options?: NetworkOptions): Promise<Network> {
  return board.network(options);
}

/** The default network being configured, created on the first call (sockets, fetch). */
export function defaultNetwork(): Network {
  return board.defaultNetwork();
}

/** The board services whose NIC the default network takes (the "tsmetal" stubs pass board()). */
export function useBoard(services: BoardServices): void {
  board.useBoard(services);
}
