// Exactness tests for engine/src/dtoa.c (tsm_ecvt / tsm_fcvt), the printf-free
// replacement for QuickJS's js_ecvt / js_fcvt. Compiles test/engine/src/dtoa_harness.c
// with the host `cc`, feeds it test vectors in bulk over stdin and compares every
// answer with V8, whose Number formatting is exact:
//   shortest tsm_ecvt      vs  d.toExponential() and String(d)
//   tsm_ecvt, n digits     vs  d.toExponential(n - 1)
//   tsm_fcvt(d, n)         vs  d.toFixed(n)                   (|d| < 1e21)
// Run: node --import tsx node_modules/uvu/bin.js test/engine/src 'dtoa'
// DTOA_SRC=<file> tests another dtoa.c (e.g. a deliberately broken copy);
// DTOA_CFLAGS adds harness compiler flags (e.g. "-fsanitize=address,undefined").
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const dtoaSrc = process.env.DTOA_SRC ?? join(root, 'engine/src/dtoa.c');
const harnessSrc = join(root, 'test/engine/src/dtoa_harness.c');
const cflags = ['-std=gnu99', '-Wall', '-Wextra', '-Werror', '-O2', '-fno-strict-aliasing'];

const execFileAsync = promisify(execFile);

let dir = '';
let exe = '';

// ---------------------------------------------------------------- helpers

const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);

function toHex(d: number): string {
  f64[0] = d;
  return u64[0].toString(16);
}

function fromBits(bits: bigint): number {
  u64[0] = BigInt.asUintN(64, bits);
  return f64[0];
}

function bitsOf(d: number): bigint {
  f64[0] = d;
  return u64[0];
}

function signBit(d: number): number {
  return d < 0 || Object.is(d, -0) ? 1 : 0;
}

/** Deterministic PRNG (sfc32) so failures are reproducible. */
function makeRng(seed: number): () => number {
  let a = 0x9e3779b9, b = 0x243f6a88, c = 0xb7e15162, d = seed >>> 0;
  const next = (): number => {
    a >>>= 0; b >>>= 0; c >>>= 0; d >>>= 0;
    const t = (a + b + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) >>> 0;
    return t;
  };
  for (let i = 0; i < 16; i++) next();
  return next;
}

const rng = makeRng(20210327);
/** Uniform integer in [lo, hi]. */
function randInt(lo: number, hi: number): number {
  return lo + Math.floor((rng() / 4294967296) * (hi - lo + 1));
}
function randBits(n: number): bigint {
  let r = 0n;
  for (let i = 0; i < n; i += 32) r = (r << 32n) | BigInt(rng());
  return BigInt.asUintN(n, r);
}
function randDigits(n: number): string {
  let s = String(randInt(1, 9));
  for (let i = 1; i < n; i++) s += String(randInt(0, 9));
  return s;
}

