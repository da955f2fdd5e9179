/**
 * io/net/random.ts: the default network's random numbers come from the random source while it
 * works, and from Math.random after exactly one warning line where it throws or is missing.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { NO_RANDOM_SOURCE_WARNING, systemRandom, type RandomSource } from "../../../io/net/random.ts";

test("a working source gives its words, with no warning", () => {
  let next = 7;
  const source: RandomSource = { getRandomValues: (a) => a.fill(next++) };
  const warnings: string[] = [];
  const random = systemRandom(source, (l) => warnings.push(l));
  assert.equal([random(), random(), random()], [8, 9, 10], "the probe took 7");
  assert.equal(warnings, []);
});

test("a source that throws, or none: one warning line, then uniform 32-bit integers from Math.random", () => {
  for (const source of [{ getRandomValues: () => { throw new Error("no RNG"); } } as RandomSource, undefined]) {
    const warnings: string[] = [];
    const random = systemRandom(source, (l) => warnings.push(l));
    const values = Array.from({ length: 200 }, random);
    assert.equal(warnings, [NO_RANDOM_SOURCE_WARNING]);
    assert.ok(values.every((v) => Number.isInteger(v) && v >= 0 && v <= 0xffffffff));
    assert.ok(new Set(values).size > 190, "not constant");
    assert.ok(values.some((v) => v > 0x80000000), "the high bit is used");
  }
  assert.match(NO_RANDOM_SOURCE_WARNING, /^network: this board has no random source; TCP sequence numbers, ports and DNS ids are predictable$/);
});

test.run();
