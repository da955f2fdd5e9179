/**
 * stacks/tls/server-session.ts: the RFC 8448 section 3 handshake reproduced byte for byte (its
 * RSA CertificateVerify taken from the trace, the rest computed here), then malformed and
 * unexpected input, each answered with the alert RFC 8446 6.2 names for it.
 */
import { x25519 } from "@noble/curves/ed25519.js";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { concatBytes } from "../../../runtime/bytes.ts";
import { TLS_AES_128_GCM_SHA256, TLS_CHACHA20_POLY1305_SHA256 } from "../../../stacks/tls/cipher-suite.ts";
import { deriveSecret, expandLabel, finishedMac, handshakeSecret, masterSecret, nextTrafficSecret, Transcript } from "../../../stacks/tls/key-schedule.ts";
import { HRR_RANDOM } from "../../../stacks/tls/messages.ts";
import { Protection } from "../../../stacks/tls/record.ts";
import * as R from "../../support/tls/rfc8448.ts";
import { Alert, clientHello, defaultExtensions, ext, FAKE_ED25519, harness, plainAlert, record, X25519_SHARE, type Harness } from "../../support/tls/session.ts";

function rfcServer(): Harness {
  const randoms = [R.SERVER_RANDOM, R.SERVER_PRIVATE];
  return harness({
    credentials: { chain: [R.CERTIFICATE_DER], scheme: 0x0804, sign: () => R.RSA_SIGNATURE },
    random: () => randoms.shift() as Uint8Array,
    extraEncryptedExtensions: R.EXTRA_EXTENSIONS,
    // The trace's server chose AES-128-GCM, the client's first; this server prefers ChaCha20 by default.
    cipherSuites: [TLS_AES_128_GCM_SHA256],
  });
}

test("RFC 8448 section 3: the server flight is the trace's, byte for byte, and the client's records are taken", () => {
  const h = rfcServer();
  h.session.receive(R.CLIENT_HELLO_RECORD);
  assert.is(h.fatal, null);
  assert.equal(h.sent.map(R.toHex), [R.toHex(R.SERVER_HELLO_RECORD), R.toHex(R.SERVER_FLIGHT_RECORD)]);
  assert.is(h.session.serverName, "server");
  assert.is(h.session.state, "wait-finished");
  h.session.receive(R.CLIENT_FINISHED_RECORD);
  assert.ok(h.done);
  h.session.receive(R.CLIENT_APP_RECORD);
  assert.equal(R.toHex(concatBytes(...h.data)), R.toHex(R.APP_DATA));
  // The trace's server sends a NewSessionTicket first (sequence 0); this server sends none, so
  // its data record is sequence 0 under the trace's server application key.
  h.sent.length = 0;
  h.session.write(R.APP_DATA);
  const reader = new Protection(TLS_AES_128_GCM_SHA256, R.hex(R.SECRETS.serverApplicationTraffic));
  const opened = reader.open(h.sent[0].subarray(5));
  assert.is(opened.type, 23);
  assert.is(R.toHex(opened.fragment), R.toHex(R.APP_DATA));
  h.session.receive(R.CLIENT_ALERT_RECORD);
  assert.ok(h.closeNotify);
  h.session.close();
  const alert = reader.open(h.sent[1].subarray(5));
  assert.equal([opened.type, alert.type, ...alert.fragment], [23, 21, 1, 0]);
  assert.is(h.session.state, "closed");
});

test("RFC 8448: a client Finished that does not verify is a decrypt_error", () => {
  const h = rfcServer();
  h.session.receive(R.CLIENT_HELLO_RECORD);
  const client = new Protection(TLS_AES_128_GCM_SHA256, R.hex(R.SECRETS.clientHandshakeTraffic));
  const bad = R.CLIENT_FINISHED.slice();
  bad[10] ^= 1;
  h.session.receive(client.seal(22, bad));
  assert.equal(h.fatal, { description: Alert.decrypt_error, sent: true });
});

test("RFC 8448: a flipped bit in a protected record is a bad_record_mac", () => {
  const h = rfcServer();
  h.session.receive(R.CLIENT_HELLO_RECORD);
  const rec = R.CLIENT_FINISHED_RECORD.slice();
  rec[20] ^= 0x80;
  h.session.receive(rec);
  assert.equal(h.fatal, { description: Alert.bad_record_mac, sent: true });
  // The alert goes out under the server's current (application) key.
  const reader = new Protection(TLS_AES_128_GCM_SHA256, R.hex(R.SECRETS.serverApplicationTraffic));
  const last = reader.open(h.sent[h.sent.length - 1].subarray(5));
  assert.equal([last.type, ...last.fragment], [21, 2, Alert.bad_record_mac]);
});

