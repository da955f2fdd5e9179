// Host side of the insn-count QEMU TCG plugin (tools/plugin/insn-count.c):
// builds the plugin, spells its QEMU arguments, reads its JSON result.
// Used by `npm run bench` for deterministic guest instruction counts.
import { execFile } from 'node:child_process';
import { mkdir, readFile, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

const pluginDir = fileURLToPath(new URL('../plugin/', import.meta.url));
const sources = ['insn-count.c', 'qemu-plugin-api.h'].map((f) => join(pluginDir, f));

export interface InsnCount {
  /** Guest instructions executed until QEMU exited. */
  total: number;
  /** Instructions retired before the first store to `store`, or null if none happened. */
  storeMark: number | null;
  /** Instructions retired before the first execution of `pc`, or null if never reached. */
  pcMark: number | null;
  /** Per `hits` address: instructions retired before each of its first 64 executions. */
  hits: Map<number, number[]>;
}

async function mtimeMs(path: string): Promise<number | null> {
  try {
    return (await stat(path)).mtimeMs;
  } catch {
    return null;
  }
}

/** Compiles the plugin to `<buildDir>/insn-count.so` unless it is newer than its sources. */
export async function buildInsnCountPlugin(buildDir: string): Promise<string> {
  const so = join(buildDir, 'insn-count.so');
  const built = await mtimeMs(so);
  const srcTimes = await Promise.all(sources.map(mtimeMs));
  if (built !== null && srcTimes.every((t) => t !== null && t < built)) return so;

  await mkdir(buildDir, { recursive: true });
  // Compile beside the target and rename, so a concurrent QEMU never loads a half-written .so.
  const tmp = `${so}.${process.pid}.tmp`;
  try {
    await run('gcc', ['-shared', '-fPIC', '-O2', '-Wall', '-o', tmp, sources[0]]);
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT') {
      throw new Error("insn-count: host C compiler 'gcc' not found; install the Debian package gcc (apt-get install gcc)");
    }
    throw new Error(`insn-count: building the QEMU plugin failed:\n${e.stderr ?? e.message}`);
  }
  await rename(tmp, so);
  return so;
}

function hexArg(name: string, value: number | undefined): string {
  if (value === undefined) return '';
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`insn-count: ${name} must be a non-negative integer, got ${value}`);
  return `,${name}=0x${value.toString(16)}`;
}

/**
 * QEMU arguments loading the plugin. QEMU 7.2 takes plugin options as plain
 * `key=value` (`arg=key=value` still works but warns it is deprecated); a comma
 * inside a path must be doubled for QEMU's option parser.
 */
export function insnCountQemuArgs(
  soPath: string,
  outJson: string,
  opts: { store?: number; pc?: number; hits?: number[]; profile?: string; js?: JsProfileArgs },
): string[] {
  const esc = (s: string) => s.replaceAll(',', ',,');
  const range = (name: string, [start, end]: readonly [number, number]) => {
    if (!(end > start)) throw new RangeError(`insn-count: ${name} must end after it starts`);
    return `${hexArg(name, start)}-${end.toString(16)}`.replace(`=0x`, '=');
  };
  const js = opts.js ? `${range('interp', opts.js.interp)}${range('bytecode', opts.js.bytecode)},jsprofile=${esc(opts.js.out)}` : '';
  const profile = (opts.profile ? `,profile=${esc(opts.profile)}` : '') + js;
  if ((opts.hits?.length ?? 0) > 4) throw new RangeError('insn-count: at most 4 hits addresses');
  const hits = (opts.hits ?? []).map((a) => hexArg('hits', a)).join('');
  return ['-plugin', `${esc(soPath)},out=${esc(outJson)}${hexArg('store', opts.store)}${hexArg('pc', opts.pc)}${hits}${profile}`];
}

/** The plugin's JS attribution (bench --profile, tools/lib/profile.ts): instructions per
    bytecode address the interpreter's code (`interp`) loaded from the image (`bytecode`). */
export interface JsProfileArgs {
  interp: readonly [number, number];
  bytecode: readonly [number, number];
  out: string;
}

/** Reads the JSON the plugin writes when QEMU exits. */
export async function readInsnCount(outJson: string): Promise<InsnCount> {
  let text: string;
  try {
    text = await readFile(outJson, 'utf8');
  } catch {
    // The plugin only writes at a normal QEMU exit; a killed QEMU leaves nothing.
    throw new Error(`insn-count: no result at ${outJson} (did QEMU exit normally, e.g. via semihosting?)`);
  }
  const j = JSON.parse(text) as Record<string, unknown>;
  const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
  const mark = (v: unknown): number | null => {
    if (v === null || isCount(v)) return v;
    throw new Error(`insn-count: malformed result in ${outJson}: ${text}`);
  };
  if (!isCount(j.total)) throw new Error(`insn-count: malformed result in ${outJson}: ${text}`);
  const hits = new Map<number, number[]>();
  for (const [addr, list] of Object.entries((j.hits ?? {}) as Record<string, unknown>)) {
    if (!Array.isArray(list) || !list.every(isCount)) throw new Error(`insn-count: malformed result in ${outJson}: ${text}`);
    hits.set(parseInt(addr, 16), list);
  }
  return { total: j.total, storeMark: mark(j.store_mark), pcMark: mark(j.pc_mark), hits };
}
