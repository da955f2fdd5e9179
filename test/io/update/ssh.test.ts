/**
 * io/update/ssh.ts: the `update` exec command. The collector bounds a unit by its own header and
 * the base's limit, in any split of the stream; the session answers on stdout or stderr with an
 * exit status, and refuses other commands.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { UnitCollector, updateSshSession } from "../../../io/update/ssh.ts";
import { encodeUnit, UNIT_HEADER_SIZE } from "../../../io/update/unit.ts";
import type { SshSession } from "../../../stacks/ssh/channel.ts";
import type { UpdateService, UpdateVerdict } from "../../../io/update/service.ts";

const unit = (n = 500) => encodeUnit({ engineFingerprint: 1, baseFingerprint: new Uint8Array(16), version: 2 }, new Uint8Array(n).fill(9));

function feed(c: UnitCollector, bytes: Uint8Array, step: number) {
  let last = c.push(new Uint8Array(0));
  for (let i = 0; i < bytes.length; i += step) {
    last = c.push(bytes.subarray(i, i + step));
    if (last.kind === "refused") return last;
  }
  return c.end();
}

test("a unit in any split arrives whole", () => {
  const u = unit();
  for (const step of [1, 7, 111, 112, 113, 612, 4096]) {
    const r = feed(new UnitCollector(10_000), u, step);
    assert.is(r.kind, "complete", `step ${step}`);
    if (r.kind === "complete") assert.equal(r.unit, u);
  }
});

test("over the base's limit: refused as soon as the header is in", () => {
  const c = new UnitCollector(400);
  const u = unit();
  assert.equal(c.push(u.subarray(0, UNIT_HEADER_SIZE - 1)), { kind: "more" });
  assert.equal(c.push(u.subarray(UNIT_HEADER_SIZE - 1, UNIT_HEADER_SIZE)), { kind: "refused", why: `unit of ${u.length} bytes exceeds this base's limit of 400` });
  assert.is(c.push(u.subarray(UNIT_HEADER_SIZE)).kind, "refused");
  assert.is(c.end().kind, "refused");
});

test("bytes beyond the announced length, and EOF before it, are refused", () => {
  const u = unit();
  const longer = new Uint8Array(u.length + 1);
  longer.set(u);
  assert.equal(feed(new UnitCollector(10_000), longer, 1000), { kind: "refused", why: `more than the ${u.length} bytes the unit header announces` });
  assert.equal(feed(new UnitCollector(10_000), u.subarray(0, 300), 64), { kind: "refused", why: `truncated transfer: 300 of ${u.length} bytes arrived` });
  assert.equal(feed(new UnitCollector(10_000), u.subarray(0, 50), 64), { kind: "refused", why: `truncated transfer: 50 of at least ${UNIT_HEADER_SIZE} bytes arrived` });
});

class FakeSession implements SshSession {
  readonly user = "me";
  readonly pty = null;
  stdout = "";
  stderr = "";
  status: number | undefined;
  onData: ((data: Uint8Array) => void) | null = null;
  onEof: (() => void) | null = null;
  onResize: ((cols: number, rows: number) => void) | null = null;
  onClose: (() => void) | null = null;
  write(d: string | Uint8Array): void {
    this.stdout += typeof d === "string" ? d : new TextDecoder().decode(d);
  }
  writeError(d: string | Uint8Array): void {
    this.stderr += typeof d === "string" ? d : new TextDecoder().decode(d);
  }
  exit(status: number): void {
    assert.is(this.status, undefined, "one exit");
    this.status = status;
  }
}

function service(verdict: UpdateVerdict, max = 10_000): UpdateService & { offered: Uint8Array[] } {
  const offered: Uint8Array[] = [];
  return { offered, maxUnitBytes: max, offer: (u) => (offered.push(u), verdict) };
}

test("exec update: the unit from stdin is offered at EOF; accepted on stdout with exit 0", () => {
  const s = service({ ok: true, version: 2 });
  const session = new FakeSession();
  updateSshSession(() => s).exec!(session, "update");
  const u = unit();
  session.onData!(u.subarray(0, 200));
  session.onData!(u.subarray(200));
  assert.is(s.offered.length, 0, "nothing offered before EOF");
  session.onEof!();
  assert.equal(s.offered, [u]);
  assert.is(session.stdout, "accepted 2\n");
  assert.is(session.status, 0);
});

test("exec update: the agent's refusal on stderr with exit 1; a transfer refused early is never offered", () => {
  const s = service({ ok: false, why: "bad signature: not signed with this base's key, or altered", busy: false });
  const session = new FakeSession();
  updateSshSession(() => s).exec!(session, " update\n");
  session.onData!(unit());
  session.onEof!();
  assert.is(session.stderr, "refused: bad signature: not signed with this base's key, or altered\n");
  assert.is(session.status, 1);

  const small = service({ ok: true, version: 2 }, 300);
  const early = new FakeSession();
  updateSshSession(() => small).exec!(early, "update");
  early.onData!(unit());
  assert.is(early.status, 1);
  assert.match(early.stderr, /^refused: unit of 612 bytes exceeds this base's limit of 300\n$/);
  early.onData!(new Uint8Array(10));
  early.onEof!();
  assert.is(small.offered.length, 0);
});

test("another command: exit 2 naming the one there is", () => {
  const session = new FakeSession();
  updateSshSession(() => service({ ok: true, version: 2 })).exec!(session, "uptime");
  assert.is(session.status, 2);
  assert.is(session.stderr, 'unknown command "uptime": this server takes "update", with the app unit on standard input\n');
  assert.is(updateSshSession().shell, undefined, "no shell is offered");
});

test.run();
