/**
 * The update agent (docs/updates.md): the app of a firmware built with --updatable, on the engine
 * with the image-exec part (engine/src/repl.c, EngineOptions.repl). It runs the app unit the build
 * put in the image, then receives new units over the console line (io/update/transfer.ts in REPL
 * frames, io/repl/frame.ts), verifies each whole unit (io/update/unit.ts: lengths, CRCs, engine
 * and base fingerprints, the Ed25519 signature when the base has a key, a version above the
 * running one), and only then switches by a soft restart (hal.image.restart, engine/src/restart.c):
 * the firmware boots again from its engine snapshot, so nothing of the old app survives, and the
 * agent finds the new unit and the previous one in the bytes the restart kept (io/update/handoff.ts)
 * and runs the new one (hal.image.exec checks its bytecode image again). The new app must call
 * update.confirm() within the confirm time, or the agent restarts into the previous unit. A base
 * built with a disk keeps the confirmed unit and the highest confirmed version on the card for the
 * next boot (io/update/keep.ts).
 */
import { board, type Serial } from "../index.ts";
import * as hal from "hal";
import { appApi } from "./app-api.ts";
import { FrameDecoder } from "../repl/frame.ts";
import { acceptUnit, decodeUnit, MAX_UNIT_BODY, UNIT_HEADER_SIZE, type AppUnit } from "./unit.ts";
import { CHUNK_SIZE, UnitReceiver, UPDATE_MARKER } from "./transfer.ts";
import { setUpdateAgent } from "./api.ts";
import { verifyEd25519 } from "./verify.ts";
import { setUpdateService, unitLimit, whenTransportsIdle, type UpdateVerdict } from "./service.ts";
import { decodeHandoff, encodeHandoff } from "./handoff.ts";
import { cardKeeper } from "./card.ts";
import { stopBusMasters } from "../../drivers/interfaces/bus-master.ts";

// Build-time facts (tools/lib/update-base.ts passes them as --define strings).
declare const UPDATE_ENGINE_FP: string;
declare const UPDATE_BASE_FP: string;
declare const UPDATE_PUBLIC_KEY: string;
declare const UPDATE_INITIAL_APP: string;
declare const UPDATE_CONFIRM_MS: string;
/** "1" when the base keeps confirmed units on its card (tools/lib/update-base.ts `keep`). */
declare const UPDATE_KEEP: string;

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
// A constant after the build's define: a base without a disk bundles no storage code.
const keeper = UPDATE_KEEP === "1" ? cardKeeper : undefined;

const say = (what: string): void => console.log(`${UPDATE_MARKER}${what}`);

/** The app running now, and the one to return to until it is confirmed. */
let running: AppUnit;
let previous: AppUnit | undefined;
let confirmTimer = 0;
/** The highest version confirmed so far (the card's record, kept across restarts): deploys must be above it. */
let floor = 0;
/** Each unit's bytes as received, for the restart's handoff and the card. */
const unitBytes = new WeakMap<AppUnit, Uint8Array>();
const bytesOf = (u: AppUnit): Uint8Array => unitBytes.get(u) as Uint8Array;
const why = (e: unknown): string => (e instanceof Error ? e.message : String(e));

// The deployed app's "tsmetal" and "hal" (tools/lib/app-unit.ts resolves its imports to these).
(globalThis as Record<symbol, unknown>)[Symbol.for("tsmetal.api")] = appApi;
(globalThis as Record<symbol, unknown>)[Symbol.for("tsmetal.hal")] = hal;

/** Starts `unit`: its top level runs now; a throw is the caller's to handle. */
function start(unit: AppUnit): void {
  running = unit;
  exec!(unit.body);
}

