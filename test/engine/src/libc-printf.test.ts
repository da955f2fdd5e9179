/**
 * engine/src/libc-printf.c, the integer-only snprintf family every target links in place of its C
 * library's (test/engine/src/libc-printf_harness.c): over millions of combinations of flags, widths,
 * precisions, lengths and values it answers exactly as the host's C library (glibc, LP64) and, on
 * ARM under qemu-arm-static, as newlib (ILP32: 32-bit long, 64-bit values through libgcc), at every
 * buffer size; a conversion it lacks (floating point, %n, wide characters) is reported, not guessed.
 * The harness renames the functions under test so that the library's stay the reference.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { repoPath } from "../../../tools/lib/paths.ts";

const dir = mkdtempSync(path.join(os.tmpdir(), "tsmetal-libc-printf-"));
const host = path.join(dir, "harness");
const arm = path.join(dir, "harness-arm");
const sources = [repoPath("engine/src/libc-printf.c"), repoPath("test/engine/src/libc-printf_harness.c")];
const renames = ["vsnprintf", "snprintf", "sprintf", "vsprintf"].map((f) => `-D${f}=tsm_test_${f}`);

/** The file under test with its functions renamed; the harness without (it calls the library's). */
function compile(cc: string, flags: string[], out: string): void {
  const objs = sources.map((src, i) => path.join(dir, `${path.basename(out)}-${i}.o`));
  execFileSync(cc, [...flags, "-O2", "-Wall", "-Wextra", "-Werror", "-Wno-unused-parameter", "-fno-strict-aliasing", ...renames, `-I${repoPath("engine/src")}`, "-c", sources[0], "-o", objs[0]]);
  // -O0: GCC 12 at -O2 merges snprintf(out, n, fmt, (int)-3) and (intmax_t)-3 into one call
  // passing an int, which would make the reference seem to lack %jd.
  execFileSync(cc, [...flags, "-O0", "-Wno-format", "-c", sources[1], "-o", objs[1]]);
  execFileSync(cc, [...flags, ...objs, "-o", out]);
}

// Newlib's semihosting start files (rdimon) give the ARM build its arguments and console under
// qemu-user; both come with the ARM toolchain and QEMU that npm run setup installs.
const armFlags = ["-mcpu=cortex-a7", "-mthumb", "-mfpu=neon-vfpv4", "-mfloat-abi=hard", "--specs=rdimon.specs"];

test.before(() => {
  compile("cc", [], host);
  compile("arm-none-eabi-gcc", armFlags, arm);
});
test.after(() => rmSync(dir, { recursive: true, force: true }));

const run = (...args: string[]) => spawnSync(host, args, { encoding: "utf8" });
const runArm = (...args: string[]) => spawnSync("qemu-arm-static", [arm, ...args], { encoding: "utf8", timeout: 300_000 });

test("the same output, length and buffer contents as glibc (LP64), every combination", () => {
  const r = run("compare");
  assert.match(r.stdout, /^\d{7,} cases, 0 mismatches\n$/);
  assert.is(r.status, 0);
});

test("the same as newlib on ARM (ILP32), every combination newlib formats", () => {
  const r = runArm("compare");
  // Debian's newlib is built without C99 formats: j, z and t are ours alone (compared on glibc).
  assert.match(r.stdout, /^(the reference library lacks %[jzt]d: not compared\n)*\d{7,} cases, 0 mismatches\n$/);
  assert.is(r.status, 0);
});

test("%p, a NULL %s, sprintf and an unterminated %.*s array, on both", () => {
  for (const r of [run("fixed"), runArm("fixed")]) {
    assert.is(r.stdout, "fixed: ok\n");
    assert.is(r.status, 0);
  }
});

test("a conversion it lacks is reported with its spec (exit 4 on the target), never formatted", () => {
  const lacking = { "%f": "%f", "x=%.1f": "%.1f", "%0.1f per block": "%0.1f", "%g": "%g", "%+.*e": "%+.*e", "%E": "%E", "%G": "%G", "%a": "%a", "%Lf": "%L", "%n": "%n", "%lc": "%lc", "%ls": "%ls", "%m": "%m", "%qd": "%q", "end%": "%", "%5%": "%5%" };
  for (const [format, spec] of Object.entries(lacking)) {
    const r = run("bad", format);
    assert.is(r.stdout, `bad-format ${spec}\n`, format);
    assert.is(r.status, 3, format);
  }
});

test.run();
