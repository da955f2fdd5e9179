/**
 * engine/src/libc-printf.c in the linked images: every target's firmware formats with our
 * integer-only snprintf family, so none carries its C library's printf engine or the
 * floating-point conversion behind it (newlib's _svfprintf_r and _dtoa_r, picolibc's
 * __d_vfprintf and __dtoa_engine, musl's printf_core, fmt_fp and strerror's table for %m).
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { buildFirmware } from "../../tools/lib/build.ts";
import { loadBoard } from "../../tools/lib/boards.ts";
import { requireTool, run } from "../../tools/lib/toolchain.ts";
import { fixture } from "./boot.ts";

/** One board per C library and CPU: newlib in ARM and Thumb-2 state, picolibc, musl in ring 0
    and as a Linux process. */
const boards = ["pizero", "usbarmory-mk2", "sifive_u", "microvm", "linux-amd64", "linux-arm", "linux-riscv64"];

/** The libraries' printf engines and what only they pull in. */
const libraryPrintf = new Set([
  "_svfprintf_r", "_svfiprintf_r", "_vfprintf_r", "_vfiprintf_r", "_dtoa_r", // newlib
  "__d_vfprintf", "__f_vfprintf", "__i_vfprintf", "__dtoa_engine", // picolibc
  "vfprintf", "printf_core", "fmt_fp", "strerror", // musl (and the generic name)
]);

for (const name of boards) {
  test(`${name}: the firmware links no C library printf engine`, async () => {
    const fw = await buildFirmware({ board: name, app: fixture("exit-code.ts") });
    const nm = await run(await requireTool(loadBoard(name).target.nm), [fw.elf], "listing symbols");
    const symbols = nm.split("\n").map((l) => l.trim().split(/\s+/).pop() ?? "");
    assert.equal(symbols.filter((s) => libraryPrintf.has(s)), []);
    assert.ok(symbols.includes("vsnprintf"), "the engine's vsnprintf is linked");
  });
}

test.run();
