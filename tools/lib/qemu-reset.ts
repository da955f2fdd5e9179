/**
 * Telling a guest reset from a clean exit. QEMU runs with -no-reboot, so a reset (a watchdog, a
 * reboot, an x86 triple fault) ends it instead of booting the image again — with exit status 0
 * on the semihosting targets, exactly like a firmware that exits 0. The firmware's own exit never
 * goes through QEMU's main loop (semihosting SYS_EXIT_EXTENDED and isa-debug-exit call exit()
 * on the spot), while a reset request under -no-reboot becomes a shutdown there, which moves the
 * run state to "shutdown" (QEMU 7.2 softmmu/runstate.c: qemu_system_reset_request sets
 * shutdown_requested; main_loop_should_exit → qemu_cleanup → vm_shutdown). The "log" trace
 * backend of Debian's QEMU logs each run-state change, so that line marks a reset. The log goes to
a file: logged to stderr, QEMU 7.2's microvm guest stalls (the engine snapshot maker never
finishes), while with file= it runs as without tracing.
 * A shutdown the guest asks for (power off) is traced as qemu_system_shutdown_request first and
 * is not taken for a reset; a timeout's SIGTERM is decided before this is looked at.
 */

/** The firmware's exit code for a reset (docs/build-pipeline.md "Exit codes"). */
export const EXIT_RESET = 6;

/** QEMU options that log the events below to `file`. */
export const resetTraceArgs = (file: string): string[] => [
  "-trace", `runstate_set,file=${file}`,
  "-trace", `qemu_system_shutdown_request,file=${file}`,
];

/** A trace line, with the optional "pid@seconds:" prefix newer QEMUs put in front. */
const TRACE_LINE = /^(?:\d+@[\d.]+:)?(runstate_set|qemu_system_shutdown_request)\b.*(?:\n|$)/gm;

export const RESET_MESSAGE = `tsmetal: the board reset itself (a watchdog, a reboot or a triple fault); QEMU runs with -no-reboot, so the run ended (exit code ${EXIT_RESET})\n`;

/** Whether the trace log shows a reset. */
export function traceShowsReset(log: string): boolean {
  let shutdownRequested = false;
  let shutdown = false;
  for (const m of log.matchAll(TRACE_LINE)) {
    if (m[1] === "qemu_system_shutdown_request") shutdownRequested = true;
    else if (/new_state \d+ \(shutdown\)/.test(m[0])) shutdown = true;
  }
  return shutdown && !shutdownRequested;
}
