/**
 * The simulator's stand-in for the engine's REPL part (engine/src/repl.c) in a REPL simulation
 * (`npm run repl -- --sim`, tools/sim/repl.ts): hal.image.exec and hal.image.watchBreak for the
 * agent io/repl/agent.ts, which runs unchanged.
 *
 * quickjs-emscripten's QuickJS cannot read tsmc's bytecode (another QuickJS version, another
 * format), so the host sends an input in the form the simulator can run: the same transpiled and
 * rewritten global script (tools/lib/repl-compile.ts), as text (simReplPayload). exec evaluates it
 * as a global script in the firmware's realm, as JS_EvalFunction does on the device. The
 * simulator is host-side code, so evaluating text here is not the device parsing source: the
 * device's engine still has no parser (docs/repl.md).
 *
 * watchBreak: while armed, the interrupt handler (which the simulator calls while JS computes)
 * feeds pending console input to the UART; a byte taken there is Ctrl-C, the only byte the host
 * sends while an input runs, and the handler stops the input with QuickJS's uncatchable
 * "InternalError: interrupted", which exec throws again as a catchable copy for the agent
 * (engine/src/repl.c does JS_ResetUncatchableError).
 */
import type { QuickJSContext, QuickJSHandle } from "quickjs-emscripten";

/** Payload = the script's name (its stack frames' file), NUL, the script. */
export function simReplPayload(scriptName: string, js: string): Uint8Array {
  return new TextEncoder().encode(`${scriptName}\0${js}`);
}

/** The payload's script and name, or why it is refused. */
function parsePayload(bytes: Uint8Array): { name: string; js: string } | string {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return "refusing REPL input: not UTF-8 text (the simulator takes the script, not bytecode)";
  }
  const nul = text.indexOf("\0");
  if (nul <= 0) return "refusing REPL input: not a simulator payload (a script name, NUL, the script)";
  return { name: text.slice(0, nul), js: text.slice(nul + 1) };
}

/** At most this often does the interrupt handler look for Ctrl-C. */
const BREAK_POLL_MS = 10;

export interface ReplHost {
  /** For the interrupt handler: whether an armed break was requested (`feed` offers pending
      input to the console UART, true if it took some). Disarms when it fires. */
  breakRequested(feed: () => boolean): boolean;
}

export function installReplHost(ctx: QuickJSContext, host: QuickJSHandle, o: { budget: () => boolean; afterEval: () => void }): ReplHost {
  let armed = false;
  let fired = false;
  let lastPoll = 0;
  // exec's answer: [refusal] or [undefined, value] (the array is the guest's, `value` is consumed).
  const answer = (refusal: string | undefined, value?: QuickJSHandle): QuickJSHandle => {
    const a = ctx.newArray();
    if (refusal !== undefined) ctx.newString(refusal).consume((s) => ctx.setProp(a, 0, s));
    if (value) value.consume((v) => ctx.setProp(a, 1, v));
    return a;
  };
  // Refusals are strings the guest runtime throws as TypeErrors (tools/sim/guest/runtime.ts): the
  // host can make only plain Errors.
  ctx
    .newFunction("replWatchBreak", (line) => {
      if (o.budget()) return ctx.newString("image.watchBreak: a job budget (--max-job-ms) owns the interrupt handler");
      armed = ctx.getNumber(line) >= 0;
      fired = false;
      return ctx.undefined;
    })
    .consume((h) => ctx.setProp(host, "replWatchBreak", h));
  ctx
    // Named as the engine's: its stack frame is "exec (native)", which the host leaves out (tools/lib/repl-session.ts).
    .newFunction("exec", (buffer) => {
      const script = parsePayload(ctx.getArrayBuffer(buffer).consume((l) => l.value.slice()));
      if (typeof script === "string") return answer(script);
      const r = ctx.evalCode(script.js, script.name, { type: "global" });
      o.afterEval();
      if (!r.error) return answer(undefined, r.value);
      if (!fired) throw r.error;
      // Stopped by Ctrl-C: the same error, catchable.
      fired = false;
      const stack = r.error.consume((e) => ctx.getProp(e, "stack").consume((s) => (ctx.typeof(s) === "string" ? ctx.getString(s) : "")));
      const copy = ctx.newError({ name: "InternalError", message: "interrupted" });
      ctx.newString(stack).consume((s) => ctx.setProp(copy, "stack", s));
      throw copy;
    })
    .consume((h) => ctx.setProp(host, "replExec", h));
  return {
    breakRequested(feed) {
      if (!armed) return false;
      const now = performance.now();
      if (now - lastPoll < BREAK_POLL_MS) return false;
      lastPoll = now;
      if (!feed()) return false;
      armed = false;
      fired = true;
      return true;
    },
  };
}
