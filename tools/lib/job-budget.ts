/**
 * The per-job execution budget (engine/src/budget.h, docs/event-loop.md "Execution budget"):
 * `--max-job-ms <n>` or `maxJobMs` in board.json, a link-time symbol (changing it recompiles
 * nothing). A job running longer than it is stopped and the firmware exits EXIT_JOB_BUDGET.
 */
import { UserError } from "./errors.ts";

/** The largest budget: hal.cpu.setJobBudget's limit too (2^31 - 1 ms, 24.8 days). */
export const MAX_JOB_MS = 2 ** 31 - 1;

/** A budget in whole milliseconds from 1 to MAX_JOB_MS, or a UserError naming `what`. */
export function checkMaxJobMs(value: unknown, what: string): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > MAX_JOB_MS) {
    throw new UserError(`${what} takes whole milliseconds from 1 to ${MAX_JOB_MS}; got ${JSON.stringify(value)}`);
  }
  return value;
}

/** --max-job-ms text → milliseconds (undefined when the option is absent). */
export function parseMaxJobMs(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  return checkMaxJobMs(/^\d+$/.test(text) ? Number(text) : text, "--max-job-ms");
}