/** Digits (no leading/trailing zeros) and decimal-point position of a V8 decimal string. */
function parseDecimal(s: string): { digits: string; decpt: number } {
  const m = /^-?(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(s);
  if (!m) throw new Error(`unparsable ${s}`);
  const int = m[1] ?? '', frac = m[2] ?? '', exp = Number(m[3] ?? '0');
  let digits = int + frac;
  let decpt = int.length + exp;
  const lead = digits.length - digits.replace(/^0+/, '').length;
  digits = digits.slice(lead);
  decpt -= lead;
  digits = digits.replace(/0+$/, '');
  if (digits === '') return { digits: '0', decpt: 1 };
  return { digits, decpt };
}

/** V8 toExponential split into the ecvt triple (fixed digits keep their zeros). */
function expected(d: number, fractionDigits: number | undefined): string {
  const a = Math.abs(d);
  const s = fractionDigits === undefined ? a.toExponential() : a.toExponential(fractionDigits);
  const m = /^(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(s);
  if (!m) throw new Error(`unparsable ${s}`);
  const digits = (m[1] ?? '') + (m[2] ?? '');
  const decpt = a === 0 ? 1 : Number(m[3]) + 1;
  return `${signBit(d)} ${digits} ${decpt}`;
}

function expectedFixed(d: number, n: number, bufSize: number): string {
  let s: string;
  if (Math.abs(d) < 1e21) {
    s = (signBit(d) && d === 0 ? '-' : '') + d.toFixed(n);
  } else {
    // outside the toFixed contract d is an integer: exact digits via BigInt
    s = (d < 0 ? '-' : '') + BigInt(Math.abs(d)).toString() + (n > 0 ? '.' + '0'.repeat(n) : '');
  }
  return s.slice(0, Math.max(0, bufSize - 1));
}

interface Req {
  line: string;
  want: string;
  /** For shortest requests: the String(d) cross-check. */
  d?: number;
}

interface Result {
  got: string;
  ops: number;
}

function runHarness(lines: string[]): string[] {
  const r = spawnSync(exe, [], { input: lines.join('\n') + '\n', maxBuffer: 1 << 30, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`dtoa_harness exited ${r.status}: ${r.stderr}`);
  const out = r.stdout.split('\n');
  out.pop();
  return out;
}

function splitOps(line: string): Result {
  const i = line.lastIndexOf(' ');
  return { got: line.slice(0, i), ops: Number(line.slice(i + 1)) };
}

/** Runs the requests; returns the mismatches (at most a few are printed by the caller). */
function check(reqs: Req[]): { bad: string[]; results: Result[] } {
  const out = runHarness(reqs.map((r) => r.line));
  assert.is(out.length, reqs.length, 'one answer per request');
  const bad: string[] = [];
  const results: Result[] = [];
  reqs.forEach((req, i) => {
    const res = splitOps(out[i] ?? '');
    results.push(res);
    if (res.got !== req.want) {
      bad.push(`${req.line}: got "${res.got}", want "${req.want}"`);
    } else if (req.d !== undefined) {
      // Number::toString (closest, ties to even) must agree with the digits too
      const [, digits, decpt] = res.got.split(' ');
      const ref = parseDecimal(String(Math.abs(req.d)));
      if (ref.digits !== digits || String(ref.decpt) !== decpt) {
        bad.push(`${req.line}: got "${res.got}", String(d) = ${String(req.d)}`);
      }
    }
  });
  return { bad, results };
}

function assertNoMismatch(what: string, reqs: Req[]): Result[] {
  const { bad, results } = check(reqs);
  if (bad.length > 0) {
    console.error(`${what}: ${bad.length} of ${reqs.length} mismatches; first ones:\n  ${bad.slice(0, 12).join('\n  ')}`);
  }
  assert.is(bad.length, 0, `${what}: ${bad.length} mismatches`);
  return results;
}

const shortestReq = (d: number): Req => ({ line: `S ${toHex(d)}`, want: expected(d, undefined), d });
const fixedReq = (d: number, n: number): Req => ({ line: `E ${toHex(d)} ${n}`, want: expected(d, n - 1) });
const fcvtReq = (d: number, n: number, bufSize = 128): Req => ({
  line: `F ${toHex(d)} ${n} ${bufSize}`,
  want: expectedFixed(d, n, bufSize),
});

// ---------------------------------------------------------------- vectors

const edge: number[] = [
  0, 5e-324, 1e-323, 2.225073858507201e-308, 2.2250738585072014e-308, 2.2250738585072019e-308,
  1.7976931348623157e308, 1.7976931348623155e308, 8.98846567431158e307, 9007199254740992, 9007199254740993,
  9007199254740991, 4503599627370496, 4503599627370495.5, 0.1, 0.2, 0.3, 0.7, 1 / 3, 2 / 3, Math.PI, Math.E,
  3.14, 1e21, 1e-7, 1e-6, 123456789012345680000, 1e20, 999999999999999900000, 999999999999999999999,
  1e22, 1e23, 1.5e300, 1e-5, 1e-300, 5e-300, 1.25, 2.5, 1.005, 0.5, 1.5, 8.345, 1.45, 0.125, 0.375, 9.995,
  99.995, 0.045, 1.0000000000000002, 0.9999999999999999, 4.35, 2 ** 63, 2 ** 64, 2 ** 53 + 2, 2 ** -1022,
  2 ** -1074, 2 ** 1023, 1e15, 1e16, 1e17, 5e-7, 4.9406564584124654e-324, 2.4703282292062327e-324,
  1.2345678901234567e-8, 123.456, 1234.5678, 0.000001, 0.0000001, 100, 10, 1, 2, 7, 9, 9.5, 10.5, 0.05,
  0.015, 0.025, 1.4999999999999998, 4.999999999999999e-7, 5.551115123125783e-17, 1.1102230246251565e-16,
  2.220446049250313e-16, 1.7976931348623157e307, 9.999999999999999e22, 8.41e21, 5.2e-322, 2.9802322387695312e-8,
];

function neighbours(d: number): number[] {
  const b = bitsOf(d);
  const r = [d];
  if (b > 0n) r.push(fromBits(b - 1n));
  if (b < 0x7fefffffffffffffn) r.push(fromBits(b + 1n));
  return r;
}

function withSigns(xs: number[]): number[] {
  const r: number[] = [];
  for (const x of xs) r.push(x, -x);
  return r;
}

function randomFinite(): number {
  for (;;) {
    const d = fromBits(randBits(64));
    if (Number.isFinite(d)) return d;
  }
}

function randomSubnormal(): number {
  return fromBits((BigInt(rng() & 1) << 63n) | BigInt.asUintN(52, randBits(52)));
}

function randomNice(): number {
  // few significant digits at any scale: ties and near-ties for rounding
  for (;;) {
    const d = Number(`${randDigits(randInt(1, 17))}e${randInt(-330, 310)}`);
    if (Number.isFinite(d)) return rng() & 1 ? -d : d;
  }
}

function randomDecimalForFixed(): { d: number; places: number } {
  // x.yyy5-style values and friends, where toFixed(places) sits on a (near) tie
  const intDigits = randInt(0, 12);
  const places = randInt(0, 8);
  const int = intDigits === 0 ? '0' : randDigits(intDigits);
  let frac = '';
  for (let i = 0; i < places; i++) frac += String(randInt(0, 9));
  const tail = rng() % 3 === 0 ? String(randInt(0, 9)) : '5';
  const d = Number(`${int}.${frac}${tail}`);
  return { d: rng() & 1 ? -d : d, places };
}

// ---------------------------------------------------------------- tests

test.before(() => {
  dir = mkdtempSync(join(tmpdir(), 'tsm-dtoa-'));
  exe = join(dir, 'dtoa_harness');
  const extra = (process.env.DTOA_CFLAGS ?? '').split(/\s+/).filter((f) => f !== '');
  execFileSync('cc', [...cflags, ...extra, '-DTSM_DTOA_COUNT_OPS', '-I', join(root, 'engine/src'), '-o', exe, harnessSrc, dtoaSrc], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
});

test.after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

let total = 0;
function run(what: string, reqs: Req[]): Result[] {
  total += reqs.length;
  return assertNoMismatch(what, reqs);
}

test('spot checks (toFixed halfway cases)', () => {
  const cases: [number, number, string][] = [
    [1.25, 1, '1.3'], [2.5, 0, '3'], [1.005, 2, '1.00'], [0.5, 0, '1'], [-1.5, 0, '-2'], [8.345, 2, '8.35'],
    [1.45, 1, '1.4'], [0.125, 2, '0.13'], [-0.125, 2, '-0.13'], [9.995, 2, '9.99'], [9.9999, 2, '10.00'],
    [99.5, 0, '100'], [0.05, 1, '0.1'], [-0.0001, 2, '-0.00'], [0, 3, '0.000'], [5e-324, 100, '0.' + '0'.repeat(100)],
    [123.456, 0, '123'], [1e20, 2, '100000000000000000000.00'], [0.000001, 7, '0.0000010'],
  ];
  const reqs = cases.map(([d, n, want]): Req => ({ line: `F ${toHex(d)} ${n} 128`, want }));
  run('toFixed spot checks', reqs);
  const ecvt: [number, number, string][] = [
    [0.1, 0, '0 1 0'], [5e-324, 0, '0 5 -323'], [1.7976931348623157e308, 0, '0 17976931348623157 309'],
    [-0, 0, '1 0 1'], [0, 3, '0 000 1'], [1.25, 2, '0 13 1'], [2.5, 1, '0 3 1'], [9.5, 1, '0 1 2'],
    [123456789012345680000, 0, '0 12345678901234568 21'], [1e21, 0, '0 1 22'],
  ];
  run('ecvt spot checks', ecvt.map(([d, n, want]): Req => ({ line: n ? `E ${toHex(d)} ${n}` : `S ${toHex(d)}`, want })));
});

test('edge values, powers of two and ten, all precisions', () => {
  const vals: number[] = [];
  for (const x of edge) vals.push(...neighbours(x));
  for (let k = -1074; k <= 1023; k++) vals.push(...neighbours(2 ** k));
  for (let k = -323; k <= 308; k++) vals.push(...neighbours(Number(`1e${k}`)));
  for (let k = 0; k <= 52; k++) vals.push(fromBits(0x000fffffffffffffn >> BigInt(k)), 2 ** 53 - 2 ** k);
  const all = withSigns(vals);
  run('shortest', all.map(shortestReq));
  const fixed: Req[] = [];
  const fcvt: Req[] = [];
  for (const d of withSigns(edge.flatMap(neighbours))) {
    for (let n = 1; n <= 101; n++) fixed.push(fixedReq(d, n));
    if (Math.abs(d) < 1e21) for (let n = 0; n <= 100; n++) fcvt.push(fcvtReq(d, n));
  }
  for (const d of all) {
    fixed.push(fixedReq(d, randInt(1, 21)), fixedReq(d, randInt(1, 101)));
    if (Math.abs(d) < 1e21) fcvt.push(fcvtReq(d, randInt(0, 20)), fcvtReq(d, randInt(0, 100)));
  }
  run('fixed digits', fixed);
  run('toFixed', fcvt);
});

test('random bit patterns, subnormals and decimals', () => {
  const vals: number[] = [];
  for (let i = 0; i < 20000; i++) vals.push(randomFinite());
  for (let i = 0; i < 3000; i++) vals.push(randomSubnormal());
  for (let i = 0; i < 10000; i++) vals.push(randomNice());
  for (let i = 0; i < 3000; i++) vals.push((rng() & 1 ? -1 : 1) * randInt(0, 2 ** 31) * 2 ** randInt(0, 60));
  run('shortest', vals.map(shortestReq));
  const fixed: Req[] = [];
  for (const d of vals) {
    fixed.push(fixedReq(d, randInt(1, 21)), fixedReq(d, randInt(1, 21)));
    if (rng() % 8 === 0) fixed.push(fixedReq(d, randInt(22, 101)));
  }
  run('fixed digits', fixed);
  // toFixed: values of every magnitude below 1e21
  const fcvt: Req[] = [];
  for (let i = 0; i < 20000; i++) {
    const d = (rng() & 1 ? -1 : 1) * fromBits((BigInt(randInt(0, 1023 + 69)) << 52n) | randBits(52));
    fcvt.push(fcvtReq(d, rng() % 4 === 0 ? randInt(0, 100) : randInt(0, 20)));
  }
  for (let i = 0; i < 20000; i++) {
    const { d, places } = randomDecimalForFixed();
    fcvt.push(fcvtReq(d, places), fcvtReq(d, places + 1));
  }
  for (const d of vals) if (Math.abs(d) < 1e21 && rng() % 2 === 0) fcvt.push(fcvtReq(d, randInt(0, 100)));
  run('toFixed', fcvt);
});

test('toFixed outside the contract stays exact and in bounds', () => {
  const reqs: Req[] = [];
  // |d| >= 1e21 (QuickJS never asks; the digits are still exact)
  for (const d of [1e21, 1.7976931348623157e308, -1e300, 2 ** 80, 123456789012345680000000]) {
    for (const n of [0, 1, 100]) reqs.push(fcvtReq(d, n, 1024));
  }
  // small buffers truncate like snprintf, including after a carry
  for (const [d, n] of [[9.9999, 2], [-99.99999, 3], [0.5, 0], [123.456, 2], [999.9996, 3], [1e20, 5]] as [number, number][]) {
    for (let size = 0; size <= 12; size++) reqs.push(fcvtReq(d, n, size));
  }
  for (let i = 0; i < 3000; i++) {
    const d = randomDecimalForFixed().d * 10 ** randInt(0, 8);
    reqs.push(fcvtReq(d, randInt(0, 6), randInt(0, 16)));
  }
  run('toFixed truncated/large', reqs);
});

test('cost: bignum limb operations stay small', () => {
  const named: [string, Req][] = [
    ['0.1 shortest', shortestReq(0.1)],
    ['3.14 shortest', shortestReq(3.14)],
    ['123.456 shortest', shortestReq(123.456)],
    ['1e21 shortest', shortestReq(1e21)],
    ['5e-324 shortest', shortestReq(5e-324)],
    ['2.2250738585072014e-308 shortest', shortestReq(2.2250738585072014e-308)],
    ['1.7976931348623157e308 shortest', shortestReq(1.7976931348623157e308)],
    ['0.1 toPrecision(17)', fixedReq(0.1, 17)],
    ['3.14 toFixed(2)', fcvtReq(3.14, 2)],
    ['5e-324 toPrecision(101)', fixedReq(5e-324, 101)],
    ['1.7976931348623157e308 toPrecision(101)', fixedReq(1.7976931348623157e308, 101)],
    ['2.2250738585072014e-308 toPrecision(101)', fixedReq(2.2250738585072014e-308, 101)],
    ['0.1 toFixed(100)', fcvtReq(0.1, 100)],
  ];
  const res = assertNoMismatch('cost vectors', named.map(([, r]) => r));
  const ops = new Map<string, number>();
  named.forEach(([name], i) => ops.set(name, res[i]?.ops ?? -1));
  // worst shortest case over all exponents (largest / smallest mantissa in each binade)
  const sweep: Req[] = [];
  for (let be = 0n; be <= 2046n; be++) {
    sweep.push(shortestReq(fromBits((be << 52n) | 1n)), shortestReq(fromBits((be << 52n) | 0xfffffffffffffn)));
  }
  const sweepRes = assertNoMismatch('cost sweep', sweep);
  // the largest bignum over a sweep of all binades (each run is a fresh process)
  const maxLimbs = Number(runHarness([...sweep.map((r) => r.line), 'M']).pop());
  let worst = 0, worstAt = '';
  sweepRes.forEach((r, i) => {
    if (r.ops > worst) [worst, worstAt] = [r.ops, sweep[i]?.line ?? ''];
  });
  console.log('  limb operations:');
  for (const [name, n] of ops) console.log(`    ${name.padEnd(42)} ${n}`);
  console.log(`    worst shortest over all binades (${worstAt}) ${worst}`);
  console.log(`    max bignum size ${maxLimbs} limbs (of 40)`);
  assert.ok((ops.get('0.1 shortest') ?? Infinity) < 100, '0.1 is cheap');
  assert.ok((ops.get('3.14 shortest') ?? Infinity) < 100, '3.14 is cheap');
  assert.ok((ops.get('5e-324 shortest') ?? Infinity) < 2000, '5e-324');
  assert.ok(worst < 5000, 'worst shortest case');
  assert.ok(maxLimbs > 0 && maxLimbs <= 30, 'bignum headroom');
});

test('compiles cleanly and freestanding (host, arm-none-eabi, riscv64 when installed)', async () => {
  // Debian's gcc-riscv64-unknown-elf ships no libc headers; libnewlib-dev has generic ones
  const newlib = existsSync('/usr/include/newlib/string.h') ? ['-isystem', '/usr/include/newlib'] : [];
  const targets: [string, string[]][] = [
    ['cc', []],
    ['arm-none-eabi-gcc', ['-mcpu=cortex-m0', '-mthumb']],
    ['arm-none-eabi-gcc', ['-mcpu=cortex-m4', '-mthumb', '-mfloat-abi=hard', '-mfpu=fpv4-sp-d16']],
    ['riscv64-unknown-elf-gcc', ['-march=rv64imac', '-mabi=lp64', ...newlib]],
    ['riscv64-unknown-elf-gcc', ['-march=rv32imac', '-mabi=ilp32', ...newlib]],
    ['riscv64-linux-gnu-gcc', ['-march=rv64gc', '-mabi=lp64d']],
  ];
  const allowed = new Set(['memcpy', 'memset', 'strlen', '__stack_chk_fail', '__stack_chk_guard']);
  const compile = async ([compiler, flags]: [string, string[]]): Promise<string | null> => {
    const sub = mkdtempSync(join(dir, 'cc-'));
    const obj = join(sub, 'dtoa.o');
    const args = [...cflags, ...flags, '-I', join(root, 'engine/src'), '-fstack-usage', '-c', dtoaSrc, '-o', obj];
    try {
      await execFileAsync(compiler, args, { cwd: sub });
    } catch (err) {
      const e = err as NodeJS.ErrnoException & { stderr?: string };
      if (e.code === 'ENOENT') return null; // toolchain not installed
      if (/fatal error: (string|stdint)\.h: No such file/.test(e.stderr ?? '')) return null; // no libc headers
      throw new Error(`${compiler} ${flags.join(' ')}:\n${e.stderr ?? e.message}`);
    }
    // undefined symbols: only memcpy/memset/strlen from libc (plus libgcc helpers)
    const nm = compiler === 'cc' ? 'nm' : compiler.replace(/gcc$/, 'nm');
    const undef = (await execFileAsync(nm, ['-u', obj])).stdout
      .split('\n').map((l) => l.trim().split(/\s+/).pop() ?? '').filter((x) => x !== '');
    const libc = undef.filter((x) => !allowed.has(x) && !/^__(aeabi_|[a-z]+[sdt]i[0-9]$)/.test(x));
    assert.equal(libc, [], `${compiler}: unexpected external symbols`);
    // no call chain can use more than the sum of all frames (no recursion)
    const su = readdirSync(sub).find((f) => f.endsWith('.su'));
    assert.ok(su !== undefined, 'stack usage file');
    const frames = readFileSync(join(sub, su ?? ''), 'utf8').trim().split('\n').map((l) => l.split('\t'));
    assert.ok(frames.every((f) => f[2] === 'static'), 'static stack frames only');
    const sum = frames.reduce((acc, f) => acc + Number(f[1]), 0);
    assert.ok(sum < 4096, `${compiler}: stack upper bound ${sum} bytes`);
    return `${compiler} ${flags.filter((f) => f.startsWith('-m')).join(' ')}`.trim() + `: stack <= ${sum} B`;
  };
  const built = (await Promise.all(targets.map(compile))).filter((x) => x !== null);
  console.log(`  compiled:\n    ${built.join('\n    ')}`);
  assert.ok(built.length >= 1);
});

test('summary', () => {
  console.log(`  dtoa: ${total} vectors compared with V8`);
  assert.ok(total > 100000);
});

test.run();
