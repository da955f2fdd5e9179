/** stacks/ssh/packet.ts: framing (RFC 4253 6), padding and alignment, byte-at-a-time input, and the refusals. */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { chachaPoly } from "../../../stacks/ssh/cipher.ts";
import { PacketReader, PacketWriter } from "../../../stacks/ssh/packet.ts";

const random = (n: number) => new Uint8Array(n).fill(0xaa);

test("cleartext packets: padding at least 4, the whole a multiple of 8, read back byte by byte", () => {
  const w = new PacketWriter(random);
  const r = new PacketReader();
  for (let n = 1; n < 40; n++) {
    const payload = new Uint8Array(n).fill(n);
    const p = w.frame(payload);
    assert.is(p.length % 8, 0);
    assert.ok(p[4] >= 4 && p[4] < 12);
    for (const b of p) r.push(new Uint8Array([b]));
    assert.equal(Array.from(r.next()!), Array.from(payload));
    assert.is(r.next(), null);
  }
  assert.is(r.seq, 39);
});

test("AEAD packets align without the length field and carry the tag; sequence numbers advance", () => {
  const key = new Uint8Array(64).fill(7);
  const w = new PacketWriter(random);
  const r = new PacketReader();
  w.useCipher(chachaPoly(key));
  r.useCipher(chachaPoly(key));
  const packets = [w.frame(new Uint8Array(10)), w.frame(new Uint8Array(100))];
  for (const p of packets) assert.is((p.length - 4 - 16) % 8, 0);
  r.push(new Uint8Array([...packets[0], ...packets[1]]));
  assert.is(r.next()!.length, 10);
  assert.is(r.next()!.length, 100);
  assert.is(r.seq, 2);
});

test("a bad length, a misaligned one or a bad padding length is refused", () => {
  const frame = (len: number, pad: number, total = len + 4) => {
    const b = new Uint8Array(total);
    new DataView(b.buffer).setUint32(0, len);
    b[4] = pad;
    return b;
  };
  for (const [bytes, pattern] of [
    [frame(4, 0, 8), /bad packet length 4/],
    [frame(35004, 4, 8), /bad packet length/],
    [frame(13, 4), /multiple of the cipher block/],
    [frame(12, 3), /bad padding length 3/],
    [frame(12, 11), /bad padding length 11/],
  ] as const) {
    const r = new PacketReader();
    r.push(bytes);
    assert.throws(() => r.next(), pattern);
  }
});

test.run();
