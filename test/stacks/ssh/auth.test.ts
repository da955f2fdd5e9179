/**
 * stacks/ssh/auth.ts: publickey only (RFC 4252 7). "none" and "password" get USERAUTH_FAILURE
 * listing publickey; a query for an authorized key gets PK_OK, for another key FAILURE; a
 * signature by the wrong key or over the wrong session fails; MAX_ATTEMPTS failures end the
 * connection with NO_MORE_AUTH_METHODS_AVAILABLE.
 */
import { sign } from "node:crypto";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { MAX_ATTEMPTS } from "../../../stacks/ssh/auth.ts";
import { hostKey, parseAuthorizedKeys } from "../../../stacks/ssh/keys.ts";
import { TestClient, Reader, bool, byte, clientKey, disconnectOf, str } from "../../support/ssh-client.ts";

const good = clientKey();
const bad = clientKey();

function started(): TestClient {
  const c = new TestClient({ hostKey: hostKey(new Uint8Array(32).fill(1)), authorizedKeys: parseAuthorizedKeys(good.line), handler: { exec: (s) => s.exit(0) } });
  c.handshake();
  c.send(Buffer.concat([byte(5), str("ssh-userauth")]));
  assert.is(c.pump()[0][0], 6);
  return c;
}

const request = (method: string, ...rest: Buffer[]) => Buffer.concat([byte(50), str("u"), str("ssh-connection"), str(method), ...rest]);

function failureMethods(p: Buffer): string {
  assert.is(p[0], 51);
  const r = new Reader(p);
  r.byte();
  return r.text();
}

test('"none" and "password" are answered with the method list: publickey', () => {
  const c = started();
  c.send(request("none"));
  c.send(request("password", bool(false), str("hunter2")));
  const answers = c.pump();
  assert.equal(answers.map(failureMethods), ["publickey", "publickey"]);
});

test("a query for an authorized key gets PK_OK, for another key FAILURE", () => {
  const c = started();
  c.send(request("publickey", bool(false), str("ssh-ed25519"), str(good.blob)));
  c.send(request("publickey", bool(false), str("ssh-ed25519"), str(bad.blob)));
  const [ok, no] = c.pump();
  assert.is(ok[0], 60);
  assert.is(failureMethods(no), "publickey");
});

test("a signature by another key, or over another session id, fails", () => {
  const c = started();
  const head = request("publickey", bool(true), str("ssh-ed25519"), str(good.blob));
  const by = (key: typeof good, sid: Buffer) => str(Buffer.concat([str("ssh-ed25519"), str(sign(null, Buffer.concat([str(sid), head]), key.privateKey))]));
  c.send(Buffer.concat([head, by(bad, c.sessionId!)]));
  c.send(Buffer.concat([head, by(good, Buffer.alloc(32))]));
  c.send(Buffer.concat([head, by(good, c.sessionId!)]));
  const answers = c.pump();
  assert.equal(answers.map((p) => p[0]), [51, 51, 52]);
});

test(`${MAX_ATTEMPTS} failed attempts end the connection`, () => {
  const c = started();
  for (let i = 0; i < MAX_ATTEMPTS; i++) c.send(request("publickey", bool(false), str("ssh-ed25519"), str(bad.blob)));
  const d = disconnectOf(c.pump());
  assert.is(d?.code, 14);
  assert.ok(c.serverClosed);
});

test.run();