/** After the RFC handshake: the client's application protection, to send records of its own. */
function connected(): { h: Harness; client: Protection; server: Protection } {
  const h = rfcServer();
  h.session.receive(R.CLIENT_HELLO_RECORD);
  h.session.receive(R.CLIENT_FINISHED_RECORD);
  assert.ok(h.done);
  return { h, client: new Protection(TLS_AES_128_GCM_SHA256, R.hex(R.SECRETS.clientApplicationTraffic)), server: new Protection(TLS_AES_128_GCM_SHA256, R.hex(R.SECRETS.serverApplicationTraffic)) };
}

test("KeyUpdate with update_requested: the server answers with its own and both directions move on (RFC 8446 4.6.3)", () => {
  const { h, client, server } = connected();
  h.sent.length = 0;
  h.session.receive(client.seal(22, Uint8Array.of(24, 0, 0, 1, 1)));
  assert.is(h.fatal, null);
  const answer = server.open(h.sent[0].subarray(5));
  assert.equal([answer.type, ...answer.fragment], [22, 24, 0, 0, 1, 0]);
  const client2 = new Protection(TLS_AES_128_GCM_SHA256, nextTrafficSecret(R.hex(R.SECRETS.clientApplicationTraffic)));
  h.session.receive(client2.seal(23, Uint8Array.of(1, 2, 3)));
  assert.equal(Array.from(h.data[0]), [1, 2, 3]);
  h.session.write(Uint8Array.of(4, 5));
  const server2 = new Protection(TLS_AES_128_GCM_SHA256, nextTrafficSecret(R.hex(R.SECRETS.serverApplicationTraffic)));
  assert.equal(Array.from(server2.open(h.sent[1].subarray(5)).fragment), [4, 5]);
  // A record still under the old key no longer authenticates.
  h.session.receive(client.seal(23, Uint8Array.of(9)));
  assert.equal(h.fatal, { description: Alert.bad_record_mac, sent: true });
});

test("KeyUpdate: request_update 2 is an illegal_parameter, a long one a decode_error", () => {
  let c = connected();
  c.h.session.receive(c.client.seal(22, Uint8Array.of(24, 0, 0, 1, 2)));
  assert.equal(c.h.fatal, { description: Alert.illegal_parameter, sent: true });
  c = connected();
  c.h.session.receive(c.client.seal(22, Uint8Array.of(24, 0, 0, 2, 0, 0)));
  assert.equal(c.h.fatal, { description: Alert.decode_error, sent: true });
});

test("after the handshake: a ClientHello, a plaintext handshake record, all-padding and an over-long record are refused", () => {
  let c = connected();
  c.h.session.receive(c.client.seal(22, clientHello()));
  assert.equal(c.h.fatal, { description: Alert.unexpected_message, sent: true });
  c = connected();
  c.h.session.receive(record(22, clientHello()));
  assert.equal(c.h.fatal, { description: Alert.unexpected_message, sent: true });
  c = connected();
  c.h.session.receive(c.client.seal(0, new Uint8Array(0)));
  assert.equal(c.h.fatal, { description: Alert.unexpected_message, sent: true });
  c = connected();
  // 2^14 + 1 bytes of content: an inner plaintext of 2^14 + 2.
  c.h.session.receive(c.client.seal(23, new Uint8Array(16385)));
  assert.equal(c.h.fatal, { description: Alert.record_overflow, sent: true });
  c = connected();
  c.h.session.receive(concatBytes(Uint8Array.of(23, 3, 3, 0x41, 0x01), new Uint8Array(10)));
  assert.equal(c.h.fatal, { description: Alert.record_overflow, sent: true });
});

test("a record of 2^14 bytes of data is taken, and 40,000 bytes written go out in records of at most 2^14", () => {
  const { h, client, server } = connected();
  h.session.receive(client.seal(23, new Uint8Array(16384).fill(5)));
  assert.is(h.fatal, null);
  assert.is(h.data[0].length, 16384);
  h.sent.length = 0;
  h.session.write(new Uint8Array(40000));
  assert.equal(h.sent.map((r) => server.open(r.subarray(5)).fragment.length), [16384, 16384, 7232]);
});

