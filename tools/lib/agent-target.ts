/**
 * Where a host session talks to an on-device agent over its console line: the REPL's
 * (tools/lib/repl-target.ts, io/repl/agent.ts) and the update agent's (tools/lib/deploy-target.ts,
 * io/update/agent.ts). One factory for both, given the session: the agent's firmware run with its
 * console on this process's pipes (under QEMU, or as a Linux board's process), or a board behind a
 * serial device (tools/lib/serial-line.ts). The session sees every byte of output and writes frames.
 */
import { PassThrough } from "node:stream";
import type { QemuResult } from "./qemu.ts";
import { openSerialLine } from "./serial-line.ts";

/** What the factory needs of a session: the device's output, as it comes. */
export interface AgentSession {
  feed(text: string): void;
}

/** What a session is given: the line to the device, and where the device's other output goes. */
export interface AgentLine {
  write: (data: Uint8Array) => void;
  print: (text: string) => void;
}

export interface AgentTarget<S> {
  session: S;
  /** Ends the run (the emulator stopped, the port closed); resolves with its result when there is one. */
  stop(): Promise<QemuResult | undefined>;
  /** Settles when the device side ends by itself (the emulator exited). */
  ended: Promise<QemuResult | undefined>;
}

/** What a run on pipes is given: runQemu's or runLinux's console options. */
export interface PipedConsole {
  input: PassThrough;
  /** Input waits until the agent printed this (the console is programmed by then). */
  inputAfter: string;
  onOutput: (text: string) => void;
  signal: AbortSignal;
}

/**
 * The agent's firmware with its console on pipes: `run` starts it (e.g. runQemu with these
 * options) and resolves when it ends; `ready` is the agent's first line.
 */
export function agentOnPipes<S extends AgentSession>(
  makeSession: (line: AgentLine) => S,
  print: (text: string) => void,
  ready: string,
  run: (console: PipedConsole) => Promise<QemuResult>,
): AgentTarget<S> {
  const input = new PassThrough();
  const abort = new AbortController();
  const session = makeSession({ write: (d) => input.write(d), print });
  const ended = run({ input, inputAfter: ready, onOutput: (text) => session.feed(text), signal: abort.signal });
  ended.catch(() => undefined);
  return {
    session,
    ended,
    stop: async () => {
      abort.abort();
      input.end();
      return ended;
    },
  };
}

/** A board running the agent's firmware behind a serial device, set raw at `baud`. */
export function agentOverPort<S extends AgentSession>(makeSession: (line: AgentLine) => S, port: string, baud: number, print: (text: string) => void): AgentTarget<S> {
  let session: S | undefined;
  const line = openSerialLine(port, baud, (t) => session?.feed(t), print);
  session = makeSession({ write: (d) => line.write(d), print });
  return { session, ended: line.ended, stop: line.stop };
}
