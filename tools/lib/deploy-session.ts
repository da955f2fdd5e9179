/**
 * The host's side of the serial transfer of an app unit (io/update/transfer.ts, docs/updates.md):
 * stop-and-wait with the device's acknowledgements, resending from the device's offset after a
 * nak or a silence (a dropped frame), so a damaged or lost frame costs one chunk, not the transfer.
 */
import { encodeFrame } from "../../io/repl/frame.ts";
import { beginPayload, CHUNK_SIZE, dataPayload, endPayload, UPDATE_MARKER } from "../../io/update/transfer.ts";

export type SenderStep =
  | { readonly kind: "send"; readonly frame: Uint8Array }
  | { readonly kind: "accepted"; readonly version: number }
  | { readonly kind: "refused"; readonly why: string }
  | { readonly kind: "wait" };

/** How long the device may take to verify a whole unit (Ed25519 in the interpreter) before the
    end frame is sent again. */
export const VERDICT_MS = 60_000;

/** Resends of one frame before the transfer is given up (a device that stopped answering). */
export const MAX_RETRIES = 8;

/** The sender as a pure state machine: frames out, the agent's answers in. */
export class UnitSender {
  private acked = -1;
  private phase: "begin" | "data" | "end" | "over" = "begin";
  private retries = 0;
  /** Every frame sent, resends included (tests count them). */
  framesSent = 0;

  constructor(private readonly unit: Uint8Array, private readonly chunk = CHUNK_SIZE) {}

  /** Whether the end frame is out: the device is verifying (a signature check takes seconds). */
  get verdictPending(): boolean {
    return this.phase === "end";
  }

  /** The first frame. */
  start(): SenderStep {
    return this.current();
  }

  /** One of the agent's lines (without the marker). */
  answer(what: string): SenderStep {
    if (this.phase === "over") return { kind: "wait" };
    const [word, n, ...rest] = what.split(" ");
    if (word === "refused") {
      this.phase = "over";
      return { kind: "refused", why: what.slice("refused ".length) };
    }
    if (word === "accepted") {
      this.phase = "over";
      return { kind: "accepted", version: Number(n) };
    }
    const offset = Number(n);
    if ((word !== "ack" && word !== "nak") || !Number.isInteger(offset) || offset < 0 || offset > this.unit.length) return { kind: "wait" };
    if (word === "nak" && ++this.retries > MAX_RETRIES) return this.giveUp(`the line keeps damaging frames (${rest.join(" ")})`);
    // A nak before the begin frame was acknowledged: the begin itself was damaged; send it again.
    if (word === "ack" || this.acked >= 0) {
      if (word === "ack" && offset > this.acked) this.retries = 0;
      this.acked = offset;
    }
    this.phase = this.acked < 0 ? "begin" : offset < this.unit.length ? "data" : "end";
    return this.current();
  }

  /** No answer in time: the frame or its answer was lost; send it again. */
  timeout(): SenderStep {
    if (this.phase === "over") return { kind: "wait" };
    if (++this.retries > MAX_RETRIES) return this.giveUp("the device stopped answering");
    return this.current();
  }

  private giveUp(why: string): SenderStep {
    this.phase = "over";
    return { kind: "refused", why: `transfer failed: ${why}` };
  }

  private current(): SenderStep {
    this.framesSent++;
    if (this.phase === "begin") return { kind: "send", frame: encodeFrame(beginPayload(this.unit.length)) };
    if (this.phase === "end") return { kind: "send", frame: encodeFrame(endPayload(this.unit.length)) };
    const at = Math.max(this.acked, 0);
    return { kind: "send", frame: encodeFrame(dataPayload(at, this.unit.subarray(at, at + this.chunk))) };
  }
}

export interface DeployChannel {
  write(data: Uint8Array): void;
  /** Lines other than the agent's answers: the running app's own output. */
  print(text: string): void;
}

export type DeployOutcome = { readonly ok: true; readonly version: number } | { readonly ok: false; readonly why: string };

/** Runs transfers over a byte channel; feed it the device's output as it comes. */
export class DeploySession {
  private partial = "";
  private listener: ((what: string) => void) | undefined;
  private readonly seen: string[] = [];

  constructor(private readonly ch: DeployChannel) {}

  feed(text: string): void {
    this.partial += text;
    let nl: number;
    while ((nl = this.partial.indexOf("\n")) >= 0) {
      const line = this.partial.slice(0, nl).replace(/\r$/, "");
      this.partial = this.partial.slice(nl + 1);
      const m = line.indexOf(UPDATE_MARKER);
      if (m < 0) {
        this.ch.print(`${line}\n`);
        continue;
      }
      if (m > 0) this.ch.print(`${line.slice(0, m)}\n`);
      const what = line.slice(m + UPDATE_MARKER.length);
      this.seen.push(what);
      this.listener?.(what);
    }
  }

  /** Resolves with the first agent line matching `re` (seen before or after the call). */
  waitFor(re: RegExp): Promise<string> {
    const old = this.seen.find((s) => re.test(s));
    if (old !== undefined) return Promise.resolve(old);
    return new Promise((resolve) => {
      const prev = this.listener;
      this.listener = (w) => {
        prev?.(w);
        if (re.test(w)) resolve(w);
      };
    });
  }

  /** Sends one unit; `timeoutMs` of silence resends the outstanding frame (`verdictMs` after the end frame). */
  send(unit: Uint8Array, timeoutMs = 2000, damage?: (frame: Uint8Array, n: number) => Uint8Array | undefined): Promise<DeployOutcome> {
    const sender = new UnitSender(unit);
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      let n = 0;
      const step = (s: SenderStep): void => {
        clearTimeout(timer);
        if (s.kind === "wait") return arm();
        if (s.kind === "accepted") return finish({ ok: true, version: s.version });
        if (s.kind === "refused") return finish({ ok: false, why: s.why });
        // A test hook: send a damaged frame, or none (a dropped one), in place of frame n.
        const out = damage ? damage(s.frame, n++) : s.frame;
        if (out) this.ch.write(out);
        arm();
      };
      const arm = () => {
        clearTimeout(timer);
        timer = setTimeout(() => step(sender.timeout()), sender.verdictPending ? VERDICT_MS : timeoutMs);
      };
      const finish = (o: DeployOutcome) => {
        clearTimeout(timer);
        this.listener = undefined;
        resolve(o);
      };
      this.listener = (w) => step(sender.answer(w));
      step(sender.start());
    });
  }
}
