/** io/update/service.ts: the agent's registration, the transports' bound, and the wait for their connections before a switch. */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { addTransport, setUpdateService, unitLimit, updateService, whenTransportsIdle } from "../../../io/update/service.ts";

test("without an agent the service is an error naming the build option; with one it is the agent's", () => {
  assert.throws(() => updateService(), /this firmware has no update agent \(build it with --updatable\)/);
  const s = { offer: () => ({ ok: true as const, version: 1 }), maxUnitBytes: 10 };
  setUpdateService(s);
  assert.is(updateService(), s);
});

test("the unit bound: a third of the heap free, at most a header and the largest body", () => {
  assert.is(unitLimit({ limit: 6_000_000, used: 0 }, 1024 * 1024, 112), 1024 * 1024 + 112);
  assert.is(unitLimit({ limit: 1_000_000, used: 400_000 }, 1024 * 1024, 112), 200_000);
});

test("a switch waits until the transports' connections are over, and no longer than its bound", async () => {
  let open = 1;
  addTransport(() => open);
  let switched = 0;
  whenTransportsIdle(() => switched++, 5000);
  await new Promise((r) => setTimeout(r, 100));
  assert.is(switched, 0, "a connection is still open");
  open = 0;
  await new Promise((r) => setTimeout(r, 100));
  assert.is(switched, 1);
  open = 2;
  const t0 = Date.now();
  await new Promise<void>((r) => whenTransportsIdle(r, 200));
  assert.ok(Date.now() - t0 >= 190, "waited for the bound");
  open = 0;
});

test.run();
