/**
 * io/update/http.ts: the update endpoint as serve()'s handler, over stacks/http and two stacks/net
 * instances on a fake link (test/support/http/pair.ts), in fake time, byte-exact on the wire: a
 * signed unit is accepted, and each refusal answers its status with the reason, the service
 * checking units with the agent's own acceptUnit and Ed25519 verification.
 */
import { generateKeyPairSync, sign } from "node:crypto";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { Response } from "../../../stacks/http/response.ts";
import { serve } from "../../../stacks/http/server.ts";
import { ip, makePair, runUntil, SERVER_IP, type Pair } from "../../support/http/pair.ts";
import { updateHttpHandler, checkUpdatePath } from "../../../io/update/http.ts";
import { acceptUnit, attachSignature, encodeUnit, signedMessage } from "../../../io/update/unit.ts";
import { verifyEd25519 } from "../../../io/update/verify.ts";
import type { UpdateService, UpdateVerdict } from "../../../io/update/service.ts";

const { privateKey, publicKey } = generateKeyPairSync("ed25519");
const rawPublic = new Uint8Array(publicKey.export({ format: "der", type: "spki" }).subarray(-32));
const BASE = new Uint8Array(16).fill(7);
const ENGINE = 0x1234abcd;

function unit(version: number, body = new Uint8Array(300).fill(5)): Uint8Array {
  const u = encodeUnit({ engineFingerprint: ENGINE, baseFingerprint: BASE, version, signed: true }, body);
  attachSignature(u, new Uint8Array(sign(null, signedMessage(u), privateKey)));
  return u;
}

/** The agent's checks (io/update/agent.ts offer) over a running version, recording what it accepted. */
function service(o: { running?: number; busy?: boolean; max?: number } = {}): UpdateService & { accepted: number[]; offers: number } {
  const s = {
    accepted: [] as number[],
    offers: 0,
    maxUnitBytes: o.max ?? 64 * 1024,
    offer(bytes: Uint8Array): UpdateVerdict {
      s.offers++;
      if (o.busy) return { ok: false, why: "app 1 is not confirmed yet; deploy again once it is", busy: true };
      try {
        const u = acceptUnit(bytes, { engineFingerprint: ENGINE, baseFingerprint: BASE, runningVersion: o.running ?? 1, publicKey: rawPublic, verify: verifyEd25519 });
        s.accepted.push(u.version);
        return { ok: true, version: u.version };
      } catch (e) {
        return { ok: false, why: (e as Error).message, busy: false };
      }
    },
  };
  return s;
}

const enc = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
const dec = (b: Uint8Array) => String.fromCharCode(...b);

/** Sends a request head and body on a raw connection; resolves with everything answered until the close. */
async function exchange(p: Pair, head: string, body: Uint8Array = new Uint8Array(0)): Promise<string> {
  const conn = p.client.tcpConnect({ address: ip(SERVER_IP), port: 80, noDelay: true });
  const got = { text: "", closed: false };
  conn.events = {
    onReadable: () => (got.text += dec(conn.read())),
    onEnd: () => {
      got.closed = true;
      conn.close();
    },
    onClose: () => (got.closed = true),
  };
  const bytes = new Uint8Array(head.length + body.length);
  bytes.set(enc(head));
  bytes.set(body, head.length);
  conn.write(bytes);
  await runUntil(p.time, () => got.closed, 20_000);
  return got.text;
}

function start(s: UpdateService, path?: string, maxBodyBytes = s.maxUnitBytes): Pair {
  const p = makePair();
  serve({ net: p.server, port: 80, limits: { maxBodyBytes } }, updateHttpHandler({ path, Response, service: () => s }));
  return p;
}

const put = (u: Uint8Array, path = "/update") => `PUT ${path} HTTP/1.1\r\nHost: d\r\nContent-Length: ${u.length}\r\nConnection: close\r\n\r\n`;
const status = (text: string) => /^HTTP\/1\.1 (\d{3})/.exec(text)?.[1];
const bodyOf = (text: string) => text.slice(text.indexOf("\r\n\r\n") + 4);

test("a signed unit above the running version: 200, accepted <version>", async () => {
  const s = service();
  const p = start(s);
  const u = unit(2);
  const text = await exchange(p, put(u), u);
  assert.is(text, "HTTP/1.1 200 OK\r\ncontent-type: text/plain;charset=UTF-8\r\ncontent-length: 11\r\nconnection: close\r\n\r\naccepted 2\n");
  assert.equal(s.accepted, [2]);
});

