import { test } from "uvu";
import * as assert from "uvu/assert";
import { MemoryBus } from "../../../models/memory-bus.ts";
import { Bcm2836Local } from "../../../drivers/irq/bcm2836-local.ts";
import { Bcm2836LocalModel } from "../../../models/irq/bcm2836-local.ts";

const BASE = 0x4000_0000;
// QA7 section 4 addresses, written out again so a wrong offset in the driver shows.
const NAMES: Record<number, string> = { [BASE + 0x0c]: "GPU_ROUTING", [BASE + 0x40]: "CORE0_TIMER", [BASE + 0x50]: "CORE0_MAILBOX", [BASE + 0x60]: "CORE0_SOURCE" };

function setup(gpu = { level: false }) {
  const bus = new MemoryBus();
  const model = new Bcm2836LocalModel(bus, BASE, { gpuIrq: () => gpu.level });
  const local = new Bcm2836Local({ base: BASE, bus });
  return { bus, model, local, gpu };
}

test("init routes the GPU interrupt to the core and masks core 0's timer and mailbox interrupts", () => {
  const { bus, model, local } = setup();
  model.timerControl[0] = 0xf;
  model.mailboxControl[0] = 0xf;
  local.init(2);
  assert.equal(bus.log.map((a) => `${NAMES[a.addr]}=${a.value}`), ["GPU_ROUTING=2", "CORE0_TIMER=0", "CORE0_MAILBOX=0"]);
  assert.is(model.routing, 2);
  assert.is(model.timerControl[0], 0);
  assert.is(model.mailboxControl[0], 0);
});

test("gpuPending follows the GPU controller's output on core 0 only when routed there", () => {
  const { local, gpu } = setup();
  local.init(0);
  assert.is(local.gpuPending(), false);
  gpu.level = true;
  assert.is(local.gpuPending(), true);
  local.init(1);
  assert.is(local.gpuPending(), false, "routed to core 1: core 0's source register is clear");
});

test("init refuses a core that does not exist; a zero base is refused", () => {
  const { local } = setup();
  assert.throws(() => local.init(4), /core 4 does not exist/);
  assert.throws(() => local.init(-1), RangeError);
  assert.throws(() => new Bcm2836Local({ base: 0 }).registers, /invalid base address/);
});

test.run();
