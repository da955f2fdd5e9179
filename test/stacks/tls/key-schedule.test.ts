/** stacks/tls/key-schedule.ts against the secrets of RFC 8448 section 3. */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { deriveSecret, finishedMac, handshakeSecret, masterSecret, nextTrafficSecret, trafficKeys, Transcript } from "../../../stacks/tls/key-schedule.ts";
import { CERTIFICATE, CERTIFICATE_VERIFY, CLIENT_HELLO, ENCRYPTED_EXTENSIONS, SECRETS, SERVER_FINISHED, SERVER_HELLO, SHARED, hex, toHex } from "../../support/tls/rfc8448.ts";

test("the handshake and master secrets, traffic secrets and keys of RFC 8448 section 3", () => {
  const hs = handshakeSecret(SHARED);
  assert.is(toHex(hs), SECRETS.handshake);
  const t = new Transcript();
  t.add(CLIENT_HELLO);
  t.add(SERVER_HELLO);
  const helloHash = t.hash();
  const cHs = deriveSecret(hs, "c hs traffic", helloHash);
  const sHs = deriveSecret(hs, "s hs traffic", helloHash);
  assert.is(toHex(cHs), SECRETS.clientHandshakeTraffic);
  assert.is(toHex(sHs), SECRETS.serverHandshakeTraffic);
  const k = trafficKeys(sHs, 16);
  assert.is(toHex(k.key), SECRETS.serverHandshakeKey);
  assert.is(toHex(k.iv), SECRETS.serverHandshakeIv);
  const master = masterSecret(hs);
  assert.is(toHex(master), SECRETS.master);
  t.add(ENCRYPTED_EXTENSIONS);
  t.add(CERTIFICATE);
  t.add(CERTIFICATE_VERIFY);
  assert.is(toHex(finishedMac(sHs, t.hash())), SECRETS.serverFinished);
  t.add(SERVER_FINISHED);
  const flightHash = t.hash();
  assert.is(toHex(finishedMac(cHs, flightHash)), SECRETS.clientFinished);
  const cAp = deriveSecret(master, "c ap traffic", flightHash);
  const sAp = deriveSecret(master, "s ap traffic", flightHash);
  assert.is(toHex(cAp), SECRETS.clientApplicationTraffic);
  assert.is(toHex(sAp), SECRETS.serverApplicationTraffic);
  assert.is(toHex(trafficKeys(sAp, 16).key), SECRETS.serverApplicationKey);
  assert.is(toHex(trafficKeys(sAp, 16).iv), SECRETS.serverApplicationIv);
  assert.is(toHex(trafficKeys(cAp, 16).key), SECRETS.clientApplicationKey);
  assert.is(toHex(trafficKeys(cAp, 16).iv), SECRETS.clientApplicationIv);
});

test("the transcript keeps growing after a hash is taken", () => {
  const a = new Transcript();
  a.add(CLIENT_HELLO);
  const first = toHex(a.hash());
  a.add(SERVER_HELLO);
  assert.is.not(toHex(a.hash()), first);
  assert.is(toHex(a.hash()), toHex(a.hash()));
});

test("a message_hash replaces the first ClientHello after HelloRetryRequest (RFC 8446 4.4.1)", () => {
  const t = new Transcript();
  t.add(CLIENT_HELLO);
  t.replaceWithMessageHash();
  const h = new Transcript();
  const inner = new Transcript();
  inner.add(CLIENT_HELLO);
  h.add(new Uint8Array([254, 0, 0, 32, ...inner.hash()]));
  assert.is(toHex(t.hash()), toHex(h.hash()));
});

test("KeyUpdate moves to HKDF-Expand-Label(secret, \"traffic upd\", \"\", 32) and the keys change", () => {
  const s = hex(SECRETS.serverApplicationTraffic);
  const next = nextTrafficSecret(s);
  assert.is(next.length, 32);
  assert.is.not(toHex(next), toHex(s));
  assert.is.not(toHex(trafficKeys(next, 16).key), SECRETS.serverApplicationKey);
});

test.run();