/** Boots the firmware again into `run`, with `back` to return to unless `run` confirms itself. */
function restartInto(run: AppUnit, back: AppUnit | undefined): void {
  // Devices that write memory on their own are stopped once the restart can happen, before the
  // DMA region is handed out again (drivers/interfaces/bus-master.ts); one that does not stop
  // leaves the running app in place, and the error says which.
  hal.image.restart!(encodeHandoff({ run: bytesOf(run), previous: back && bytesOf(back), floor }), () => {
    const stopped = stopBusMasters();
    if (stopped.length > 0) console.log(`tsmetal: stopped ${stopped.join(", ")} for the restart`);
  });
}

function switchTo(unit: AppUnit): void {
  try {
    restartInto(unit, running);
  } catch (e) {
    console.log(`tsmetal: cannot restart into app ${unit.version}: ${why(e)}; app ${running.version} keeps running`);
  }
}

/** After the restart into a deployed unit: runs it, and returns to `back` unless it confirms in time. */
function startSwitched(unit: AppUnit, back: AppUnit): void {
  previous = back;
  try {
    start(unit);
  } catch (e) {
    rollBack(`it threw at start: ${String(e)}`);
    return;
  }
  if (previous) confirmTimer = setTimeout(() => rollBack(`not confirmed within ${confirmMs} ms`), confirmMs);
}

function rollBack(reason: string): void {
  const back = previous;
  if (!back) return;
  say(`rollback ${running.version} to ${back.version}: ${reason}`);
  try {
    restartInto(back, undefined);
  } catch (e) {
    say(`cannot restart into the previous app ${back.version}: ${why(e)}`);
  }
}

/** While the confirmed unit is written to the card, no other is taken: a restart would cut the write short. */
let keeping = false;

/** Keeps the confirmed `unit` on the card for the next boot (bases built with a disk). */
function keepConfirmed(unit: AppUnit): void {
  if (!keeper) return;
  keeping = true;
  keeper
    .keep(bytesOf(unit), unit.version)
    .then(
      () => say(`kept ${unit.version}`),
      (e) => console.log(`tsmetal: could not keep app ${unit.version} on the card: ${why(e)}; it runs until the next boot`),
    )
    .finally(() => (keeping = false));
}

setUpdateAgent({
  confirm: () => {
    if (!previous) return false;
    previous = undefined;
    clearTimeout(confirmTimer);
    say(`confirmed ${running.version}`);
    floor = Math.max(floor, running.version);
    keepConfirmed(running);
    return true;
  },
  version: () => running.version,
  pending: () => previous !== undefined,
});

// A unit is refused at its begin frame if it could not be held beside the previous one and the
// signature check's copy of the signed message: at most a third of the heap free now (and MAX_UNIT_BODY).
const receiverLimit = unitLimit(hal.mem.stats(), MAX_UNIT_BODY, UNIT_HEADER_SIZE);
const receiver = new UnitReceiver(receiverLimit);
// Frames carry at most one chunk: a longer one (a forged header) is refused before it is buffered.
const decoder = new FrameDecoder(CHUNK_SIZE + 5);
const serial: Serial = board().openSerial({ format: "buffer" });

/** Between an accepted unit and its switch: a second offer (another connection) is refused as busy. */
let switching = false;

/** A whole unit from any transport (the console line here, the network: io/update/service.ts). */
function offer(bytes: Uint8Array): UpdateVerdict {
  let unit: AppUnit;
  const busy = previous !== undefined || switching || keeping;
  try {
    if (keeping) throw new Error(`app ${running.version} is being written to the card; deploy again in a moment`);
    if (switching) throw new Error("another unit was just accepted; deploy again once it is confirmed");
    if (busy) throw new Error(`app ${running.version} is not confirmed yet; deploy again once it is`);
    // The caller's buffer is the unit's own: each transfer allocates a new one.
    unit = acceptUnit(bytes, { engineFingerprint, baseFingerprint, runningVersion: running.version, publicKey, verify: verifyEd25519 });
    if (unit.version <= floor) throw new Error(`version ${unit.version} is not above the highest confirmed version ${floor} (rollback refused)`);
    unitBytes.set(unit, bytes);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    console.log(`tsmetal: update refused: ${why}; app ${running.version} keeps running`);
    return { ok: false, why, busy };
  }
  // As a job of its own, not inside the console's interrupt handler or the transport's answer,
  // once a network transport's answer is through (io/update/service.ts).
  switching = true;
  whenTransportsIdle(() => {
    switching = false;
    switchTo(unit);
  });
  return { ok: true, version: unit.version };
}
setUpdateService({ offer, maxUnitBytes: receiverLimit });