test("a fatal alert from the client ends the session without an answer", () => {
  const { h, client } = connected();
  h.sent.length = 0;
  h.session.receive(client.seal(21, Uint8Array.of(2, Alert.handshake_failure)));
  assert.equal(h.fatal, { description: Alert.handshake_failure, sent: false });
  assert.is(h.sent.length, 0);
});

// ---- ClientHellos -----------------------------------------------------------------------

function helloAlert(hello: Uint8Array, wrap = (m: Uint8Array) => record(22, m)): number | null {
  const h = harness({ credentials: FAKE_ED25519 });
  h.session.receive(wrap(hello));
  if (h.fatal === null) return null;
  assert.ok(h.fatal.sent);
  assert.is(plainAlert(h.sent[h.sent.length - 1]), h.fatal.description, "the alert goes out in the clear before the keys");
  return h.fatal.description;
}

const without = (type: number) => defaultExtensions().filter((e) => ((e[0] << 8) | e[1]) !== type);

test("ClientHello: a well-formed one gets ServerHello and the encrypted flight", () => {
  const h = harness({ credentials: FAKE_ED25519 });
  h.session.receive(record(22, clientHello()));
  assert.is(h.fatal, null);
  assert.is(h.sent.length, 2);
  assert.is(h.sent[0][0], 22);
  assert.is(h.sent[1][0], 23);
  assert.is(h.session.serverName, "device.test");
});

test("ClientHello: TLS 1.2 only (no supported_versions, or without 0x0304) is a protocol_version", () => {
  assert.is(helloAlert(clientHello({ extensions: without(43) })), Alert.protocol_version);
  assert.is(helloAlert(clientHello({ extensions: [...without(43), ext.versions(0x0303, 0x0302)] })), Alert.protocol_version);
  // An SSL 3.0/TLS 1.0 hello with no extensions at all.
  assert.is(helloAlert(clientHello({ rawExtensions: new Uint8Array(0) })), Alert.protocol_version);
});

test("ClientHello: truncations and bad lengths are decode_errors", () => {
  const good = clientHello();
  for (const cut of [5, 20, 38, 40, 45, good.length - 3]) {
    const m = good.slice(0, cut);
    const n = cut - 4;
    m[1] = n >>> 16;
    m[2] = (n >>> 8) & 0xff;
    m[3] = n & 0xff;
    assert.is(helloAlert(m), Alert.decode_error, `cut at ${cut}`);
  }
  assert.is(helloAlert(clientHello({ sessionId: new Uint8Array(33) })), Alert.decode_error);
  assert.is(helloAlert(clientHello({ suites: [] })), Alert.decode_error);
  const odd = clientHello({ extensions: [...without(10), Uint8Array.of(0, 10, 0, 3, 0, 1, 0)] });
  assert.is(helloAlert(odd), Alert.decode_error);
});

test("ClientHello: duplicate extensions, duplicate shares, a share for an unlisted group are illegal_parameter", () => {
  assert.is(helloAlert(clientHello({ extensions: [...defaultExtensions(), ext.groups(0x001d)] })), Alert.illegal_parameter);
  assert.is(helloAlert(clientHello({ extensions: [...without(51), ext.share([0x001d, X25519_SHARE], [0x001d, X25519_SHARE])] })), Alert.illegal_parameter);
  assert.is(helloAlert(clientHello({ extensions: [...without(51), ext.share([0x001d, X25519_SHARE], [0x0018, new Uint8Array(97)])] })), Alert.illegal_parameter);
  assert.is(helloAlert(clientHello({ extensions: [...without(51), ext.share([0x001d, new Uint8Array(31)])] })), Alert.illegal_parameter);
  assert.is(helloAlert(clientHello({ compression: [1, 0] })), Alert.illegal_parameter);
  assert.is(helloAlert(clientHello({ extensions: [Uint8Array.of(0, 41, 0, 0), ...defaultExtensions()] })), Alert.illegal_parameter, "pre_shared_key not last");
  // A low-order point (all zeros) gives an all-zero shared secret.
  assert.is(helloAlert(clientHello({ extensions: [...without(51), ext.share([0x001d, new Uint8Array(32)])] })), Alert.illegal_parameter);
});

