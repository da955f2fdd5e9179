// The app unit's header codec (io/update/unit.ts): a round trip, each kind of damage refused with
// its own message, and acceptUnit's checks (fingerprints, signature, version) in a base's order.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { generateKeyPairSync } from "node:crypto";
import { acceptUnit, attachSignature, decodeUnit, encodeUnit, signedMessage, UNIT_HEADER_SIZE, type Acceptance } from "../../../io/update/unit.ts";
import { signEd25519, verifyEd25519Host } from "../../../tools/lib/update-keys.ts";

const test = suite("io/update/unit");
const body = new Uint8Array(300).map((_, i) => (i * 31) & 0xff);
const base = new Uint8Array(16).fill(7);
const header = { engineFingerprint: 0xafb3a9e9, baseFingerprint: base, version: 5 };
const pair = generateKeyPairSync("ed25519");
const raw = (k: typeof pair.publicKey) => new Uint8Array(Buffer.from(String(k.export({ format: "jwk" }).x), "base64url"));
const signed = (h = header, b = body, key = pair.privateKey) => {
  const u = encodeUnit({ ...h, signed: true }, b);
  attachSignature(u, signEd25519(signedMessage(u), key));
  return u;
};
const acceptance = (over: Partial<Acceptance> = {}): Acceptance => ({
  engineFingerprint: header.engineFingerprint,
  baseFingerprint: base,
  runningVersion: 4,
  publicKey: raw(pair.publicKey),
  verify: verifyEd25519Host,
  ...over,
});
const refusal = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  return "accepted";
};

test("a unit comes back as it was encoded", () => {
  const u = decodeUnit(encodeUnit(header, body));
  assert.is(u.engineFingerprint, 0xafb3a9e9);
  assert.equal([...u.baseFingerprint], [...base]);
  assert.is(u.version, 5);
  assert.is(u.signed, false);
  assert.equal([...u.body], [...body]);
  assert.is(u.signedMessage.length, 48 + body.length);
});

test("damage is refused with a message saying which", () => {
  const u = encodeUnit(header, body);
  assert.match(refusal(() => decodeUnit(u.subarray(0, 50))), /truncated unit: 50 bytes/);
  assert.match(refusal(() => decodeUnit(u.subarray(0, u.length - 10))), /truncated unit: 290 of 300 body bytes/);
  const bodyHit = u.slice();
  bodyHit[UNIT_HEADER_SIZE + 10] ^= 1;
  assert.match(refusal(() => decodeUnit(bodyHit)), /body checksum mismatch/);
  const headerHit = u.slice();
  headerHit[33] ^= 1;
  assert.match(refusal(() => decodeUnit(headerHit)), /header check failed/);
  const magic = u.slice();
  magic[0] = 0;
  assert.match(refusal(() => decodeUnit(magic)), /bad magic/);
  const longer = new Uint8Array(u.length + 1);
  longer.set(u);
  assert.match(refusal(() => decodeUnit(longer)), /longer than its header says/);
});

test("a base with a key accepts only its own signed units, for it, above its version", () => {
  assert.is(acceptUnit(signed(), acceptance()).version, 5);
  assert.match(refusal(() => acceptUnit(encodeUnit(header, body), acceptance())), /unsigned unit/);
  const other = generateKeyPairSync("ed25519");
  assert.match(refusal(() => acceptUnit(signed(header, body, other.privateKey), acceptance())), /bad signature/);
  const tampered = signed();
  tampered[48 + 5] ^= 0x10;
  assert.match(refusal(() => acceptUnit(tampered, acceptance())), /bad signature/);
  assert.match(refusal(() => acceptUnit(signed(), acceptance({ baseFingerprint: new Uint8Array(16) }))), /built for base 0707.*this base is 0000/);
  assert.match(refusal(() => acceptUnit(signed(), acceptance({ engineFingerprint: 1 }))), /engine fingerprint 0xafb3a9e9, this base runs 0x00000001/);
  assert.match(refusal(() => acceptUnit(signed(), acceptance({ runningVersion: 5 }))), /version 5 is not above the running version 5/);
});

test("a base without a key takes unsigned units, still checking fingerprints and version", () => {
  const open = acceptance({ publicKey: undefined });
  assert.is(acceptUnit(encodeUnit(header, body), open).version, 5);
  assert.match(refusal(() => acceptUnit(encodeUnit({ ...header, version: 4 }, body), open)), /rollback refused/);
});

test("bad arguments to the encoder are refused", () => {
  assert.throws(() => encodeUnit({ ...header, baseFingerprint: new Uint8Array(3) }, body), /16 bytes/);
  assert.throws(() => encodeUnit({ ...header, version: -1 }, body), /not a u32/);
  assert.throws(() => attachSignature(encodeUnit(header, body), new Uint8Array(10)), /64 bytes/);
});

test("bodyChecked skips the body's CRC only: a header or fingerprint fault is still refused", () => {
  const u = encodeUnit(header, body);
  u[UNIT_HEADER_SIZE + 5] ^= 1;
  assert.throws(() => decodeUnit(u), /body checksum mismatch/);
  assert.is(decodeUnit(u, true).version, 5);
  const h = u.slice();
  h[33] ^= 1;
  assert.throws(() => decodeUnit(h, true), /header check failed/);
  assert.throws(() => acceptUnit(u, acceptance({ engineFingerprint: 1, bodyChecked: true })), /engine fingerprint/);
});

test.run();
