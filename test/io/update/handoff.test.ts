// The soft restart's handoff record (io/update/handoff.ts): round trips with and without a previous
// unit, and each kind of damage refused with its own message.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { decodeHandoff, encodeHandoff } from "../../../io/update/handoff.ts";

const test = suite("io/update/handoff");
const run = new Uint8Array(200).map((_, i) => i & 0xff);
const previous = new Uint8Array(77).fill(9);

test("a round trip keeps the units, their order and the floor", () => {
  const h = decodeHandoff(encodeHandoff({ run, previous, floor: 7 }));
  assert.equal([...h.run], [...run]);
  assert.equal([...(h.previous ?? [])], [...previous]);
  assert.is(h.floor, 7);
  const alone = decodeHandoff(encodeHandoff({ run, floor: 0xfffffffe }));
  assert.is(alone.previous, undefined);
  assert.is(alone.floor, 0xfffffffe);
  assert.equal([...alone.run], [...run]);
});

test("damage is refused with what is wrong", () => {
  const good = encodeHandoff({ run, previous, floor: 1 });
  assert.throws(() => decodeHandoff(good.subarray(0, 10)), /shorter than its header/);
  const magic = good.slice();
  magic[0] ^= 1;
  assert.throws(() => decodeHandoff(magic), /bad magic/);
  assert.throws(() => decodeHandoff(good.subarray(0, good.length - 1)), /lengths disagree/);
  const flags = good.slice();
  flags[4] = 0;
  assert.throws(() => decodeHandoff(flags), /flags disagree/);
  const unknown = good.slice();
  unknown[5] = 1;
  assert.throws(() => decodeHandoff(unknown), /unknown handoff flags 0x101/);
});

test.run();
