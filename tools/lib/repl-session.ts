/**
 * One REPL session with a device running the REPL firmware (io/repl/agent.ts), over any byte
 * channel: QEMU's serial line, a serial device (tools/commands/repl.ts). The host side of
 * docs/repl.md: each input is compiled here (tools/lib/repl-compile.ts), sent as a frame
 * (io/repl/frame.ts), and its output read back up to the agent's "done" line; stack frames of
 * the input are mapped to its own lines.
 */
import { compileScript, transformInput, type ReplScript } from "./repl-compile.ts";
import { encodeFrame, MARKER as MARKER_TEXT } from "../../io/repl/frame.ts";

/** Ctrl-C on the line (ASCII ETX): the only byte sent while an input runs. */
export const BREAK_BYTE = 0x03;

export interface ReplSessionOptions {
  /** Writes bytes to the device's console input. */
  write: (data: Uint8Array) => void;
  /** Shows the device's output (the input's own and its result), stack frames mapped. */
  print: (text: string) => void;
  /** The frame's payload for a rewritten input script: by default tsmc's one-unit image
      (compileScript); the simulator takes the script itself (tools/sim/repl-host.ts). */
  compile?: (js: string, scriptName: string) => Promise<Uint8Array>;
}

/** A stack frame of the wrapper's call (`<eval>`) or the agent's (tools/lib/repl-compile.ts, io/repl/agent.ts). */
const AGENT_FRAME = /^\s+at (<eval> \(repl-input-\d+\.js:\d+\)|exec \(native\)|\S+ \(\S*io\/repl\/agent\.ts:\d+\))$/;

export type EvalOutcome = "done" | "refused";

export class ReplSession {
  private partial = "";
  private waiting: ((outcome: EvalOutcome, detail: string) => void) | undefined;
  private readyWaiter: (() => void) | undefined;
  private isReady = false;
  private inputs = 0;
  /** Each input's name and line map, by its number (its script's name: repl-input-<n>.js). */
  private readonly scripts = new Map<number, { shownName: string; script: ReplScript }>();

  constructor(private readonly opts: ReplSessionOptions) {}

  /** Device output, as it comes. */
  feed(text: string): void {
    this.partial += text;
    let nl: number;
    while ((nl = this.partial.indexOf("\n")) >= 0) {
      const line = this.partial.slice(0, nl).replace(/\r$/, "");
      this.partial = this.partial.slice(nl + 1);
      this.line(line);
    }
  }

  /** Resolves once the agent has said it is ready. */
  ready(): Promise<void> {
    if (this.isReady) return Promise.resolve();
    return new Promise((resolve) => (this.readyWaiter = resolve));
  }

  /** Whether an input is being evaluated. */
  get busy(): boolean {
    return this.waiting !== undefined;
  }

  /** Sends Ctrl-C: stops the running input (docs/repl.md, "Ctrl-C"). */
  interrupt(): void {
    if (this.busy) this.opts.write(new Uint8Array([BREAK_BYTE]));
  }

  /**
   * Compiles and runs one input; `name` is what its stack frames show (a .load file's path).
   * Compile errors throw (a UserError with the input's line); the device's answer resolves.
   */
  async evaluate(source: string, name?: string): Promise<EvalOutcome> {
    // Numbered once it compiles: an incomplete line that the next one continues takes no number.
    const n = this.inputs + 1;
    const shownName = name ?? `REPL${n}`;
    const script = await transformInput(source, shownName);
    this.inputs = n;
    const image = await (this.opts.compile ?? compileScript)(script.js, `repl-input-${n}.js`);
    this.scripts.set(n, { shownName, script });
    return this.send(encodeFrame(image));
  }

  /** Sends a frame as it is (tests send damaged ones) and waits for the agent's answer. */
  send(frame: Uint8Array): Promise<EvalOutcome> {
    if (this.busy) throw new Error("an input is still running");
    const answer = new Promise<EvalOutcome>((resolve) => (this.waiting = (o) => resolve(o)));
    this.opts.write(frame);
    return answer;
  }

  private settle(outcome: EvalOutcome, detail: string): void {
    const w = this.waiting;
    this.waiting = undefined;
    w?.(outcome, detail);
  }

  private line(line: string): void {
    // The REPL's own frames under an input's: its wrapper's call, the agent's calls.
    if (AGENT_FRAME.test(line)) return;
    const m = line.indexOf(MARKER_TEXT);
    if (m >= 0) {
      if (m > 0) this.opts.print(this.mapFrames(line.slice(0, m)) + "\n");
      const what = line.slice(m + MARKER_TEXT.length);
      if (what === "ready") {
        this.isReady = true;
        this.readyWaiter?.();
      } else if (what === "done") this.settle("done", "");
      else if (what.startsWith("refused ")) {
        this.opts.print(`tsmetal: the device refused the input: ${what.slice(8)}\n`);
        this.settle("refused", what.slice(8));
      }
      return;
    }
    this.opts.print(this.mapFrames(line) + "\n");
  }

  /** `repl-input-3.js:5` → `REPL3:2` (or the .load file's path and line), for every input so far:
      a function declared by an earlier input runs in that input's script. */
  private mapFrames(text: string): string {
    return text.replace(/\brepl-input-(\d+)\.js:(\d+)/g, (whole, n: string, line: string) => {
      const input = this.scripts.get(Number(n));
      if (!input) return whole;
      return `${input.shownName}:${input.script.inputLine(Number(line)) ?? "?"}`;
    });
  }
}
