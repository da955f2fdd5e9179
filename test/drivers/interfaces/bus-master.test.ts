/** drivers/interfaces/bus-master.ts: the registry of devices a soft restart stops first. */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { busMasters, registerBusMaster, stopBusMasters, type BusMaster } from "../../../drivers/interfaces/bus-master.ts";

const KEY = Symbol.for("tsmetal.busMasters");
const clear = (): void => {
  delete (globalThis as Record<symbol, unknown>)[KEY];
};

function device(name: string, log: string[], fails?: string): BusMaster {
  return {
    name,
    stop: () => {
      log.push(name);
      if (fails) throw new Error(fails);
    },
  };
}

test.before.each(clear);
test.after.each(clear);

test("nothing registered: no list is made, stopping does nothing", () => {
  assert.equal(stopBusMasters(), []);
  assert.equal(busMasters(), []);
  assert.is((globalThis as Record<symbol, unknown>)[KEY], undefined);
});

test("every device is stopped once, newest first; a device registered twice once", () => {
  const log: string[] = [];
  const a = device("VirtioBlk at 0xfeb00000", log), b = device("VirtioNet at 0xfeb00200", log);
  registerBusMaster(a);
  registerBusMaster(b);
  registerBusMaster(a);
  assert.equal(stopBusMasters(), ["VirtioNet at 0xfeb00200", "VirtioBlk at 0xfeb00000"]);
  assert.equal(log, ["VirtioNet at 0xfeb00200", "VirtioBlk at 0xfeb00000"]);
});

test("the list is shared through the global: another copy of the module (another image unit) sees it", async () => {
  // A second instance of the module, as each image unit bundles its own.
  const url = `${new URL("../../../drivers/interfaces/bus-master.ts", import.meta.url).href}?copy`;
  const other = (await import(url)) as typeof import("../../../drivers/interfaces/bus-master.ts");
  assert.is.not(other.registerBusMaster, registerBusMaster, "another instance");
  const log: string[] = [];
  other.registerBusMaster(device("ImxEnet at 0x02188000", log));
  assert.equal(stopBusMasters(), ["ImxEnet at 0x02188000"]);
});

test("a device that does not stop: an error naming it and what was stopped before; the rest are left running", () => {
  const log: string[] = [];
  registerBusMaster(device("A", log));
  registerBusMaster(device("B", log, "the device at 0x1 did not reset (no change within 5 polls)"));
  registerBusMaster(device("C", log));
  assert.throws(() => stopBusMasters(), (e: Error) => e.message === "B did not stop its DMA: the device at 0x1 did not reset (no change within 5 polls); stopped before it: C");
  assert.equal(log, ["C", "B"], "A was not touched");
});

test.run();
