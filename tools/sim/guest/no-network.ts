/**
 * The simulator's stand-in for the image unit "network" (soc/<family>/network-unit.ts): no
 * peripheral model in models/ is a NIC, and nothing joins the simulator to a host-side peer, so
 * board().network() says so, naming the way to a network, instead of touching a device address
 * the simulated machine does not map (a CPU fault). tools/sim/run.ts bundles this file under the
 * unit's name; every family's board services call its openNetwork().
 */
import { name } from "tsmetal:board";

export function openNetwork(): never {
  throw new Error(
    `board "${name}": npm run sim has no network device model; run the firmware under QEMU for the network: ` +
      `npm run qemu -- --board ${name} --forward tcp:8080:80 (docs/networking.md)`,
  );
}
