import { test } from "uvu";
import * as assert from "uvu/assert";
import { readU16, readU32 } from "../../../stacks/net/bytes.ts";

test("readU16 and readU32 read network byte order (most significant first) at an offset", () => {
  const b = Uint8Array.of(0x00, 0x12, 0x34, 0x56, 0x78, 0x9a);
  assert.is(readU16(b, 1), 0x1234);
  assert.is(readU16(b, 4), 0x789a);
  assert.is(readU32(b, 1), 0x1234_5678);
  assert.is(readU32([0xff, 0xff, 0xff, 0xfe], 0), 0xffff_fffe, "unsigned, from a plain array too");
});

test.run();
