// The insn-count QEMU plugin must count exactly: runs a fixture whose
// instruction counts are known by construction (test/tools/lib/insn-count/start.S)
// under qemu-system-arm -M raspi0 and checks the plugin's numbers to the instruction.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildInsnCountPlugin, insnCountQemuArgs, readInsnCount } from '../../../tools/lib/insn-count.ts';

const fixture = fileURLToPath(new URL('./insn-count/', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'insn-count-'));

// Must match start.S.
const LOOPS = 1000;
const UART0_DR = 0x20201000;
const EXIT_CODE = LOOPS & 0x7f;
const BEFORE_LOOP_DONE = 2 + 3 * LOOPS; // mov, ldr; then add/subs/bne per iteration
const BEFORE_STORE = BEFORE_LOOP_DONE + 2; // ldr, mov
const TOTAL = BEFORE_STORE + 8; // strb, mov, strb, and, ldr, str, mov, svc (the svc counts)

function sh(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 20_000, killSignal: 'SIGKILL' });
  if (r.error) throw new Error(`${cmd}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed:\n${r.stderr}`);
  return r.stdout;
}

let so = '';
let elf = '';
let loopDone = 0;
let loopStart = 0;

test.before(async () => {
  so = await buildInsnCountPlugin(join(work, 'host'));
  elf = join(work, 'prog.elf');
  sh('arm-none-eabi-gcc', ['-nostdlib', '-marm', '-mcpu=arm1176jzf-s', '-T', join(fixture, 'link.ld'), '-o', elf, join(fixture, 'start.S')]);
  const sym = sh('arm-none-eabi-nm', [elf]).match(/^([0-9a-f]+) T loop_done$/m);
  if (!sym) throw new Error('loop_done not found in fixture');
  loopDone = parseInt(sym[1], 16);
  const start = sh('arm-none-eabi-nm', [elf]).match(/^([0-9a-f]+) T _start$/m);
  if (!start) throw new Error('_start not found in fixture');
  loopStart = parseInt(start[1], 16) + 8; // `loop`: after mov and ldr
});

test.after(() => rmSync(work, { recursive: true, force: true }));

function runQemu(name: string): { status: number | null; stdout: string; outJson: string } {
  const outJson = join(work, `${name}.json`);
  const r = spawnSync(
    'qemu-system-arm',
    ['-M', 'raspi0', '-nographic', '-monitor', 'none', '-serial', 'stdio',
      '-semihosting-config', 'enable=on,target=native', '-kernel', elf,
      ...insnCountQemuArgs(so, outJson, { store: UART0_DR, pc: loopDone, hits: [loopStart] })],
    { encoding: 'utf8', timeout: 20_000, killSignal: 'SIGKILL' },
  );
  if (r.error) throw new Error(`qemu-system-arm: ${r.error.message}`); // includes the timeout
  if (r.stderr.trim()) throw new Error(`qemu-system-arm complained:\n${r.stderr}`);
  return { status: r.status, stdout: r.stdout, outJson };
}

test('counts the fixture exactly and deterministically', async () => {
  const a = runQemu('a');
  assert.is(a.status, EXIT_CODE, 'semihosting exit code');
  assert.match(a.stdout, 'K', 'UART0 output');
  const first = await readInsnCount(a.outJson);
  // hits: every pass through the loop's first instruction, up to the plugin's 64.
  const passes = Array.from({ length: 64 }, (_, k) => 2 + 3 * k);
  assert.equal(first, { total: TOTAL, storeMark: BEFORE_STORE, pcMark: BEFORE_LOOP_DONE, hits: new Map([[loopStart, passes]]) });

  const b = runQemu('b');
  assert.is(b.status, EXIT_CODE);
  assert.equal(await readInsnCount(b.outJson), first, 'second run differs');
});

test('reuses an up-to-date plugin build', async () => {
  const before = statSync(so).mtimeMs;
  assert.is(await buildInsnCountPlugin(join(work, 'host')), so);
  assert.is(statSync(so).mtimeMs, before);
});

test('qemu args: plain key=value, hex addresses, commas escaped', () => {
  assert.equal(insnCountQemuArgs('/p/x.so', '/o,ut.json', { store: 0x20201000 }), [
    '-plugin',
    '/p/x.so,out=/o,,ut.json,store=0x20201000',
  ]);
  assert.throws(() => insnCountQemuArgs('/p/x.so', '/o.json', { pc: -1 }));
  assert.equal(insnCountQemuArgs('/p/x.so', '/o.json', { hits: [0x18, 0x8000] })[1], '/p/x.so,out=/o.json,hits=0x18,hits=0x8000');
  assert.throws(() => insnCountQemuArgs('/p/x.so', '/o.json', { hits: [1, 2, 3, 4, 5] }));
});

test.run();
