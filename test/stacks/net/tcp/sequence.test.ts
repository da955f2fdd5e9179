import { test } from "uvu";
import * as assert from "uvu/assert";
import { seqAdd, seqDiff, seqGe, seqGt, seqLe, seqLt } from "../../../../stacks/net/tcp/sequence.ts";

test("comparisons wrap around 2^32 (RFC 9293 section 3.4)", () => {
  assert.is(seqAdd(0xffffffff, 1), 0);
  assert.is(seqAdd(0, -1), 0xffffffff);
  assert.ok(seqLt(0xfffffff0, 0x10));
  assert.ok(seqGt(0x10, 0xfffffff0));
  assert.is(seqDiff(0x10, 0xfffffff0), 0x20);
  assert.ok(seqLe(5, 5) && seqGe(5, 5) && !seqLt(5, 5) && !seqGt(5, 5));
});

test.run();
