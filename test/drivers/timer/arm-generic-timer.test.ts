import { test } from "uvu";
import * as assert from "uvu/assert";
import { ArmGenericTimer, GENERIC_TIMER_SECURE_PHYSICAL_PPI } from "../../../drivers/timer/arm-generic-timer.ts";

// The generic timer lives in CP15, read and armed natively: the driver only describes it.
test("the deadline line is the Secure physical timer's PPI, GIC ID 29 (Cortex-A7 MPCore TRM)", () => {
  assert.is(GENERIC_TIMER_SECURE_PHYSICAL_PPI, 29);
  assert.is(new ArmGenericTimer().line, 29);
});

test("clockSource: the cpu-timer kind, with a fixed rate, a fallback for CNTFRQ = 0, or CNTFRQ itself", () => {
  assert.equal(new ArmGenericTimer({ hz: 62_500_000 }).clockSource(), { hz: 62_500_000, counter: { kind: "cpu-timer" } });
  assert.equal(new ArmGenericTimer({ fallbackHz: 8_000_000 }).clockSource(), { fallbackHz: 8_000_000, counter: { kind: "cpu-timer" } });
  assert.equal(new ArmGenericTimer().clockSource(), { counter: { kind: "cpu-timer" } });
});

test.run();
