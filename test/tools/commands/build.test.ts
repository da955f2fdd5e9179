import { test } from "uvu";
import * as assert from "uvu/assert";
import { UserError } from "../../../tools/lib/errors.ts";
import { firmwareOptions, parseByteSize } from "../../../tools/commands/build.ts";
import { maxLimit } from "../../support/memory-limit.ts";

function throwsUser(f: () => unknown, re: RegExp): void {
  try {
    f();
  } catch (e) {
    assert.instance(e, UserError, String(e));
    assert.match((e as Error).message, re);
    return;
  }
  assert.unreachable(`expected a UserError matching ${re}`);
}

test("--memory-limit accepts bytes, k and m, and refuses the rest", () => {
  assert.is(parseByteSize("262144"), 262144);
  assert.is(parseByteSize("512k"), 512 * 1024);
  assert.is(parseByteSize("4M"), 4 * 1024 * 1024);
  assert.is(parseByteSize(undefined), undefined);
  assert.throws(() => parseByteSize("lots"), /--memory-limit takes a number of bytes/);
});

test("--memory-limit: malformed values are refused", () => {
  for (const bad of ["abc", "-1", "0", "1.5x", "1.5m", "", " 4m", "0k"]) {
    throwsUser(() => parseByteSize(bad), /--memory-limit takes a number of bytes of at least 1, e\.g\. 262144, 512k or 4m/);
  }
  assert.is(parseByteSize("1g"), 2 ** 30);
});

// The heap's bounds are checked against the linked ELF's in test/qemu/errors.test.ts.
test("--memory-limit above the board's heap is refused, naming the range (32-bit wrap, 64-bit link error)", () => {
  // 448 MiB of RAM below the GPU's share, less image, stacks, DMA and the engine's 1/16.
  assert.ok(maxLimit("pizero") > 400 * 2 ** 20 && maxLimit("pizero") < 420 * 2 ** 20, String(maxLimit("pizero")));
  // 4097m is 0x100100000: the linker's 32-bit --defsym kept 0x100000, a 1 MiB limit.
  throwsUser(
    () => firmwareOptions("pizero", { "memory-limit": "4097m" }),
    new RegExp(`--memory-limit 4097m is out of range for board 'pizero': .* allows a limit of 1 to ${maxLimit("pizero")} bytes \\(41\\d\\.\\d MiB\\)`),
  );
  // On microvm (64-bit) the same value was a linker error; it has 128 MiB of RAM.
  throwsUser(() => firmwareOptions("microvm", { "memory-limit": "4g" }), new RegExp(`--memory-limit 4g is out of range for board 'microvm': .* 1 to ${maxLimit("microvm")} bytes`));
  // One byte above what the engine would apply (it silently lowered such a limit).
  const over = String(maxLimit("usbarmory-mk2") + 1);
  throwsUser(() => firmwareOptions("usbarmory-mk2", { "memory-limit": over }), /out of range for board 'usbarmory-mk2'/);
  assert.is(firmwareOptions("pizero", { "memory-limit": String(maxLimit("pizero")) }).memoryLimit, maxLimit("pizero"));
  assert.is(firmwareOptions("sifive_u", { "memory-limit": "64m" }).memoryLimit, 64 * 2 ** 20);
});

test.run();
