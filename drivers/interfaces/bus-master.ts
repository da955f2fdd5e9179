/**
 * Devices that write memory on their own (bus masters: a NIC's receive ring, a virtio device's
 * queues) and how to stop them before a soft restart (docs/updates.md, "Devices are stopped
 * before the restart"). The restart hands the DMA region out again from its start; a device still
 * running would keep writing frames or used-ring entries into memory the new boot uses for
 * something else.
 *
 * A driver registers itself when it first hands the device DMA memory (its init()); the restart
 * path (io/update/agent.ts, through hal.image.restart's `beforeRestart`) calls stopBusMasters(),
 * which stops each and lets the first one that does not stop refuse the restart.
 *
 * Here, in drivers/interfaces/, because both sides may import it (drivers/ registers, io/ stops;
 * drivers/ must not import io/, io/ not drivers/ other than this folder), and in TypeScript rather
 * than in the native module because the stop actions are the drivers' (register writes and a
 * bounded wait, hal/poll.ts). The list lives on globalThis under a registered symbol: each image
 * unit is bundled on its own (the NIC driver in unit "network", the disk in "disk", the agent in
 * "main"), so each has its own copy of this module, and units share objects, not module state
 * (docs/build-pipeline.md). A firmware that starts no DMA device never creates the list.
 */

/** A device that may write memory on its own until it is stopped. */
export interface BusMaster {
  /** The device, for messages: "VirtioNet at 0x0a000e00". */
  readonly name: string;
  /**
   * Stops the device's DMA (receive and transmit off, or a device reset) and waits, bounded, until
   * the device reports it stopped; throws an Error saying what did not happen otherwise.
   */
  stop(): void;
}

const KEY = Symbol.for("tsmetal.busMasters");

function registry(create: boolean): BusMaster[] | undefined {
  const g = globalThis as Record<symbol, BusMaster[] | undefined>;
  let list = g[KEY];
  if (list === undefined && create) g[KEY] = list = [];
  return list;
}

/** Adds `device` to what stopBusMasters() stops; a device registered twice is stopped once. */
export function registerBusMaster(device: BusMaster): void {
  const list = registry(true) as BusMaster[];
  if (!list.includes(device)) list.push(device);
}

/** The devices registered so far, in registration order. */
export function busMasters(): readonly BusMaster[] {
  return registry(false) ?? [];
}

/**
 * Stops every registered device, newest first (a device started on top of another goes before
 * it). Throws at the first that does not stop, naming it and the devices already stopped (those
 * stay stopped: their drivers set them up again only at the next boot); returns the names stopped.
 */
export function stopBusMasters(): string[] {
  const list = busMasters();
  const stopped: string[] = [];
  for (let i = list.length - 1; i >= 0; i--) {
    const device = list[i];
    try {
      device.stop();
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      const before = stopped.length === 0 ? "" : `; stopped before it: ${stopped.join(", ")}`;
      throw new Error(`${device.name} did not stop its DMA: ${why}${before}`);
    }
    stopped.push(device.name);
  }
  return stopped;
}
