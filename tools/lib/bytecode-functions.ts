/**
 * The JS functions of a firmware's bytecode image and where their bytecode lies in guest memory,
 * for bench --profile's JS attribution (tools/lib/profile.ts). The engine reads each unit in
 * place (engine/patches/0004: a function's byte_code_buf points into the image), so a function's
 * bytecode sits at a fixed address: the `.tsm_bytecode` section (symbol tsm_bytecode_start) plus
 * the unit's offset plus the bytecode's offset in the unit. This walks QuickJS 2021-03-27's
 * serialized format (quickjs.c: JS_ReadObjectAtoms, JS_ReadObjectRec, JS_ReadModule,
 * JS_ReadFunctionTag) only as far as it must to find each function's name, file, bytecode and
 * pc2line table; a value kind compiled code never puts in a constant pool is refused.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { imageLayout } from "./image-format.ts";

/** quickjs.c's BCTagEnum. */
const enum Tag {
  Null = 1, Undefined, False, True, Int32, Float64, String, Object, Array, BigInt, BigFloat, BigDecimal,
  TemplateObject, FunctionBytecode, Module, TypedArray, ArrayBuffer, SharedArrayBuffer, Date, ObjectValue, ObjectReference,
}
/** quickjs.c's BC_BASE_VERSION (little-endian writer). */
const BC_VERSION = 2;

export interface JsFunction {
  name: string;
  /** The bundle the function is in (QuickJS's filename: firmware.js, format.js, ...). */
  script: string;
  /** Its first bundle line. */
  line: number;
  /** Guest address of its bytecode and the bytecode's length. */
  start: number;
  length: number;
  pc2line: Uint8Array;
}

/** The predefined atoms (quickjs-atom.h, with CONFIG_BIGNUM and without CONFIG_ATOMICS, as the
    engine is built), by index: atom 0 is JS_ATOM_NULL. */
export function predefinedAtoms(atomHeader: string): string[] {
  const atoms = [""];
  const skip: boolean[] = [];
  for (const line of atomHeader.split("\n")) {
    const cond = /^#ifdef (\w+)/.exec(line);
    if (cond) {
      skip.push(cond[1] === "CONFIG_ATOMICS");
      continue;
    }
    if (/^#endif/.test(line)) {
      skip.pop();
      continue;
    }
    const def = /^DEF\(\s*\w+\s*,\s*"((?:[^"\\]|\\.)*)"\s*\)/.exec(line);
    if (def && !skip.some(Boolean)) atoms.push(def[1]);
  }
  return atoms;
}

class Reader {
  pos = 0;
  atoms: string[] = [];
  constructor(readonly buf: Uint8Array, readonly predefined: string[], readonly what: string) {}

  fail(why: string): never {
    throw new Error(`${this.what}: ${why} at byte ${this.pos}`);
  }
  u8(): number {
    if (this.pos >= this.buf.length) this.fail("unexpected end");
    return this.buf[this.pos++];
  }
  skip(n: number): void {
    if (this.pos + n > this.buf.length) this.fail("unexpected end");
    this.pos += n;
  }
  leb(): number {
    let v = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      const b = this.u8();
      v += (b & 0x7f) * 2 ** shift;
      if (!(b & 0x80)) return v;
    }
    return this.fail("bad leb128");
  }
  string(): string {
    const n = this.leb();
    const wide = n & 1, len = Math.floor(n / 2);
    const start = this.pos;
    this.skip(len << wide);
    const bytes = Buffer.from(this.buf.subarray(start, this.pos));
    return wide ? bytes.toString("utf16le") : bytes.toString("latin1");
  }
  atom(): string {
    const v = this.leb();
    if (v & 1) return String(Math.floor(v / 2)); // a tagged integer atom
    const idx = v / 2;
    if (idx < this.predefined.length) return this.predefined[idx];
    const a = this.atoms[idx - this.predefined.length];
    return a ?? this.fail(`atom index ${idx} out of range`);
  }
}

function readValue(r: Reader, out: Omit<JsFunction, "start">[] & { offsets?: number[] }): void {
  const tag = r.u8();
  switch (tag) {
    case Tag.Null: case Tag.Undefined: case Tag.False: case Tag.True:
      return;
    case Tag.Int32:
      r.leb();
      return;
    case Tag.Float64:
      r.skip(8);
      return;
    case Tag.String:
      r.string();
      return;
    case Tag.Object: {
      const n = r.leb();
      for (let i = 0; i < n; i++) {
        r.atom();
        readValue(r, out);
      }
      return;
    }
    case Tag.Array: case Tag.TemplateObject: {
      const n = r.leb();
      for (let i = 0; i < n; i++) readValue(r, out);
      if (tag === Tag.TemplateObject) readValue(r, out); // the raw strings
      return;
    }
    case Tag.BigInt: case Tag.BigFloat: {
      const e = r.leb(); // sleb128 sign + exponent: 0..2 (zigzag 0..5) are zero, infinity, NaN
      const expn = (e % 2 ? -(e + 1) / 2 : e / 2) >> 1;
      if (expn >= 3 || expn < 0) r.skip(r.leb()); // the mantissa, `len` bytes
      return;
    }
    case Tag.Module:
      readModule(r, out);
      return;
    case Tag.FunctionBytecode:
      readFunction(r, out);
      return;
    default:
      r.fail(`value tag ${tag}, which compiled code does not hold`);
  }
}

