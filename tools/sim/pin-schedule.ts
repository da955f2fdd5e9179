/**
 * `npm run sim --pin <spec>`: GPIO inputs driven from the command line. A spec is
 * `PIN=LEVEL@TIME[,LEVEL@TIME...]`, e.g. `17=1@500ms,0@900ms`: the board's pin PIN (its own
 * numbering) is driven to LEVEL (0 or 1) at TIME of machine time since boot, a number with the unit
 * `us`, `ms` or `s`; the times of one pin must increase, and each pin takes one --pin. Parsed
 * strictly (tools/lib/options.ts's rule: bad input is a clear error before anything is built);
 * whether the board has the pin is the machine's to say (checkPins).
 */
import { UserError } from "../lib/errors.ts";
import type { SimGpio } from "../../models/machine.ts";

export interface PinEvent {
  /** Machine time since boot, µs. */
  readonly us: number;
  readonly pin: number;
  readonly level: boolean;
}

const UNITS: Readonly<Record<string, number>> = { us: 1, ms: 1000, s: 1_000_000 };
/** The latest time a change may be given at: a day, the longest the simulator sleeps idle. */
const MAX_US = 24 * 3600 * 1e6;
const FORM = "--pin PIN=LEVEL@TIME[,LEVEL@TIME...], e.g. --pin 17=1@500ms,0@900ms (LEVEL 0 or 1, TIME in us, ms or s since boot)";

function bad(spec: string, why: string): UserError {
  return new UserError(`--pin '${spec}': ${why}; expected ${FORM}`);
}

/** The changes every --pin gives, in time order (changes at one time in the order given). */
export function parsePinSpecs(specs: readonly string[]): PinEvent[] {
  const events: PinEvent[] = [];
  const seen = new Set<number>();
  for (const spec of specs) {
    const eq = spec.indexOf("=");
    if (eq < 0) throw bad(spec, "no '=' after the pin number");
    const pinText = spec.slice(0, eq);
    if (!/^\d+$/.test(pinText)) throw bad(spec, `'${pinText}' is not a pin number (a whole number)`);
    const pin = Number(pinText);
    if (!Number.isSafeInteger(pin)) throw bad(spec, `pin ${pinText} is out of range`);
    if (seen.has(pin)) throw bad(spec, `pin ${pin} is given by another --pin too; list all its changes in one`);
    seen.add(pin);
    const changes = spec.slice(eq + 1);
    if (changes === "") throw bad(spec, "no LEVEL@TIME after '='");
    let last = -1;
    for (const change of changes.split(",")) {
      const m = /^([01])@(\d+(?:\.\d+)?)(us|ms|s)$/.exec(change);
      if (!m) {
        if (/^[01]@\d+(?:\.\d+)?$/.test(change)) throw bad(spec, `'${change}' has no unit (us, ms or s)`);
        if (!/^[01]@/.test(change)) throw bad(spec, `'${change}' does not start with a level 0 or 1 and '@'`);
        throw bad(spec, `'${change}' is not LEVEL@TIME`);
      }
      const us = Number(m[2]) * UNITS[m[3]];
      if (!Number.isInteger(us)) throw bad(spec, `'${change}' is not a whole number of microseconds`);
      if (us > MAX_US) throw bad(spec, `'${change}' is later than a day after boot`);
      if (us <= last) throw bad(spec, `'${change}' is not later than the change before it`);
      last = us;
      events.push({ us, pin, level: m[1] === "1" });
    }
  }
  // Array.prototype.sort is stable: changes at one time keep the order given.
  return events.sort((a, b) => a.us - b.us);
}

/** Refuses pins the board does not have, or any pin on a machine without a GPIO model. */
export function checkPins(board: string, events: readonly PinEvent[], pins: SimGpio | undefined): void {
  if (events.length === 0) return;
  if (!pins) throw new UserError(`--pin: the simulator's machine for board '${board}' has no GPIO model`);
  for (const e of events) {
    if (!pins.check(e.pin)) throw new UserError(`--pin: board '${board}' has no pin ${e.pin} (its pins: ${pins.numbering})`);
  }
}