test("ClientHello: missing signature_algorithms, supported_groups or key_share is a missing_extension", () => {
  for (const t of [13, 10, 51]) assert.is(helloAlert(clientHello({ extensions: without(t) })), Alert.missing_extension, `without ${t}`);
});

test("ClientHello: nothing in common is a handshake_failure; ALPN without http/1.1 a no_application_protocol", () => {
  assert.is(helloAlert(clientHello({ suites: [0x1302, 0xc02f] })), Alert.handshake_failure);
  assert.is(helloAlert(clientHello({ extensions: [...without(13), ext.sigs(0x0804, 0x0403)] })), Alert.handshake_failure);
  assert.is(helloAlert(clientHello({ extensions: [...without(10).filter((e) => e[1] !== 51), ext.groups(0x0017), ext.share([0x0017, new Uint8Array(65)])] })), Alert.handshake_failure);
  assert.is(helloAlert(clientHello({ extensions: [...defaultExtensions(), ext.alpn("h2", "spdy/1")] })), Alert.no_application_protocol);
  assert.is(helloAlert(clientHello({ extensions: [...defaultExtensions(), ext.alpn("h2", "http/1.1")] })), null);
});

test("the cipher suite is the server's preference among those offered: ChaCha20-Poly1305, then AES-128-GCM", () => {
  for (const [offered, chosen] of [[[0x1301, 0x1303], 0x1303], [[0x1303, 0x1301], 0x1303], [[0x1302, 0x1301], 0x1301], [[0x1303], 0x1303]] as const) {
    const h = harness({ credentials: FAKE_ED25519 });
    h.session.receive(record(22, clientHello({ suites: [...offered] })));
    assert.is(h.session.cipherSuite?.id, chosen, `offered ${offered.join(",")}`);
    // The choice is in ServerHello: after version, random, session id (empty).
    const sh = h.sent[0].subarray(5);
    assert.is((sh[39] << 8) | sh[40], chosen);
  }
});

test("ClientHello: a bad host name in server_name is a decode_error", () => {
  assert.is(helloAlert(clientHello({ extensions: [...without(0), ext.sni("bad name")] })), Alert.decode_error);
  assert.is(helloAlert(clientHello({ extensions: [...without(0), ext.sni("trailing.")] })), Alert.decode_error);
});

test("records before the handshake: wrong type, oversized, empty, a CCS first, another protocol", () => {
  assert.is(helloAlert(clientHello(), (m) => record(23, m)), Alert.unexpected_message);
  assert.is(helloAlert(clientHello(), (m) => record(99, m)), Alert.unexpected_message);
  assert.is(helloAlert(clientHello(), (m) => record(20, Uint8Array.of(1))), Alert.unexpected_message);
  assert.is(helloAlert(clientHello(), () => record(22, new Uint8Array(0))), Alert.unexpected_message);
  assert.is(helloAlert(clientHello(), () => concatBytes(Uint8Array.of(22, 3, 1, 0x40, 0x01), new Uint8Array(16385))), Alert.record_overflow);
  assert.is(helloAlert(clientHello(), () => new TextEncoder().encode("GET / HTTP/1.1\r\n\r\n")), Alert.protocol_version);
  // A handshake message other than ClientHello first.
  assert.is(helloAlert(Uint8Array.of(20, 0, 0, 32, ...new Uint8Array(32))), Alert.unexpected_message);
});

test("a ClientHello split over several records, and byte by byte, is taken", () => {
  const h = harness({ credentials: FAKE_ED25519 });
  const m = clientHello();
  const rec = concatBytes(record(22, m.subarray(0, 10)), record(22, m.subarray(10)));
  for (const b of rec) h.session.receive(Uint8Array.of(b));
  assert.is(h.fatal, null);
  assert.is(h.session.state, "wait-finished");
});