test("refusals answer 422 with the agent's reason: bad signature, wrong key, truncated, older, corrupted", async () => {
  const other = generateKeyPairSync("ed25519").privateKey;
  const wrongKey = encodeUnit({ engineFingerprint: ENGINE, baseFingerprint: BASE, version: 3, signed: true }, new Uint8Array(10));
  attachSignature(wrongKey, new Uint8Array(sign(null, signedMessage(wrongKey), other)));
  const tampered = unit(3);
  tampered[60] ^= 1;
  const corrupted = unit(3);
  corrupted[200] ^= 4;
  const cases: [Uint8Array, RegExp][] = [
    [tampered, /^refused: bad signature: not signed with this base's key, or altered\n$/],
    [wrongKey, /^refused: bad signature/],
    [unit(3).subarray(0, 250), /^refused: truncated unit: 138 of 300 body bytes\n$/],
    [unit(1), /^refused: version 1 is not above the running version 1 \(rollback refused\)\n$/],
    [corrupted, /^refused: unit body checksum mismatch \(damaged\)\n$/],
  ];
  for (const [u, why] of cases) {
    const s = service();
    const text = await exchange(start(s), put(u), u);
    assert.is(status(text), "422", text);
    assert.match(bodyOf(text), why);
    assert.equal(s.accepted, []);
  }
});

test("an unconfirmed app: 409, try again later", async () => {
  const u = unit(2);
  const text = await exchange(start(service({ busy: true })), put(u), u);
  assert.is(status(text), "409", text);
  assert.is(bodyOf(text), "refused: app 1 is not confirmed yet; deploy again once it is\n");
});

test("a chunked body is refused (411) without an offer; a Content-Length over the limit gets the server's 413 before the body", async () => {
  const s = service();
  const p = start(s);
  const u = unit(2);
  const chunked = await exchange(p, `PUT /update HTTP/1.1\r\nHost: d\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n${u.length.toString(16)}\r\n${dec(u)}\r\n0\r\n\r\n`);
  assert.is(status(chunked), "411", chunked);
  assert.is(bodyOf(chunked), "a Content-Length is required (chunked bodies are refused)\n");
  const small = service({ max: 200 });
  const over = await exchange(start(small), put(u), new Uint8Array(0));
  assert.is(status(over), "413", over);
  assert.is(small.offers, 0);
  assert.is(s.offers, 0);
});

test("a body the server took (its limit above the service's) but over the service's limit: 413 from the handler", async () => {
  const s = service({ max: 100 });
  const u = unit(2);
  const text = await exchange(start(s, undefined, 4096), put(u), u);
  assert.is(status(text), "413", text);
  assert.is(bodyOf(text), `unit of ${u.length} bytes exceeds this base's limit of 100\n`);
  assert.is(s.offers, 0);
});

test("another path 404, another method 405 with Allow; a query does not change the path; a configured path", async () => {
  const s = service();
  const p = start(s, "/fw/app");
  const u = unit(2);
  const notFound = await exchange(p, put(u, "/update"), u);
  assert.is(status(notFound), "404");
  assert.is(bodyOf(notFound), "no such path: PUT the app unit to /fw/app\n");
  const get = await exchange(p, "GET /fw/app HTTP/1.1\r\nHost: d\r\nConnection: close\r\n\r\n");
  assert.is(status(get), "405");
  assert.match(get, /\r\nallow: PUT\r\n/);
  const ok = await exchange(p, put(u, "/fw/app?x=1"), u);
  assert.is(status(ok), "200", ok);
  assert.equal(s.accepted, [2]);
});

test("a body cut off before its Content-Length (the client gave up): nothing is offered, the server goes on answering", async () => {
  const s = service();
  const p = start(s);
  const u = unit(2);
  const conn = p.client.tcpConnect({ address: ip(SERVER_IP), port: 80, noDelay: true });
  let closed = false;
  conn.events = { onReadable: () => void conn.read(), onEnd: () => ((closed = true), conn.close()), onClose: () => (closed = true) };
  conn.write(enc(put(u)));
  conn.write(u.subarray(0, 300));
  conn.close();
  await runUntil(p.time, () => closed, 60_000);
  assert.is(s.offers, 0);
  const text = await exchange(p, put(u), u);
  assert.is(status(text), "200", text);
  assert.equal(s.accepted, [2]);
});

test("checkUpdatePath takes absolute paths only", () => {
  assert.is(checkUpdatePath("/update"), "/update");
  for (const bad of ["update", "/a b", "/a?b", "/a#b", ""]) assert.throws(() => checkUpdatePath(bad), /update path must start with/);
});

test("without a registered agent the handler answers 500 through serve()'s error path, not a hang", async () => {
  const p = makePair();
  const errors: unknown[] = [];
  serve({ net: p.server, port: 80, onError: (e) => (errors.push(e), new Response("no agent\n", { status: 500 })) }, updateHttpHandler({ Response }));
  const u = unit(2);
  const text = await exchange(p, put(u), u);
  assert.is(status(text), "500");
  assert.match(String(errors[0]), /this firmware has no update agent \(build it with --updatable\)/);
});

test.run();
