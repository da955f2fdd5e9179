/**
 * stacks/ssh/transport.ts (with auth.ts and connection.ts above it, through server-connection.ts)
 * frame by frame, against the independent client of test/support/ssh-client.ts: the handshake
 * with both ciphers, strict kex, rekeying, and every kind of bad input ending in a DISCONNECT
 * with its reason and a closed connection, never an exception.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { hostKey, parseAuthorizedKeys } from "../../../stacks/ssh/keys.ts";
import { shellHandler } from "../../../stacks/ssh/shell.ts";
import { SERVER_VERSION } from "../../../stacks/ssh/transport.ts";
import { TestClient, byte, clientKey, disconnectOf, kexInitPayload, sessionOutput, str, u32, CLIENT_VERSION } from "../../support/ssh-client.ts";

const key = clientKey();
const options = () => ({
  hostKey: hostKey(new Uint8Array(32).fill(3)),
  authorizedKeys: parseAuthorizedKeys(key.line),
  handler: shellHandler({ run: (line: string, print: (t: string) => void) => (line === "hi" ? (print("hello"), 0) : (print(`unknown: ${line}`), 127)) }),
});

function loggedIn(cipher?: string): { c: TestClient; ch: number } {
  const c = new TestClient(options());
  c.handshake({ cipher });
  const answers = c.login(key);
  assert.equal(answers.map((p) => p[0]), [6, 52], "SERVICE_ACCEPT then USERAUTH_SUCCESS");
  return { c, ch: c.openSession() };
}

for (const cipher of ["chacha20-poly1305@openssh.com", "aes128-gcm@openssh.com"]) {
  test(`handshake, login and exec under ${cipher}`, () => {
    const { c, ch } = loggedIn(cipher);
    assert.is(c.serverVersion, SERVER_VERSION);
    const out = sessionOutput(c.request(ch, "exec", true, str("hi")));
    assert.is(out.data, "hello\n");
    assert.is(out.exitStatus, 0);
    assert.ok(out.eof && out.closed);
    assert.is(c.ended, null);
  });
}

test("exec of an unknown command: its output and exit status 127", () => {
  const { c, ch } = loggedIn();
  const out = sessionOutput(c.request(ch, "exec", true, str("frob")));
  assert.is(out.data, "unknown: frob\n");
  assert.is(out.exitStatus, 127);
});

test("without strict kex the sequence numbers run on across NEWKEYS (RFC 4253 6.4)", () => {
  const c = new TestClient(options());
  c.handshake({ strict: false });
  assert.equal(c.login(key).map((p) => p[0]), [6, 52]);
});

test("a client-initiated rekey: the session goes on under the new keys", () => {
  const { c, ch } = loggedIn();
  const before = c.sessionId;
  c.handshake({ cipher: "aes128-gcm@openssh.com", rekey: true });
  assert.is(c.sessionId, before, "the session id stays the first exchange hash");
  const out = sessionOutput(c.request(ch, "exec", true, str("hi")));
  assert.is(out.data, "hello\n");
});

test("an hour after the last exchange the server starts a new one (RFC 4253 9); the session goes on", () => {
  const { c, ch } = loggedIn();
  c.clock += 3600_000 - 1;
  c.send(Buffer.concat([byte(2), str("x")]));
  assert.equal(c.pump(), [], "nothing before the hour is up");
  c.clock += 1;
  c.send(Buffer.concat([byte(2), str("x")]));
  const [kexinit] = c.pump();
  assert.is(kexinit?.[0], 20, "the server's KEXINIT");
  // Until the exchange ends, session output waits.
  assert.equal(c.request(ch, "exec", true, str("hi")), []);
  c.handshake({ rekey: true, serverKexInit: kexinit });
  const out = sessionOutput(c.pump());
  assert.is(out.data, "hello\n");
  assert.is(out.exitStatus, 0);
});

function expectDisconnect(c: TestClient, code: number, text: RegExp): void {
  const d = disconnectOf(c.pump());
  assert.ok(d, "a DISCONNECT was sent");
  assert.is(d!.code, code);
  assert.match(d!.text, text);
  assert.ok(c.serverClosed, "TCP closed");
  assert.ok(c.ended);
}

test("a non-SSH-2.0 version line: PROTOCOL_VERSION_NOT_SUPPORTED", () => {
  const c = new TestClient(options());
  c.sendRaw(Buffer.from("SSH-1.5-old\r\n"));
  expectDisconnect(c, 8, /SSH-2\.0/);
});

test("an over-long version line ends the connection", () => {
  const c = new TestClient(options());
  c.sendRaw(Buffer.from("SSH-2.0-" + "x".repeat(300)));
  expectDisconnect(c, 8, /255/);
});

test("a truncated KEXINIT: PROTOCOL_ERROR", () => {
  const c = new TestClient(options());
  c.sendRaw(Buffer.from(CLIENT_VERSION + "\r\n"));
  c.send(kexInitPayload().subarray(0, 40));
  expectDisconnect(c, 2, /truncated/);
});

test("no common cipher: KEY_EXCHANGE_FAILED naming the lists", () => {
  const c = new TestClient(options());
  c.sendRaw(Buffer.from(CLIENT_VERSION + "\r\n"));
  c.send(kexInitPayload({ ciphers: ["aes256-ctr"] }));
  expectDisconnect(c, 3, /aes256-ctr/);
});

test("a packet length over 35000: PROTOCOL_ERROR", () => {
  const c = new TestClient(options());
  c.sendRaw(Buffer.from(CLIENT_VERSION + "\r\n"));
  c.sendRaw(Buffer.concat([u32(1 << 20), Buffer.alloc(16)]));
  expectDisconnect(c, 2, /packet length/);
});

test("strict kex: an IGNORE before KEXINIT is refused (Terrapin)", () => {
  const c = new TestClient(options());
  c.sendRaw(Buffer.from(CLIENT_VERSION + "\r\n"));
  c.send(Buffer.concat([byte(2), str("x")]));
  expectDisconnect(c, 2, /initial key exchange/);
});

test("a service message before the key exchange finished: PROTOCOL_ERROR", () => {
  const c = new TestClient(options());
  c.sendRaw(Buffer.from(CLIENT_VERSION + "\r\n"));
  c.send(kexInitPayload());
  c.send(Buffer.concat([byte(5), str("ssh-userauth")]));
  expectDisconnect(c, 2, /before the key exchange finished/);
});

test("an all-zero X25519 key: KEY_EXCHANGE_FAILED", () => {
  const c = new TestClient(options());
  c.sendRaw(Buffer.from(CLIENT_VERSION + "\r\n"));
  c.send(kexInitPayload());
  c.send(Buffer.concat([byte(30), str(Buffer.alloc(32))]));
  expectDisconnect(c, 3, /X25519/);
});

test("one flipped bit in an encrypted packet: MAC_ERROR, under either cipher", () => {
  for (const cipher of ["chacha20-poly1305@openssh.com", "aes128-gcm@openssh.com"]) {
    const c = new TestClient(options());
    c.handshake({ cipher });
    c.pump();
    const p = c.frame(Buffer.concat([byte(5), str("ssh-userauth")]));
    p[p.length - 20] ^= 0x01;
    c.sendRaw(p);
    expectDisconnect(c, 5, /authentication failed/);
  }
});

test("a service other than ssh-userauth: SERVICE_NOT_AVAILABLE", () => {
  const c = new TestClient(options());
  c.handshake();
  c.send(Buffer.concat([byte(5), str("ssh-connection")]));
  expectDisconnect(c, 7, /ssh-connection/);
});

test("connection messages before authentication: PROTOCOL_ERROR", () => {
  const c = new TestClient(options());
  c.handshake();
  c.send(Buffer.concat([byte(5), str("ssh-userauth")]));
  c.send(Buffer.concat([byte(90), str("session"), u32(0), u32(1000), u32(1000)]));
  expectDisconnect(c, 2, /before authentication/);
});

test("data for a channel that does not exist: PROTOCOL_ERROR", () => {
  const { c } = loggedIn();
  c.send(Buffer.concat([byte(94), u32(99), str("x")]));
  expectDisconnect(c, 2, /no channel 99/);
});

test("the server opens its window again as it consumes (RFC 4254 5.2), and refuses data over its maximum packet", () => {
  const { c, ch } = loggedIn();
  c.request(ch, "shell", true);
  c.pump();
  let granted = 0;
  for (let i = 0; i < 4; i++) {
    c.send(Buffer.concat([byte(94), u32(ch), str(Buffer.alloc(30000, 0x61))]));
    for (const p of c.pump()) if (p[0] === 93) granted += p.readUInt32BE(5);
  }
  assert.ok(granted >= 90000 - 65536, `WINDOW_ADJUST gave ${granted} bytes back`);
  c.send(Buffer.concat([byte(94), u32(ch), str(Buffer.alloc(33000, 0x61))]));
  expectDisconnect(c, 2, /more than the 32768/);
});

test("a message number nobody knows is answered with UNIMPLEMENTED and its sequence number (RFC 4253 11.4)", () => {
  const { c } = loggedIn();
  c.send(Buffer.concat([byte(200)]));
  const [p] = c.pump();
  assert.is(p[0], 3);
  assert.is(c.ended, null);
});

test.run();
