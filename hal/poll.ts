/**
 * The one bounded wait of every driver: poll a value until it becomes the expected one. A poll
 * limit always applies (DEFAULT_MAX_POLLS unless given), and with a clock a time limit as well,
 * so no wait on hardware that never answers can hang the firmware; it throws PollTimeoutError.
 *
 * Register fields are waited on with `reg.waitUntil(FIELD, value)` (hal/register.ts), which
 * comes here; a driver calls pollUntil() itself only when a poll must do more than read one
 * register (the BCM2835 mini UART keeps the receive bits that reading its status register clears).
 * Drivers check once before waiting, so the per-byte paths never make the closures.
 */

/** The poll limit when none is given. */
export const DEFAULT_MAX_POLLS = 1_000_000;

export interface PollOptions {
  /** Give up after this many polls (default DEFAULT_MAX_POLLS; a positive integer). */
  readonly maxPolls?: number;
  /** Give up after this many milliseconds by `now()`; needs `now`. */
  readonly timeoutMs?: number;
  /** A millisecond clock, e.g. the board's timer. */
  readonly now?: () => number;
}

/** A polled value did not become the expected one in time. */
export class PollTimeoutError extends Error {
  /** What was polled, e.g. "PL011.FR[0x20]" (register name and field mask). */
  readonly what: string;
  readonly expected: number;
  /** The value at the last poll. */
  readonly actual: number;
  readonly polls: number;
  /** Which limit ran out. */
  readonly limit: "polls" | "time";

  constructor(what: string, expected: number, actual: number, polls: number, limit: "polls" | "time", ms: number) {
    const within = limit === "polls" ? `${polls} polls` : `${ms} ms (${polls} polls)`;
    super(`${what} did not become ${expected} within ${within}; last value ${actual}`);
    this.name = "PollTimeoutError";
    this.what = what;
    this.expected = expected;
    this.actual = actual;
    this.polls = polls;
    this.limit = limit;
  }
}

/**
 * Calls `probe` until it returns `expected` and returns how many calls that took. `describe`
 * names what is polled in the error, and is only called when the wait fails.
 */
export function pollUntil(probe: () => number, expected: number, describe: () => string, options?: PollOptions): number {
  let maxPolls = DEFAULT_MAX_POLLS;
  let now: (() => number) | undefined;
  let timeoutMs = 0;
  let deadline = 0;
  if (options !== undefined) {
    if (options.maxPolls !== undefined) maxPolls = options.maxPolls;
    if (!Number.isSafeInteger(maxPolls) || maxPolls < 1) throw new RangeError(`maxPolls ${maxPolls} is not a positive integer`);
    if (options.timeoutMs !== undefined) {
      now = options.now;
      timeoutMs = options.timeoutMs;
      if (now === undefined) throw new TypeError("pollUntil: timeoutMs needs a now() clock");
      if (!(timeoutMs >= 0)) throw new RangeError(`timeoutMs ${timeoutMs} is not a non-negative number`);
      deadline = now() + timeoutMs;
    }
  }
  for (let polls = 1; ; polls++) {
    const actual = probe();
    if (actual === expected) return polls;
    if (polls >= maxPolls) throw new PollTimeoutError(describe(), expected, actual, polls, "polls", timeoutMs);
    if (now !== undefined && now() >= deadline) throw new PollTimeoutError(describe(), expected, actual, polls, "time", timeoutMs);
  }
}

/** A poll limit from a driver's options, checked at construction rather than at the first wait. */
export function pollOptions(maxPolls: number | undefined): PollOptions | undefined {
  if (maxPolls === undefined) return undefined;
  if (!Number.isSafeInteger(maxPolls) || maxPolls < 1) throw new RangeError(`maxPolls ${maxPolls} is not a positive integer`);
  return { maxPolls };
}
