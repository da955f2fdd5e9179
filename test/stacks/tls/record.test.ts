/** stacks/tls/record.ts: framing with the size limits of RFC 8446 5.1/5.2, and protection (5.2, 5.3). */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { Alert, TlsAlert } from "../../../stacks/tls/alert.ts";
import { CIPHER_SUITES, TLS_CHACHA20_POLY1305_SHA256 } from "../../../stacks/tls/cipher-suite.ts";
import { MAX_CIPHERTEXT, MAX_PLAINTEXT, Protection, RecordReader } from "../../../stacks/tls/record.ts";

const alertOf = (f: () => unknown): number | null => {
  try {
    f();
    return null;
  } catch (e) {
    if (e instanceof TlsAlert) return e.description;
    throw e;
  }
};

test("RecordReader: waits for a whole record, takes two from one push, one split byte by byte", () => {
  const r = new RecordReader();
  r.push(Uint8Array.of(22, 3, 3, 0));
  assert.is(r.next(), null);
  r.push(Uint8Array.of(2, 1, 2, 23, 3, 3, 0, 1, 9));
  assert.equal(r.next(), { type: 22, fragment: Uint8Array.of(1, 2) });
  assert.equal(r.next(), { type: 23, fragment: Uint8Array.of(9) });
  assert.is(r.next(), null);
  for (const b of [21, 3, 1, 0, 2, 1, 0]) r.push(Uint8Array.of(b));
  assert.equal(r.next(), { type: 21, fragment: Uint8Array.of(1, 0) });
});

test("RecordReader: the limits are checked on the header, before the body is buffered", () => {
  const over = (type: number, length: number) => {
    const r = new RecordReader();
    r.push(Uint8Array.of(type, 3, 3, length >>> 8, length & 0xff));
    return alertOf(() => r.next());
  };
  assert.is(over(22, MAX_PLAINTEXT), null);
  assert.is(over(22, MAX_PLAINTEXT + 1), Alert.record_overflow);
  assert.is(over(23, MAX_CIPHERTEXT), null);
  assert.is(over(23, MAX_CIPHERTEXT + 1), Alert.record_overflow);
  const r = new RecordReader();
  r.push(Uint8Array.of(0x80, 0x2e, 1, 3, 1));
  assert.is(alertOf(() => r.next()), Alert.protocol_version, "an SSL 2 hello");
});

for (const suite of CIPHER_SUITES) {
  test(`Protection (${suite.name}): sealed records open in order; another sequence number or a flipped bit is bad_record_mac`, () => {
    const secret = new Uint8Array(32).fill(1);
    const w = new Protection(suite, secret);
    const r = new Protection(suite, secret);
    const recs = Array.from({ length: 300 }, (_, i) => w.seal(23, Uint8Array.of(i & 0xff, i >> 8)));
    assert.equal(Array.from(recs[0].subarray(0, 5)), [23, 3, 3, 0, 2 + 1 + 16]);
    for (let i = 0; i < 300; i++) assert.equal(Array.from(r.open(recs[i].subarray(5)).fragment), [i & 0xff, i >> 8]);
    const skip = new Protection(suite, secret);
    assert.is(alertOf(() => skip.open(recs[1].subarray(5))), Alert.bad_record_mac);
    const flipped = recs[0].slice(5);
    flipped[0] ^= 1;
    assert.is(alertOf(() => new Protection(suite, secret).open(flipped)), Alert.bad_record_mac);
    assert.is(alertOf(() => new Protection(suite, secret).open(new Uint8Array(16))), Alert.bad_record_mac);
  });
}

test("Protection: padding is stripped to the content type; all padding is unexpected_message", () => {
  const secret = new Uint8Array(32).fill(2);
  const w = new Protection(TLS_CHACHA20_POLY1305_SHA256, secret);
  const r = new Protection(TLS_CHACHA20_POLY1305_SHA256, secret);
  // seal() pads nothing; an inner plaintext of [5, 22, 0, 0] is what a padding peer sends.
  const padded = w.seal(0, Uint8Array.of(5, 22, 0));
  assert.equal(r.open(padded.subarray(5)), { type: 22, fragment: Uint8Array.of(5) });
  assert.is(alertOf(() => r.open(w.seal(0, new Uint8Array(3)).subarray(5))), Alert.unexpected_message);
});

test.run();
