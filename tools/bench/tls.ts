/**
 * tls_handshake_insns, tls_insns_per_kib and tls_connection_heap_bytes (tools/lib/tls-bench.ts):
 * the server's side of a full TLS 1.3 handshake with an Ed25519 certificate (stacks/tls), then 64
 * KiB of application data received in 16 KiB records, between performance.now() marks. No
 * network: the client's records are made here, outside the marks, from fixed keys, and the
 * server's "random" bytes are fixed, so the counts are the same every run. Never use fixed
 * randomness in a real firmware.
 */
import { ed25519, x25519 } from "@noble/curves/ed25519.js";
import { cpu, mem } from "hal";
import { concatBytes } from "../../runtime/bytes.ts";
import { extension, u16, vec } from "../../stacks/tls/bytes.ts";
import { TLS_CHACHA20_POLY1305_SHA256 } from "../../stacks/tls/cipher-suite.ts";
import { deriveSecret, finishedMac, handshakeSecret, masterSecret, Transcript } from "../../stacks/tls/key-schedule.ts";
import { Protection } from "../../stacks/tls/record.ts";
import { TlsServerSession } from "../../stacks/tls/server-session.ts";

// The first performance.now() may bring up the clock: not inside a measured span.
performance.now();
let counter = 1;
const fixed = (n: number) => Uint8Array.from({ length: n }, () => (counter = (counter * 1103515245 + 12345) >>> 0) >>> 24);

const serverKey = new Uint8Array(32).fill(0x42);
// A certificate's size; its bytes only go through the transcript hash and the record layer.
const chain = [new Uint8Array(366).fill(0x30)];
const clientPrivate = new Uint8Array(32).fill(0x17);
const list16 = (...v: number[]) => vec(2, concatBytes(...v.map(u16)));
const hello = concatBytes(
  u16(0x0303), new Uint8Array(32).fill(1), vec(1, new Uint8Array(0)), list16(0x1301, 0x1303), Uint8Array.of(1, 0),
  vec(2, concatBytes(
    extension(0, vec(2, concatBytes(Uint8Array.of(0), vec(2, Uint8Array.from("device.test", (c) => c.charCodeAt(0)))))),
    extension(43, vec(1, u16(0x0304))),
    extension(10, list16(0x001d)),
    extension(13, list16(0x0807, 0x0403)),
    extension(51, vec(2, concatBytes(u16(0x001d), vec(2, x25519.getPublicKey(clientPrivate))))),
    extension(16, vec(2, vec(1, Uint8Array.from("http/1.1", (c) => c.charCodeAt(0))))),
  )),
);
const ch = concatBytes(Uint8Array.of(1, 0, hello.length >> 8, hello.length & 0xff), hello);
const chRecord = concatBytes(Uint8Array.of(22, 3, 1, ch.length >> 8, ch.length & 0xff), ch);

const sent: Uint8Array[] = [];
let done = false;
let received = 0;
let failed = "";
const heapBefore = mem.stats().used;
const session = new TlsServerSession(
  { credentials: { chain, scheme: 0x0807, sign: (c) => ed25519.sign(c, serverKey) }, random: fixed },
  { send: (b) => sent.push(b), handshakeDone: () => (done = true), data: (b) => (received += b.length), closeNotify: () => {}, fatal: (a) => (failed = a.message) },
);

performance.now();
session.receive(chRecord);
performance.now();
if (failed || sent.length !== 2) throw new Error(`bench: the handshake failed: ${failed}`);

// The client's side, outside the marks: its handshake secret, the server flight, its Finished.
const sh = sent[0].subarray(5);
const shared = x25519.getSharedSecret(clientPrivate, sh.subarray(sh.length - 6 - 32, sh.length - 6));
const hs = handshakeSecret(shared);
const t = new Transcript();
t.add(ch);
t.add(sh);
const cHs = deriveSecret(hs, "c hs traffic", t.hash());
const sHs = deriveSecret(hs, "s hs traffic", t.hash());
t.add(new Protection(TLS_CHACHA20_POLY1305_SHA256, sHs).open(sent[1].subarray(5)).fragment);
const finished = new Protection(TLS_CHACHA20_POLY1305_SHA256, cHs).seal(22, concatBytes(Uint8Array.of(20, 0, 0, 32), finishedMac(cHs, t.hash())));
const client = new Protection(TLS_CHACHA20_POLY1305_SHA256, deriveSecret(masterSecret(hs), "c ap traffic", t.hash()));

performance.now();
session.receive(finished);
performance.now();
if (!done) throw new Error(`bench: the client's Finished was refused: ${failed}`);
const heapAfter = mem.stats().used;

const KIB = 64;
const data = concatBytes(...Array.from({ length: KIB / 16 }, () => client.seal(23, new Uint8Array(16384).fill(0x5a))));
performance.now();
session.receive(data);
performance.now();
if (received !== KIB * 1024) throw new Error(`bench: ${received} bytes of ${KIB * 1024} received: ${failed}`);
console.log(`bench-tls heap ${heapAfter - heapBefore} kib ${KIB}`);
cpu.exit(0);
