/**
 * The device side of `npm run repl` (docs/repl.md): the app of a REPL firmware, built only by that
 * command (with the engine's TSM_REPL part, engine/src/repl.c), never part of another firmware.
 *
 * It reads frames (io/repl/frame.ts) from the console's serial port, each holding one input that
 * the host transpiled and compiled to bytecode, hands the payload to hal.image.exec (which checks
 * it as the image loader checks a unit, and runs it in this realm's global scope), waits for the
 * input's promise (the host wraps each input in an async function, for top-level await) and
 * prints the value with the device's inspect. Lines starting with MARKER tell the host where an
 * input's output ends; everything else is the input's own output.
 *
 * Ctrl-C: while an input runs, the host sends only the break byte. hal.image.watchBreak stops JS
 * that is running when the console's receive interrupt is taken; an input that is waiting
 * (a promise that never settles) is let go when the byte is read here.
 */
import { image } from "hal";
import { board, type Serial } from "../index.ts";
import { inspect } from "../../runtime/format/inspect.ts";
import { FrameDecoder, MARKER } from "./frame.ts";

const exec = image.exec;
const watchBreak = image.watchBreak;
if (!exec || !watchBreak) throw new Error("the REPL agent needs a REPL engine (npm run repl builds one)");

const say = (what: string): void => console.log(`${MARKER}${what}`);

const serial: Serial = board().openSerial({ format: "buffer" });
const decoder = new FrameDecoder();
/** The input being evaluated: its number, so that a late settlement of a let-go one is ignored. */
let running = 0;
let inputs = 0;

function finish(n: number, text: string): void {
  if (running !== n) return;
  running = 0;
  watchBreak!(-1);
  console.log(text);
  say("done");
}

function run(payload: Uint8Array): void {
  const n = ++inputs;
  running = n;
  watchBreak!(serial.line);
  let result: unknown;
  try {
    result = exec!(payload);
  } catch (e) {
    finish(n, `Uncaught ${inspect(e)}`);
    return;
  }
  // The input's completion value is the promise of its async wrapper (tools/lib/repl-compile.ts).
  Promise.resolve(result).then(
    (v) => finish(n, inspect(v)),
    (e: unknown) => finish(n, `Uncaught ${inspect(e)}`),
  );
}

serial.onReadable = () => {
  const data = serial.read();
  if (!(data instanceof ArrayBuffer)) return;
  const bytes = new Uint8Array(data);
  if (running !== 0) {
    // Only the break byte comes while an input runs; its JS was stopped already if it was running.
    decoder.reset();
    finish(running, "Interrupted (Ctrl-C); the input's pending work may still run later");
    return;
  }
  for (const ev of decoder.push(bytes)) {
    if (ev.kind === "error") {
      say(`refused ${ev.message}; not run`);
      continue;
    }
    // As a job of its own, not inside this interrupt handler: the console's line stays masked
    // until the handler returns (docs/interrupts.md), and Ctrl-C needs it unmasked.
    const payload = ev.payload;
    running = -1;
    queueMicrotask(() => run(payload));
  }
};

say("ready");