function readModule(r: Reader, out: Parameters<typeof readValue>[1]): void {
  r.atom();
  for (let i = r.leb(); i > 0; i--) r.atom(); // required modules
  for (let i = r.leb(); i > 0; i--) { // exports: JS_EXPORT_TYPE_LOCAL (0) has a variable index
    if (r.u8() === 0) r.leb();
    else {
      r.leb();
      r.atom();
    }
    r.atom();
  }
  for (let i = r.leb(); i > 0; i--) r.leb(); // star exports
  for (let i = r.leb(); i > 0; i--) { // imports
    r.leb();
    r.atom();
    r.leb();
  }
  readValue(r, out);
}

function readFunction(r: Reader, out: Parameters<typeof readValue>[1]): void {
  const flags = r.buf[r.pos] | (r.buf[r.pos + 1] << 8);
  r.skip(2);
  // has_prototype, has_simple_parameter_list, is_derived_class_constructor, need_home_object,
  // func_kind (2), new_target_allowed, super_call_allowed, super_allowed, arguments_allowed, has_debug
  const hasDebug = (flags >> 10) & 1;
  r.u8(); // js_mode
  const name = r.atom();
  r.leb(); r.leb(); r.leb(); r.leb(); // arg_count, var_count, defined_arg_count, stack_size
  const closureVars = r.leb(), cpool = r.leb(), byteCodeLength = r.leb(), locals = r.leb();
  for (let i = 0; i < locals; i++) {
    r.atom(); r.leb(); r.leb(); r.u8();
  }
  for (let i = 0; i < closureVars; i++) {
    r.atom(); r.leb(); r.u8();
  }
  const offset = r.pos;
  r.skip(byteCodeLength);
  let script = "", line = 0, pc2line = new Uint8Array(0);
  if (hasDebug) {
    script = r.atom();
    line = r.leb();
    const n = r.leb();
    pc2line = r.buf.slice(r.pos, r.pos + n);
    r.skip(n);
  }
  out.push({ name: name || "<anonymous>", script, line, length: byteCodeLength, pc2line });
  (out.offsets ??= []).push(offset);
  for (let i = 0; i < cpool; i++) readValue(r, out);
}

/** The functions of one unit (the bytes JS_WriteObject wrote), with their bytecode's offset in it. */
export function unitFunctions(unit: Uint8Array, predefined: string[], what = "bytecode unit"): Array<Omit<JsFunction, "start"> & { offset: number }> {
  const r = new Reader(unit, predefined, what);
  const version = r.u8();
  if (version !== BC_VERSION) r.fail(`bytecode version ${version}, expected ${BC_VERSION}`);
  for (let n = r.leb(); n > 0; n--) r.atoms.push(r.string());
  const out: Parameters<typeof readValue>[1] = [];
  readValue(r, out);
  return out.map((f, i) => ({ ...f, offset: out.offsets![i] }));
}

/** Every function of the image `blob` (bytecode.tsmb), placed at `base` (tsm_bytecode_start). */
export async function imageFunctions(blob: string, base: number, quickjsDir: string): Promise<JsFunction[]> {
  const img = await readFile(blob);
  const predefined = predefinedAtoms(await readFile(path.join(quickjsDir, "quickjs-atom.h"), "utf8"));
  return imageLayout(img).units.flatMap((u) =>
    unitFunctions(img.subarray(u.offset, u.offset + u.length), predefined, `${blob} unit ${u.name}`).map(({ offset, ...f }) => ({ ...f, start: base + u.offset + offset })),
  );
}

/** quickjs.c's find_line_num (with engine/patches/0015: no table is the first line). */
export function lineAt(f: Pick<JsFunction, "line" | "pc2line">, pcValue: number): number {
  const PC2LINE_BASE = -1, PC2LINE_RANGE = 5, PC2LINE_OP_FIRST = 1;
  const p = f.pc2line;
  let i = 0, pc = 0, line = f.line;
  const leb = (): number => {
    let v = 0;
    for (let shift = 0; i < p.length; shift += 7) {
      const b = p[i++];
      v += (b & 0x7f) * 2 ** shift;
      if (!(b & 0x80)) return v;
    }
    return NaN;
  };
  while (i < p.length) {
    const op = p[i++];
    let next: number;
    if (op === 0) {
      pc += leb();
      const z = leb();
      if (Number.isNaN(pc) || Number.isNaN(z)) return f.line;
      next = line + (z % 2 ? -(z + 1) / 2 : z / 2);
    } else {
      const o = op - PC2LINE_OP_FIRST;
      pc += Math.floor(o / PC2LINE_RANGE);
      next = line + (o % PC2LINE_RANGE) + PC2LINE_BASE;
    }
    if (pcValue < pc) return line;
    line = next;
  }
  return line;
}
