/**
 * A terminal driving the simulated console UART (`npm run sim` with a terminal on standard input).
 * The terminal is put in raw mode (no line editing, no echo, no signals: every key reaches the
 * firmware as QEMU's serial mux passes it, Ctrl-C included; output keeps its \n to \r\n) with
 * stty(1), and read through a non-blocking descriptor of its own: the simulator polls it between
 * loop turns and from QuickJS's interrupt handler, so even a job that never ends can be left.
 *
 * Escapes, as QEMU's mux (`-serial mon:stdio`) has them: Ctrl-A x ends the run (exit code
 * EXIT_TERMINAL_QUIT, as a shell reports a command ended by Ctrl-C), Ctrl-A h lists the escapes,
 * Ctrl-A Ctrl-A sends one Ctrl-A; any other key after Ctrl-A is dropped.
 */
import { closeSync, openSync, readlinkSync, readSync, constants } from "node:fs";
import { spawnSync } from "node:child_process";
import { isatty } from "node:tty";
import { UserError } from "../lib/errors.ts";

export const CTRL_A = 0x01;
/** Exit code of a run ended with Ctrl-A x: 128 + SIGINT, what a shell reports for Ctrl-C. */
export const EXIT_TERMINAL_QUIT = 130;
/** How often a sleeping simulation looks at the terminal. */
const POLL_MS = 10;

const HELP = "\r\nC-a h    print this help\r\nC-a x    end the simulation (exit code 130)\r\nC-a C-a  send C-a\r\n";

function stty(args: string[]): string {
  const r = spawnSync("stty", args, { stdio: ["inherit", "pipe", "pipe"], encoding: "utf8" });
  if (r.error || r.status !== 0) throw new UserError(`stty ${args.join(" ")} failed: ${r.error?.message ?? r.stderr.trim()} (coreutils)`);
  return r.stdout.trim();
}

/** Live console input as the simulator reads it (tools/sim/run.ts): a terminal, or the REPL's
    frames from another thread (tools/sim/shared-input.ts). */
export interface LiveInput {
  /** Whether the run should end (Ctrl-A x, or the REPL leaving). */
  readonly quit: boolean;
  /** `quit`, cheap enough for QuickJS's interrupt handler. */
  quitRequested(): boolean;
  /** The bytes for the firmware since the last call. */
  take(): Uint8Array;
  /** Resolves after `ms` (host time), or sooner once input or a quit arrives. */
  wait(ms: number): Promise<void>;
}

export class TerminalInput implements LiveInput {
  /** Set once Ctrl-A x was typed. */
  quit = false;
  private pending: number[] = [];
  private escape = false;
  private readonly buffer = Buffer.alloc(256);
  private lastPoll = 0;

  private constructor(private fd: number, private readonly saved: string, private readonly say: (text: string) => void) {}

  /** The terminal on standard input in raw mode, or undefined when standard input is not one. */
  static open(say: (text: string) => void = (t) => process.stderr.write(t)): TerminalInput | undefined {
    if (!isatty(0)) return undefined;
    // A descriptor of its own, non-blocking, on the same terminal (Linux: /proc/self/fd).
    const fd = openSync(readlinkSync("/proc/self/fd/0"), constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
    const saved = stty(["-g"]);
    stty(["raw", "-echo", "opost"]);
    const t = new TerminalInput(fd, saved, say);
    process.once("exit", () => t.close());
    // A kill from elsewhere (another terminal, a hung-up line) leaves the terminal as it was too.
    for (const [signal, code] of [["SIGTERM", 143], ["SIGHUP", 129]] as const) {
      process.once(signal, () => {
        t.close();
        process.exit(code);
      });
    }
    return t;
  }

  /** Reads what the terminal has; true if the firmware has bytes to take or the run should end. */
  poll(): boolean {
    for (;;) {
      let n: number;
      try {
        n = readSync(this.fd, this.buffer, 0, this.buffer.length, null);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "EAGAIN") break;
        throw e;
      }
      if (n === 0) break;
      for (const b of this.buffer.subarray(0, n)) this.key(b);
    }
    return this.quit || this.pending.length > 0;
  }

  /**
   * Whether Ctrl-A x was typed, looking at the terminal at most every POLL_MS: for QuickJS's
   * interrupt handler, which runs thousands of times a second while JS computes.
   */
  quitRequested(): boolean {
    const now = performance.now();
    if (now - this.lastPoll >= POLL_MS) {
      this.lastPoll = now;
      this.poll();
    }
    return this.quit;
  }

  /** The bytes typed for the firmware since the last call. */
  take(): Uint8Array {
    this.poll();
    return Uint8Array.from(this.pending.splice(0));
  }

  /** Resolves after `ms` (host time), or sooner once a key for the firmware or Ctrl-A x arrives. */
  async wait(ms: number): Promise<void> {
    const end = performance.now() + ms;
    while (!this.poll() && performance.now() < end) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(POLL_MS, Math.max(0, end - performance.now()))));
    }
  }

  /** Puts the terminal back as it was. */
  close(): void {
    if (this.fd < 0) return;
    try {
      stty([this.saved]);
    } finally {
      closeSync(this.fd);
      this.fd = -1;
    }
  }

  private key(b: number): void {
    if (!this.escape) {
      if (b === CTRL_A) this.escape = true;
      else this.pending.push(b);
      return;
    }
    this.escape = false;
    if (b === CTRL_A) this.pending.push(CTRL_A);
    else if (b === 0x78 /* x */) this.quit = true;
    else if (b === 0x68 /* h */) this.say(HELP);
  }
}
