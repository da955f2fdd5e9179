import { test } from "uvu";
import * as assert from "uvu/assert";
import { Counters } from "../../../../stacks/net/counters.ts";
import { ACK, FIN, parseTcp, PSH, segmentLength, SYN, writeTcp } from "../../../../stacks/net/tcp/segment.ts";
import { ipNum, tcp, toHex, type TcpFields } from "../../../support/net/frames.ts";

const SRC = "10.0.2.2";
const DST = "10.0.2.15";

function parse(bytes: number[]) {
  const c = new Counters();
  return { seg: parseTcp(Uint8Array.from(bytes), ipNum(SRC), ipNum(DST), c), counters: c.snapshot() };
}

function seg(over: Partial<TcpFields>): number[] {
  return tcp({ src: SRC, dst: DST, srcPort: 40000, dstPort: 80, seq: 1000, ack: 2000, flags: "A", window: 8192, ...over });
}

test("fields, MSS option among NOPs and unknown options, payload", () => {
  // NOP, NOP, SACK-permitted (4,2), MSS 1460, window scale (3,3,7), NOP
  const { seg: s } = parse(seg({ flags: "S", options: [1, 1, 4, 2, 2, 4, 0x05, 0xb4, 3, 3, 7, 1], payload: [] }));
  assert.ok(s);
  assert.is(s.mss, 1460);
  assert.is(s.flags, SYN);
  assert.is(s.seq, 1000);
  assert.is(segmentLength(s), 1);
  const { seg: d } = parse(seg({ flags: "PAF", payload: [1, 2, 3] }));
  assert.is(d!.flags, PSH | ACK | FIN);
  assert.is(toHex(d!.payload), "010203");
  assert.is(segmentLength(d!), 4);
  assert.is(d!.mss, null);
});

test("bad input: truncated, header length, checksum, options", () => {
  const good = seg({ payload: [1, 2, 3, 4] });
  const withOpts = (o: number[]) => seg({ options: o });
  const cases: [number[], string][] = [
    [good.slice(0, 19), "tcp_truncated"],
    [[...good.slice(0, 12), 0x40, ...good.slice(13)], "tcp_bad_header_length"],
    [[...good.slice(0, 12), 0xf0, ...good.slice(13)], "tcp_bad_header_length"],
    [seg({ badChecksum: true }), "tcp_bad_checksum"],
    [withOpts([2, 4, 5, 0xb4, 8, 0, 0, 0]), "tcp_bad_options"],
    [withOpts([2, 3, 5, 1]), "tcp_bad_options"],
    [withOpts([1, 1, 1, 5]), "tcp_bad_options"],
    [withOpts([1, 1, 9, 10]), "tcp_bad_options"],
  ];
  for (const [bytes, reason] of cases) {
    const r = parse(bytes);
    assert.is(r.seg, null, reason);
    assert.equal(r.counters, { [reason]: 1 }, reason);
  }
  // End-of-list stops option parsing, whatever follows.
  assert.ok(parse(withOpts([0, 9, 9, 9])).seg);
});

test("writeTcp: header, MSS option and checksum byte-exactly", () => {
  const buf = new Uint8Array(24 + 2);
  buf.set([0xab, 0xcd], 24);
  writeTcp(buf, 0, { srcPort: 80, dstPort: 40000, seq: 0xfffffffe, ack: 1001, flags: SYN | ACK, window: 16384, mss: 1460 }, 2, ipNum(DST), ipNum(SRC));
  const expected = tcp({ src: DST, dst: SRC, srcPort: 80, dstPort: 40000, seq: 0xfffffffe, ack: 1001, flags: "SA", window: 16384, options: [2, 4, 5, 0xb4], payload: [0xab, 0xcd] });
  assert.is(toHex(buf), toHex(Uint8Array.from(expected)));
});

test.run();
