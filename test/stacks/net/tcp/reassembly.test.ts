import { test } from "uvu";
import * as assert from "uvu/assert";
import { Reassembly } from "../../../../stacks/net/tcp/reassembly.ts";

const bytes = (from: number, n: number) => Uint8Array.from({ length: n }, (_, i) => (from + i) & 0xff);

test("pieces come out in order once the gap before them fills, overlaps trimmed", () => {
  const r = new Reassembly(100);
  assert.ok(r.insert(20, bytes(20, 10), false));
  assert.ok(r.insert(10, bytes(10, 15), false)); // overlaps the next: cut at 20
  assert.ok(r.insert(25, bytes(25, 10), true)); // overlaps the held 20..30: front cut
  assert.is(r.bytes, 25);
  assert.is(r.takeAt(5), null);
  const a = r.takeAt(10)!;
  assert.equal(Array.from(a.data), Array.from(bytes(10, 10)));
  const b = r.takeAt(20)!;
  assert.equal(Array.from(b.data), Array.from(bytes(20, 10)));
  const c = r.takeAt(30)!;
  assert.equal(Array.from(c.data), Array.from(bytes(30, 5)));
  assert.is(c.fin, true);
  assert.ok(r.empty);
  assert.is(r.bytes, 0);
});

test("new data spanning a held piece keeps its parts on both sides, and the FIN after them", () => {
  for (const end of [30, 40]) {
    const r = new Reassembly(100);
    assert.ok(r.insert(20, bytes(20, 10), false));
    assert.ok(r.insert(10, bytes(10, end - 10), true));
    assert.is(r.bytes, end - 10);
    const got: number[] = [];
    let next = 10;
    let fin = false;
    for (let p = r.takeAt(next); p; p = fin ? null : r.takeAt(next)) {
      got.push(...p.data);
      next += p.data.length;
      fin = p.fin;
    }
    assert.equal(got, Array.from(bytes(10, end - 10)), `data 10..${end}`);
    assert.ok(fin, `the FIN at ${end} kept`);
  }
  // A FIN inside data already held contradicts it: not kept.
  const r = new Reassembly(100);
  r.insert(20, bytes(20, 10), false);
  r.insert(22, new Uint8Array(0), true);
  assert.is(r.takeAt(20)!.fin, false);
  assert.ok(r.empty);
});

test("bounded: what does not fit is refused and nothing is stored", () => {
  const r = new Reassembly(16);
  assert.ok(r.insert(100, bytes(0, 10), false));
  assert.not.ok(r.insert(200, bytes(0, 7), false));
  assert.is(r.bytes, 10);
  // A piece already covered takes no room.
  assert.ok(r.insert(102, bytes(2, 5), false));
  assert.is(r.bytes, 10);
});

test("pieces that end before the next expected byte are discarded; sequence numbers wrap", () => {
  const r = new Reassembly(100);
  r.insert(0xfffffffb, bytes(0, 10), false);
  const p = r.takeAt(0xfffffffe)!;
  assert.is(p.data.length, 7);
  r.insert(50, bytes(0, 5), false);
  assert.is(r.takeAt(60), null);
  assert.ok(r.empty);
});

test.run();
