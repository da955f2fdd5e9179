/**
 * The update agent (docs/updates.md): the app of a firmware built with --updatable, on the engine
 * with the image-exec part (engine/src/repl.c, EngineOptions.repl). It runs the app unit the build
 * put in the image, then receives new units over the console line (io/update/transfer.ts in REPL
 * frames, io/repl/frame.ts), verifies each whole unit (io/update/unit.ts: lengths, CRCs, engine
 * and base fingerprints, the Ed25519 signature when the base has a key, a version above the
 * running one), and only then switches: the old app's timers are cancelled and the new unit is run
 * in this realm (hal.image.exec checks its bytecode image again). The new app must call
 * update.confirm() within the confirm time, or the agent returns to the previous unit, kept in RAM.
 */
import { board, type Serial } from "../index.ts";
import * as hal from "hal";
import { appApi } from "./app-api.ts";
import { FrameDecoder } from "../repl/frame.ts";
import { acceptUnit, decodeUnit, MAX_UNIT_BODY, UNIT_HEADER_SIZE, type AppUnit } from "./unit.ts";
import { CHUNK_SIZE, UnitReceiver, UPDATE_MARKER } from "./transfer.ts";
import { setUpdateAgent } from "./api.ts";
import { verifyEd25519 } from "./verify.ts";
import { appTimers } from "./app-timers.ts";

// Build-time facts (tools/lib/update-base.ts passes them as --define strings).
declare const UPDATE_ENGINE_FP: string;
declare const UPDATE_BASE_FP: string;
declare const UPDATE_PUBLIC_KEY: string;
declare const UPDATE_INITIAL_APP: string;
declare const UPDATE_CONFIRM_MS: string;

const exec = hal.image.exec;
if (!exec) throw new Error("the update agent needs the engine's image-exec part (build with --updatable)");

const fromHex = (h: string): Uint8Array => new Uint8Array((h.match(/../g) ?? []).map((x) => parseInt(x, 16)));
const fromBase64 = (s: string): Uint8Array => {
  const abc = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const clean = s.replace(/=+$/, "");
  const out = new Uint8Array((clean.length * 3) >> 2);
  let acc = 0, bits = 0, o = 0;
  for (let i = 0; i < clean.length; i++) {
    acc = (acc << 6) | abc.indexOf(clean[i]);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  return out;
};

const engineFingerprint = parseInt(UPDATE_ENGINE_FP, 16) >>> 0;
const baseFingerprint = fromHex(UPDATE_BASE_FP);
const publicKey = UPDATE_PUBLIC_KEY ? fromHex(UPDATE_PUBLIC_KEY) : undefined;
const confirmMs = Number(UPDATE_CONFIRM_MS);

const say = (what: string): void => console.log(`${UPDATE_MARKER}${what}`);

/** The app running now, and the one to return to until it is confirmed. */
let running: AppUnit;
let previous: AppUnit | undefined;
let confirmTimer = 0;

// The deployed app's "tsmetal" and "hal" (tools/lib/app-unit.ts resolves its imports to these).
(globalThis as Record<symbol, unknown>)[Symbol.for("tsmetal.api")] = appApi;
(globalThis as Record<symbol, unknown>)[Symbol.for("tsmetal.hal")] = hal;

/** Starts `unit`: its top level runs now; a throw is the caller's to handle. */
function start(unit: AppUnit): void {
  appTimers.cancelAll();
  running = unit;
  appTimers.track(() => exec!(unit.body));
}

function switchTo(unit: AppUnit): void {
  previous = running;
  try {
    start(unit);
  } catch (e) {
    rollBack(`it threw at start: ${String(e)}`);
    return;
  }
  confirmTimer = appTimers.setTimeout(() => rollBack(`not confirmed within ${confirmMs} ms`), confirmMs);
}

function rollBack(why: string): void {
  const back = previous;
  if (!back) return;
  previous = undefined;
  appTimers.clearTimeout(confirmTimer);
  say(`rollback ${running.version} to ${back.version}: ${why}`);
  try {
    start(back);
  } catch (e) {
    say(`previous app ${back.version} threw at start: ${String(e)}`);
  }
}

setUpdateAgent({
  confirm: () => {
    if (!previous) return false;
    previous = undefined;
    appTimers.clearTimeout(confirmTimer);
    say(`confirmed ${running.version}`);
    return true;
  },
  version: () => running.version,
  pending: () => previous !== undefined,
});

// A unit is refused at its begin frame if it could not be held beside the previous one and the
// signature check's copy of the signed message: at most a third of the heap free now (and MAX_UNIT_BODY).
const heap = hal.mem.stats();
const receiver = new UnitReceiver(Math.min(UNIT_HEADER_SIZE + MAX_UNIT_BODY, Math.floor((heap.limit - heap.used) / 3)));
// Frames carry at most one chunk: a longer one (a forged header) is refused before it is buffered.
const decoder = new FrameDecoder(CHUNK_SIZE + 5);
const serial: Serial = board().openSerial({ format: "buffer" });

function complete(bytes: Uint8Array): void {
  let unit: AppUnit;
  try {
    if (previous) throw new Error(`app ${running.version} is not confirmed yet; deploy again once it is`);
    // The receiver's buffer is the unit's own: each begin frame allocates a new one.
    unit = acceptUnit(bytes, { engineFingerprint, baseFingerprint, runningVersion: running.version, publicKey, verify: verifyEd25519 });
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    console.log(`tsmetal: update refused: ${why}; app ${running.version} keeps running`);
    say(`refused ${why}`);
    return;
  }
  say(`accepted ${unit.version}`);
  // As a job of its own, not inside the console's interrupt handler.
  appTimers.setTimeout(() => switchTo(unit), 0);
}

serial.onReadable = () => {
  const data = serial.read();
  if (!(data instanceof ArrayBuffer)) return;
  for (const ev of decoder.push(new Uint8Array(data))) {
    const r = ev.kind === "error" ? receiver.damaged(ev.message) : receiver.frame(ev.payload);
    if (r.kind === "ack") say(`ack ${r.offset}`);
    else if (r.kind === "nak") say(`nak ${r.offset} ${r.why}`);
    else if (r.kind === "refused") say(`refused ${r.why}`);
    else complete(r.unit);
  }
};

// The app the image carries: checked as any unit but the signature (the image is the base's own).
const initial = decodeUnit(fromBase64(UPDATE_INITIAL_APP));
running = initial;
say(`ready ${initial.version}`);
try {
  start(initial);
} catch (e) {
  console.log(`tsmetal: the built-in app threw at start: ${String(e)}`);
}
