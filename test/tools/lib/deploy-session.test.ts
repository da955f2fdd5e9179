// The host's side of the unit transfer (tools/lib/deploy-session.ts) against the device's
// (io/update/transfer.ts) over a line that drops and damages frames and loses answers: the unit
// still arrives whole, resent from the device's offset; a device that stops answering, or keeps
// refusing frames, ends the transfer with a message instead of a hang.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { FrameDecoder } from "../../../io/repl/frame.ts";
import { UnitReceiver } from "../../../io/update/transfer.ts";
import { DeploySession, MAX_RETRIES, UnitSender, type SenderStep } from "../../../tools/lib/deploy-session.ts";

const test = suite("tools/lib/deploy-session");
const unit = new Uint8Array(5000).map((_, i) => (i * 13) & 0xff);

/** The device: frames in, answer lines out (what io/update/agent.ts says). */
function device() {
  const decoder = new FrameDecoder();
  const receiver = new UnitReceiver(100_000);
  let got: Uint8Array | undefined;
  return {
    get unit() {
      return got;
    },
    push(bytes: Uint8Array): string[] {
      return decoder.push(bytes).map((ev) => {
        const r = ev.kind === "error" ? receiver.damaged(ev.message) : receiver.frame(ev.payload);
        if (r.kind === "ack") return `ack ${r.offset}`;
        if (r.kind === "nak") return `nak ${r.offset} ${r.why}`;
        if (r.kind === "refused") return `refused ${r.why}`;
        got = r.unit;
        return "accepted 7";
      });
    },
  };
}

test("a clean line: begin, the chunks, end, accepted", () => {
  const d = device();
  const s = new UnitSender(unit, 1024);
  let step: SenderStep = s.start();
  while (step.kind === "send") step = s.answer(d.push(step.frame)[0]);
  assert.equal(step, { kind: "accepted", version: 7 });
  assert.equal([...(d.unit ?? [])], [...unit]);
  assert.is(s.framesSent, 1 + 5 + 1);
});

test("dropped frames, a damaged frame and a lost answer cost a resend each, not the transfer", () => {
  const d = device();
  const s = new UnitSender(unit, 1024);
  let step: SenderStep = s.start();
  let n = 0;
  while (step.kind === "send") {
    n++;
    let frame = step.frame;
    if (n === 1 || n === 3) {
      step = s.timeout(); // dropped on the line: no answer comes
      continue;
    }
    if (n === 5) {
      frame = frame.slice();
      frame[frame.length - 3] ^= 0x20; // damaged: the device's CRC check refuses it
    }
    const answers = d.push(frame);
    if (n === 7) {
      step = s.timeout(); // the device's answer was lost: the chunk is sent again, and acked as a repeat
      continue;
    }
    step = s.answer(answers[0]);
  }
  assert.equal(step, { kind: "accepted", version: 7 });
  assert.equal([...(d.unit ?? [])], [...unit]);
  assert.is(s.framesSent, 7 + 4);
});

test("a device that never answers, or refuses every frame, ends the transfer with a message", () => {
  const s = new UnitSender(unit);
  s.start();
  let step: SenderStep = { kind: "wait" };
  for (let i = 0; i <= MAX_RETRIES; i++) step = s.timeout();
  assert.equal(step, { kind: "refused", why: "transfer failed: the device stopped answering" });
  const t = new UnitSender(unit);
  t.start();
  t.answer("ack 0");
  for (let i = 0; i <= MAX_RETRIES; i++) step = t.answer("nak 0 frame checksum mismatch");
  assert.equal(step, { kind: "refused", why: "transfer failed: the line keeps damaging frames (frame checksum mismatch)" });
  const u = new UnitSender(unit);
  u.start();
  assert.equal(u.answer("refused unsigned unit"), { kind: "refused", why: "unsigned unit" });
});

test("DeploySession: the app's output is passed on, the answers drive the sender", async () => {
  const d = device();
  let shown = "";
  const session: DeploySession = new DeploySession({
    write: (bytes) => setImmediate(() => session.feed(`app says hi\n${d.push(bytes).map((a) => `\x1eUPDATE ${a}\n`).join("")}`)),
    print: (t) => (shown += t),
  });
  assert.equal(await session.send(unit, 1000), { ok: true, version: 7 });
  assert.match(shown, /^app says hi\n/);
  assert.not.match(shown, /UPDATE/);
});

test.run();
