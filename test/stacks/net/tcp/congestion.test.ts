import { test } from "uvu";
import * as assert from "uvu/assert";
import { NewReno } from "../../../../stacks/net/tcp/congestion.ts";

const MSS = 1460;

test("RFC 5681 3.1: the initial window by SMSS", () => {
  const cc = new NewReno(0, 1 << 20);
  cc.start(1460);
  assert.is(cc.cwnd, 3 * 1460);
  cc.start(536);
  assert.is(cc.cwnd, 4 * 536);
  cc.start(4000);
  assert.is(cc.cwnd, 8000);
});

test("slow start grows by at most SMSS per ACK; congestion avoidance by about SMSS per window", () => {
  const cc = new NewReno(0, 1 << 20);
  cc.start(MSS);
  cc.onNewAck(5000, 5000, 5000);
  assert.is(cc.cwnd, 4 * MSS, "one ACK for many bytes still adds one SMSS");
  cc.ssthresh = cc.cwnd;
  cc.onNewAck(6460, MSS, MSS);
  assert.is(cc.cwnd, 4 * MSS + Math.floor((MSS * MSS) / (4 * MSS)));
});

test("the window never exceeds its cap", () => {
  const cc = new NewReno(0, 10_000);
  cc.start(MSS);
  for (let i = 1; i < 100; i++) cc.onNewAck(i * MSS, MSS, MSS);
  assert.is(cc.cwnd, 10_000);
});

test("third duplicate ACK: ssthresh = max(flight / 2, 2 SMSS), cwnd = ssthresh + 3 SMSS; inflation; full ACK deflates", () => {
  const cc = new NewReno(0, 1 << 20);
  cc.start(MSS);
  const una = 1000;
  const max = una + 10 * MSS;
  assert.not.ok(cc.onDuplicateAck(una, max));
  assert.not.ok(cc.onDuplicateAck(una, max));
  assert.ok(cc.onDuplicateAck(una, max));
  assert.is(cc.ssthresh, 5 * MSS);
  assert.is(cc.cwnd, 8 * MSS);
  cc.onDuplicateAck(una, max);
  assert.is(cc.cwnd, 9 * MSS);
  // A partial ACK: resend the next hole, deflate by what it acknowledged, add one SMSS back.
  assert.ok(cc.onNewAck(una + 2 * MSS, 2 * MSS, 10 * MSS));
  assert.is(cc.cwnd, 9 * MSS - 2 * MSS + MSS);
  // The full ACK ends recovery: min(ssthresh, max(flight - acked, SMSS) + SMSS).
  assert.not.ok(cc.onNewAck(max, 8 * MSS, 8 * MSS));
  assert.is(cc.cwnd, 2 * MSS);
});

test("limited transmit (RFC 3042): one SMSS beyond cwnd per duplicate, two at most, none in recovery; not counted in ssthresh", () => {
  const cc = new NewReno(0, 1 << 20);
  cc.start(MSS);
  assert.is(cc.limitedTransmit, 0);
  const una = 1000;
  assert.not.ok(cc.onDuplicateAck(una, una + 3 * MSS));
  assert.is(cc.limitedTransmit, MSS);
  assert.is(cc.cwnd, 3 * MSS, "cwnd does not change");
  // The sender used it: one more segment is in flight at the next duplicate.
  assert.not.ok(cc.onDuplicateAck(una, una + 4 * MSS));
  assert.is(cc.limitedTransmit, 2 * MSS);
  assert.ok(cc.onDuplicateAck(una, una + 5 * MSS));
  assert.is(cc.ssthresh, 2 * MSS, "FlightSize / 2 of the three segments before limited transmit is under 2 SMSS");
  assert.is(cc.limitedTransmit, 0);
  cc.onNewAck(una + 5 * MSS, 5 * MSS, 5 * MSS);
  assert.is(cc.limitedTransmit, 0, "a new ACK ends it");
  // A larger window: ssthresh is half of what was in flight at the first duplicate.
  assert.not.ok(cc.onDuplicateAck(una + 5 * MSS, una + 15 * MSS));
  assert.not.ok(cc.onDuplicateAck(una + 5 * MSS, una + 16 * MSS));
  assert.ok(cc.onDuplicateAck(una + 5 * MSS, una + 17 * MSS));
  assert.is(cc.ssthresh, 5 * MSS);
});

test("RFC 6582 step 2: no second fast retransmit for losses of a window already recovered", () => {
  const cc = new NewReno(0, 1 << 20);
  cc.start(MSS);
  cc.onTimeout(0, 10 * MSS);
  assert.is(cc.cwnd, MSS);
  assert.is(cc.ssthresh, 5 * MSS);
  for (let i = 0; i < 3; i++) assert.not.ok(cc.onDuplicateAck(2 * MSS, 10 * MSS));
  cc.onNewAck(10 * MSS, 8 * MSS, 10 * MSS);
  let fast = false;
  for (let i = 0; i < 3; i++) fast = cc.onDuplicateAck(10 * MSS, 12 * MSS);
  assert.ok(fast);
  assert.is(cc.ssthresh, 2 * MSS, "beyond the recovery point it is a new loss");
});

test.run();
