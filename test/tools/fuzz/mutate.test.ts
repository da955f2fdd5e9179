// The image fuzz's mutations (tools/fuzz/mutate.ts, image.ts): the same seed names the same
// damage, and every mutation stays in its region, is aligned where it says, and changes bytes.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { apply, mutation } from "../../../tools/fuzz/mutate.ts";
import { Rng } from "../../../tools/fuzz/rng.ts";
import { plan, targets } from "../../../tools/fuzz/image.ts";
import type { Region } from "../../../tools/fuzz/mutate.ts";

const section = Buffer.alloc(256);
for (let i = 0; i < section.length; i++) section[i] = i % 3 === 0 ? 0 : 0xff;
section.fill(0, 64, 128); // a zero stretch: word0 must look elsewhere in it... or find nothing
const regions: Region[] = [
  { name: "a", section: "bytecode", start: 0, end: 64 },
  { name: "zeros", section: "bytecode", start: 64, end: 128 },
  { name: "b", section: "bytecode", start: 128, end: 256 },
];
const sections = { bytecode: section, snapshot: null };

test("a seed always plans the same mutations, another seed others", () => {
  const t = targets(regions, sections);
  const a = plan(t, sections, 5, 60);
  assert.equal(plan(t, sections, 5, 60), a);
  assert.not.equal(plan(t, sections, 6, 60), a);
  assert.is(a.length, 60);
});

test("every mutation stays in its region, changes something, and words are aligned", () => {
  const t = targets(regions, sections);
  for (const m of plan(t, sections, 11, 400)) {
    const r = t.find((x) => x.region.name === m.region)?.region;
    assert.ok(r, m.region);
    const out = apply(section, m);
    if (m.kind === "append") {
      assert.is(out.length, section.length + m.bytes.length);
      continue;
    }
    assert.ok(m.offset >= r.start && m.offset + m.bytes.length <= r.end, `${m.kind} at ${m.offset} in ${m.region}`);
    if (m.kind === "truncate") {
      assert.is(out.length, m.offset);
      continue;
    }
    assert.not.ok(out.equals(section), `${m.kind} at ${m.offset} changed nothing`);
    if (m.kind === "word0" || m.kind === "wordF" || m.kind === "erase") assert.is(m.offset % 4, 0);
  }
});

test("a word that cannot change is no mutation (the caller falls back to a bit flip)", () => {
  const r = new Rng(1);
  const next = (): number => r.u32();
  assert.is(mutation(next, regions[1], "word0", section), null);
  const m = mutation(next, regions[1], "wordF", section);
  assert.ok(m && m.bytes.equals(Buffer.alloc(4, 0xff)));
});

test.run();
