/**
 * Children that must not outlive the CLI (QEMU, qemu-user, a Linux board's firmware, gdb): while
 * one runs, SIGTERM, SIGINT and SIGHUP to the CLI end it (SIGTERM, then SIGKILL after
 * KILL_AFTER_MS; its whole process group when it was spawned detached), and once every such child
 * has exited the CLI exits with 128 + the signal's number, as a shell reports a command a signal
 * ended. Without this, Node's default action ends the CLI at once and the emulator runs on as an
 * orphan. The handlers exist only while a child does: between runs the signals keep Node's default.
 */
import type { ChildProcess } from "node:child_process";
import { constants } from "node:os";

/** How long a child has to end after SIGTERM (QEMU restores the terminal then) before SIGKILL. */
export const KILL_AFTER_MS = 2000;

const SIGNALS = ["SIGTERM", "SIGINT", "SIGHUP"] as const;
type StopSignal = (typeof SIGNALS)[number];

interface Owned {
  child: ChildProcess;
  /** Signal the process group -pid (the child was spawned with `detached: true`). */
  group: boolean;
}

const owned = new Set<Owned>();
let stopping: StopSignal | undefined;
let killTimer: NodeJS.Timeout | undefined;

function send(o: Owned, signal: NodeJS.Signals): void {
  const pid = o.child.pid;
  if (pid === undefined || o.child.exitCode !== null || o.child.signalCode !== null) return;
  try {
    if (o.group) process.kill(-pid, signal);
    else o.child.kill(signal);
  } catch {
    // Already gone.
  }
}

function stopAll(signal: NodeJS.Signals): void {
  for (const o of owned) send(o, signal);
}

/** Exits once no owned child is left; a turn of the event loop later, so that the code awaiting
    the child (temporary files, the terminal) has finished first. */
function exitWhenClear(): void {
  if (stopping === undefined || owned.size > 0) return;
  const code = 128 + constants.signals[stopping];
  setImmediate(() => {
    if (owned.size === 0) process.exit(code);
  });
}

function onSignal(signal: StopSignal): void {
  if (stopping !== undefined) {
    // A second signal: no more waiting.
    stopAll("SIGKILL");
    return;
  }
  stopping = signal;
  stopAll("SIGTERM");
  killTimer = setTimeout(() => stopAll("SIGKILL"), KILL_AFTER_MS);
  killTimer.unref();
  exitWhenClear();
}

const handlers = new Map(SIGNALS.map((s) => [s, () => onSignal(s)] as const));

function release(o: Owned): void {
  if (!owned.delete(o)) return;
  if (owned.size === 0 && stopping === undefined) for (const [s, h] of handlers) process.off(s, h);
  exitWhenClear();
}

/**
 * Ends `child` when the CLI is told to stop (see above). `group`: it was spawned detached, so its
 * process group (its own children) is signalled too. A child spawned once stopping has begun is
 * ended at once.
 */
export function endWithCli(child: ChildProcess, opts: { group?: boolean } = {}): void {
  // A child that could not be spawned has no pid (its "error" is the caller's) and never "exit"s.
  if (child.pid === undefined) return;
  const o: Owned = { child, group: opts.group === true };
  if (owned.size === 0 && stopping === undefined) for (const [s, h] of handlers) process.on(s, h);
  owned.add(o);
  child.once("exit", () => release(o));
  if (stopping !== undefined) send(o, "SIGTERM");
}

/** The signal the CLI is stopping on, if it is: a run it ended is not the firmware's failure. */
export function stoppingSignal(): NodeJS.Signals | undefined {
  return stopping;
}
