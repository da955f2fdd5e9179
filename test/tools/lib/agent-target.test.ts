/**
 * tools/lib/agent-target.ts: the one factory behind the REPL's and the deploy's targets, with a
 * stand-in for the emulator: the session gets the device's output and writes to its input, input
 * is gated on the agent's ready line, and stop() ends the run through its signal.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { agentOnPipes, type AgentLine, type PipedConsole } from "../../../tools/lib/agent-target.ts";
import type { QemuResult } from "../../../tools/lib/qemu.ts";

class EchoSession {
  fed = "";
  constructor(readonly line: AgentLine) {}
  feed(text: string): void {
    this.fed += text;
  }
}

test("the session's writes reach the run's input, the run's output the session; stop() aborts the run", async () => {
  let piped: PipedConsole | undefined;
  let input = "";
  const printed: string[] = [];
  const t = agentOnPipes((line) => new EchoSession(line), (s) => printed.push(s), "\x1eAGENT ready", (c) => {
    piped = c;
    c.input.on("data", (d: Buffer) => (input += d.toString("latin1")));
    return new Promise<QemuResult>((resolve) => c.signal.addEventListener("abort", () => resolve({ code: 130 } as QemuResult)));
  });
  assert.ok(piped);
  assert.is(piped!.inputAfter, "\x1eAGENT ready");
  piped!.onOutput("\x1eAGENT ready\n");
  assert.is(t.session.fed, "\x1eAGENT ready\n");
  t.session.line.write(Uint8Array.of(0x41, 0x42));
  t.session.line.print("shown");
  await new Promise((r) => setImmediate(r));
  assert.is(input, "AB");
  assert.equal(printed, ["shown"]);
  const r = await t.stop();
  assert.is(r?.code, 130);
  assert.is(await t.ended, r);
});

test("a run that fails does not end the test process before someone awaits it", async () => {
  const t = agentOnPipes((line) => new EchoSession(line), () => undefined, "x", () => Promise.reject(new Error("no QEMU")));
  await new Promise((r) => setTimeout(r, 10));
  const e = await t.ended.then(() => undefined, (x: unknown) => x);
  assert.match(String(e), /no QEMU/);
});

test.run();
