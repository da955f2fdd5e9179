/** stacks/http/date.ts: IMF-fixdate (RFC 9110 5.6.7), checked against Date's own toUTCString(). */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { imfFixdate } from "../../../stacks/http/date.ts";

test("RFC 9110's example and a spread of times match toUTCString()", () => {
  assert.is(imfFixdate(Date.UTC(1994, 10, 6, 8, 49, 37)), "Sun, 06 Nov 1994 08:49:37 GMT");
  for (let t = 0; t < 4e12; t += 123_456_789_012) assert.is(imfFixdate(t), new Date(t).toUTCString());
});

test("not a time: a RangeError", () => {
  assert.throws(() => imfFixdate(Number.NaN), RangeError);
});

test.run();
