import { test } from "uvu";
import * as assert from "uvu/assert";
import { DEFAULT_TCP_OPTIONS, tcpOptions } from "../../../../stacks/net/tcp/options.ts";

test("defaults fill what is not given, keepalive field by field", () => {
  const o = tcpOptions({ timeWaitMs: 1000, keepAlive: { idleMs: 5000 } });
  assert.is(o.timeWaitMs, 1000);
  assert.is(o.maxConnections, DEFAULT_TCP_OPTIONS.maxConnections);
  assert.is(o.keepAlive.idleMs, 5000);
  assert.is(o.keepAlive.probes, DEFAULT_TCP_OPTIONS.keepAlive.probes);
});

test("nonsense is refused, naming the option", () => {
  assert.throws(() => tcpOptions({ maxHalfOpen: 0 }), /maxHalfOpen must be a positive integer/);
  assert.throws(() => tcpOptions({ sendBufferBytes: 1.5 }), /sendBufferBytes/);
  assert.throws(() => tcpOptions({ delayedAckMs: NaN }), /delayedAckMs/);
  assert.throws(() => tcpOptions({ receiveBufferBytes: 65536 }), /at most 65535/);
  assert.throws(() => tcpOptions({ minRtoMs: 5000, maxRtoMs: 1000 }), /exceeds maxRtoMs/);
  assert.throws(() => tcpOptions({ keepAlive: { idleMs: 1, intervalMs: 1, probes: -1 } }), /keepAlive\.probes/);
});

test.run();