function complete(bytes: Uint8Array): void {
  const v = offer(bytes);
  say(v.ok ? `accepted ${v.version}` : `refused ${v.why}`);
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
const initialBytes = fromBase64(UPDATE_INITIAL_APP);
const initial = decodeUnit(initialBytes);
unitBytes.set(initial, initialBytes);
running = initial;

/** Runs `unit` as the app of this boot (no confirm pending). */
function startSettled(unit: AppUnit, what: string): void {
  say(`ready ${unit.version}`);
  try {
    start(unit);
  } catch (e) {
    console.log(`tsmetal: ${what} threw at start: ${String(e)}`);
  }
}

/**
 * A unit the restart kept: the bytes are the ones this base accepted before the restart (signature
 * and body CRC included), checked by the engine against a checksum taken then. Here its header
 * (CRC, format, length) and fingerprints are checked again; not the signature, nor the body's
 * CRC, whose bytes the engine's check covers and whose bytecode image hal.image.exec checks
 * against the image's own checks before it is read (docs/updates.md, "The soft restart").
 */
function keptUnit(bytes: Uint8Array): AppUnit {
  const u = acceptUnit(bytes, { engineFingerprint, baseFingerprint, runningVersion: -1, verify: verifyEd25519, bodyChecked: true });
  unitBytes.set(u, bytes);
  return u;
}

/** A unit from the card: checked as a deployed one, signature included, and not below the floor. */
function cardUnit(bytes: Uint8Array): AppUnit {
  const u = acceptUnit(bytes, { engineFingerprint, baseFingerprint, runningVersion: -1, publicKey, verify: verifyEd25519 });
  if (u.version < floor) throw new Error(`its version ${u.version} is below the highest confirmed version ${floor} (rollback refused)`);
  unitBytes.set(u, bytes);
  return u;
}

async function bootFromCard(card: NonNullable<typeof keeper>): Promise<void> {
  let state;
  try {
    state = await card.read();
  } catch (e) {
    console.log(`tsmetal: no app kept on the card (${why(e)}); running the built-in app ${initial.version}`);
    return startSettled(initial, "the built-in app");
  }
  floor = state.floor;
  if (!state.unit) return startSettled(initial, "the built-in app");
  let u: AppUnit;
  try {
    u = cardUnit(state.unit);
  } catch (e) {
    console.log(`tsmetal: the app kept on the card was refused: ${why(e)}; running the built-in app ${initial.version}`);
    return startSettled(initial, "the built-in app");
  }
  console.log(`tsmetal: running app ${u.version}, kept on the card`);
  startSettled(u, `the kept app ${u.version}`);
}

const kept = hal.image.kept?.();
let handoff;
try {
  handoff = kept ? decodeHandoff(new Uint8Array(kept)) : undefined;
} catch (e) {
  console.log(`tsmetal: the restart's handoff was refused: ${why(e)}`);
}
if (handoff) {
  floor = handoff.floor;
  let run: AppUnit | undefined, back: AppUnit | undefined;
  try {
    run = keptUnit(handoff.run);
    back = handoff.previous && keptUnit(handoff.previous);
  } catch (e) {
    console.log(`tsmetal: the unit kept across the restart was refused: ${why(e)}; running the built-in app ${initial.version}`);
  }
  if (run && back) {
    say(`switched ${run.version}`);
    startSwitched(run, back);
  } else startSettled(run ?? initial, run ? `app ${run.version}` : "the built-in app");
} else if (keeper) {
  bootFromCard(keeper).catch((e) => console.log(`tsmetal: booting from the card failed: ${why(e)}`));
} else startSettled(initial, "the built-in app");
