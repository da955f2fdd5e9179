import { test } from "uvu";
import * as assert from "uvu/assert";
import { RtoEstimator } from "../../../../stacks/net/tcp/rto.ts";

const bounds = { minMs: 1000, maxMs: 60_000, initialMs: 1000 };

test("RFC 6298 (2.1): 1 s before any sample", () => {
  assert.is(new RtoEstimator(bounds).rto, 1000);
});

test("RFC 6298 (2.2), (2.3): SRTT, RTTVAR, and RTO = SRTT + 4 RTTVAR", () => {
  const r = new RtoEstimator({ ...bounds, minMs: 1 });
  r.sample(100);
  assert.is(r.smoothedRtt, 100);
  assert.is(r.rto, 100 + 4 * 50);
  r.sample(200);
  // RTTVAR = 3/4 * 50 + 1/4 * |100 - 200| = 62.5; SRTT = 7/8 * 100 + 1/8 * 200 = 112.5
  assert.is(r.smoothedRtt, 112.5);
  assert.is(r.rto, 112.5 + 4 * 62.5);
});

test("RFC 6298 (2.4): never below the minimum; (5.5) doubles on backoff up to the maximum", () => {
  const r = new RtoEstimator(bounds);
  r.sample(10);
  assert.is(r.rto, 1000);
  r.backoff();
  assert.is(r.rto, 2000);
  for (let i = 0; i < 10; i++) r.backoff();
  assert.is(r.rto, 60_000);
  // A new sample (from a segment not retransmitted) ends the backoff.
  r.sample(10);
  assert.is(r.rto, 1000);
});

test.run();
