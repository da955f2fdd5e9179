/** stacks/ssh/wire.ts: RFC 4251 5's encodings (its mpint examples) and bound checks that end in PROTOCOL_ERROR. */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { SshDisconnect } from "../../../stacks/ssh/errors.ts";
import { SshReader, SshWriter } from "../../../stacks/ssh/wire.ts";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

test("mpint examples of RFC 4251 5 (unsigned values)", () => {
  assert.is(hex(new SshWriter().mpint(new Uint8Array([])).bytes()), "00000000");
  assert.is(hex(new SshWriter().mpint(Buffer.from("09a378f9b2e332a7", "hex")).bytes()), "0000000809a378f9b2e332a7");
  assert.is(hex(new SshWriter().mpint(Buffer.from("0080", "hex")).bytes()), "000000020080");
  assert.is(hex(new SshWriter().mpint(Buffer.from("000000", "hex")).bytes()), "00000000");
});

test("strings, name-lists, booleans round trip", () => {
  const b = new SshWriter().string("héllo").nameList(["a", "b-c@d"]).boolean(true).uint32(0xfffffffe).bytes();
  const r = new SshReader(b);
  assert.is(r.text(), "héllo");
  assert.equal(r.nameList(), ["a", "b-c@d"]);
  assert.is(r.boolean(), true);
  assert.is(r.uint32(), 0xfffffffe);
  r.end("x");
});

function refused(f: () => unknown, pattern: RegExp): void {
  try {
    f();
    assert.unreachable("accepted");
  } catch (e) {
    assert.instance(e, SshDisconnect);
    assert.is((e as SshDisconnect).reason, 2);
    assert.match((e as Error).message, pattern);
  }
}

test("a length past the end, a bad name-list, bad UTF-8 and trailing bytes are PROTOCOL_ERROR", () => {
  refused(() => new SshReader(new Uint8Array([0, 0, 0, 9, 1])).string(), /truncated/);
  refused(() => new SshReader(new Uint8Array([0xff, 0xff, 0xff, 0xff])).string(), /truncated/);
  refused(() => new SshReader(new Uint8Array([0, 0])).uint32(), /truncated/);
  refused(() => new SshReader(new SshWriter().string("a,,b").bytes()).nameList(), /empty name/);
  refused(() => new SshReader(new SshWriter().string("a b").bytes()).nameList(), /US-ASCII/);
  refused(() => new SshReader(new SshWriter().string(new Uint8Array([0xc3])).bytes()).text(), /UTF-8/);
  refused(() => new SshReader(new SshWriter().string("x".repeat(2000)).bytes()).text("t", 1024), /at most 1024/);
  refused(() => new SshReader(new Uint8Array([1])).end("msg"), /unexpected bytes/);
});

test.run();