test("HelloRetryRequest when x25519 is supported but has no share; the second ClientHello completes the handshake", () => {
  const h = harness({ credentials: FAKE_ED25519 });
  const noShare = [...without(51), ext.share([0x0017, new Uint8Array(65).fill(4)])];
  const ch1 = clientHello({ extensions: noShare, sessionId: new Uint8Array(32).fill(1) });
  h.session.receive(record(22, ch1));
  assert.is(h.fatal, null);
  assert.is(h.session.state, "wait-ch2");
  const hrr = h.sent[0].subarray(5);
  assert.is(hrr[0], 2);
  assert.equal(Array.from(hrr.subarray(6, 38)), Array.from(HRR_RANDOM));
  assert.equal(Array.from(h.sent[1]), [20, 3, 3, 0, 1, 1], "the middlebox-compatibility CCS after the first server message");
  // The client's CCS is dropped; then the second ClientHello with the share.
  h.session.receive(record(20, Uint8Array.of(1)));
  const priv = new Uint8Array(32).fill(3);
  const ch2 = clientHello({ extensions: [...without(51), ext.share([0x001d, x25519.getPublicKey(priv)])], sessionId: new Uint8Array(32).fill(1) });
  h.session.receive(record(22, ch2));
  assert.is(h.fatal, null);
  assert.is(h.sent.length, 4, "ServerHello, then the encrypted flight; no second CCS");
  // The transcript starts with message_hash(CH1): the client's Finished computed so verifies.
  const sh = h.sent[2].subarray(5);
  const serverPub = sh.subarray(sh.length - 6 - 32, sh.length - 6);
  const hs = handshakeSecret(x25519.getSharedSecret(priv, serverPub));
  const t = new Transcript();
  t.add(ch1);
  t.replaceWithMessageHash();
  t.add(hrr);
  t.add(ch2);
  t.add(sh);
  const cHs = deriveSecret(hs, "c hs traffic", t.hash());
  const sHs = deriveSecret(hs, "s hs traffic", t.hash());
  // Both suites offered: the server's preference, ChaCha20-Poly1305.
  assert.is(h.session.cipherSuite?.name, "TLS_CHACHA20_POLY1305_SHA256");
  const flight = new Protection(TLS_CHACHA20_POLY1305_SHA256, sHs).open(h.sent[3].subarray(5));
  t.add(flight.fragment);
  const fin = Uint8Array.of(20, 0, 0, 32, ...finishedMac(cHs, t.hash()));
  h.session.receive(new Protection(TLS_CHACHA20_POLY1305_SHA256, cHs).seal(22, fin));
  assert.is(h.fatal, null);
  assert.ok(h.done);
  assert.ok(masterSecret(hs).length === 32 && expandLabel(hs, "x", new Uint8Array(0), 1).length === 1);
});

test("HelloRetryRequest: a second ClientHello without the share, or with another suite, is an illegal_parameter", () => {
  const noShare = [...without(51), ext.share()];
  let h = harness({ credentials: FAKE_ED25519 });
  h.session.receive(record(22, clientHello({ extensions: noShare })));
  h.session.receive(record(22, clientHello({ extensions: noShare })));
  assert.equal(h.fatal, { description: Alert.illegal_parameter, sent: true });
  h = harness({ credentials: FAKE_ED25519 });
  h.session.receive(record(22, clientHello({ extensions: noShare })));
  h.session.receive(record(22, clientHello({ suites: [0x1301] })));
  assert.equal(h.fatal, { description: Alert.illegal_parameter, sent: true });
});

test("a ClientHello followed by more handshake bytes in its record spans a key change: unexpected_message", () => {
  assert.is(helloAlert(concatBytes(clientHello(), Uint8Array.of(20, 0, 0, 0))), Alert.unexpected_message);
});

test("600 mutated ClientHello records (seeded): receive() never throws; each ends in an alert or a handshake in progress", () => {
  let seed = 12345;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) / 0x1000000;
  const base = record(22, clientHello({ extensions: [...defaultExtensions(), ext.alpn("http/1.1")] }));
  const outcomes = new Map<string, number>();
  for (let i = 0; i < 600; i++) {
    const m = base.slice();
    const flips = 1 + Math.floor(rnd() * 4);
    for (let f = 0; f < flips; f++) m[Math.floor(rnd() * m.length)] = Math.floor(rnd() * 256);
    const cut = rnd() < 0.2 ? Math.floor(rnd() * m.length) : m.length;
    const h = harness({ credentials: FAKE_ED25519 });
    h.session.receive(m.subarray(0, cut));
    const key = h.fatal ? `alert ${h.fatal.description}` : h.session.state;
    outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
    if (h.fatal) assert.ok(h.sent.length >= 1, "a fatal error sends its alert");
  }
  for (const k of outcomes.keys()) assert.ok(/^alert (10|20|22|40|47|50|70|109|120)$|^(start|wait-finished|wait-ch2)$/.test(k), `unexpected outcome ${k}`);
  assert.ok((outcomes.get("alert 50") ?? 0) > 30, JSON.stringify([...outcomes]));
});

test.run();
