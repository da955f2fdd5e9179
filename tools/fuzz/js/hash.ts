/**
 * A fingerprint of a value, the same in Node and in the firmware: FNV-1a (32-bit) over a canonical
 * description (type tags, own enumerable keys in order, -0, holes, null prototypes), walked with
 * an explicit stack so that a 50,000-deep value cannot overflow the stack of the fingerprinting
 * itself. QuickJS-safe ES2020 only: this file is bundled into the fuzz firmware.
 */

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
/** More nodes than any case builds: a cycle or a runaway result is an error, not a hang. */
const MAX_NODES = 4000000;

export class Fnv {
  h = FNV_OFFSET;
  /** UTF-16 code units hashed so far (reported with the hash to make mismatches easier to read). */
  units = 0;

  add(s: string): void {
    let h = this.h;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      h = Math.imul(h ^ (c & 0xff), FNV_PRIME);
      h = Math.imul(h ^ (c >>> 8), FNV_PRIME);
    }
    this.h = h;
    this.units += s.length;
  }

  hex(): string {
    return ("0000000" + (this.h >>> 0).toString(16)).slice(-8);
  }
}

/** Pending work of the walk: a value to describe, or text to add after its children. */
type Item = { v: unknown } | { close: string };

function primitive(v: unknown): string | undefined {
  switch (typeof v) {
    case "string":
      return `s${v.length}:${v}`;
    case "number":
      return Object.is(v, -0) ? "n-0" : `n${String(v)}`;
    case "boolean":
      return v ? "T" : "F";
    case "undefined":
      return "U";
    case "bigint":
      return `b${String(v)}`;
    case "symbol":
      return "Y";
    case "function":
      return "f";
    default:
      return v === null ? "N" : undefined;
  }
}

/** The fingerprint of `v`: `<hash>:<units>`. */
export function fingerprint(v: unknown): string {
  const h = new Fnv();
  const stack: Item[] = [{ v }];
  let nodes = 0;
  while (stack.length > 0) {
    const item = stack.pop() as Item;
    if ("close" in item) {
      h.add(item.close);
      continue;
    }
    if (++nodes > MAX_NODES) throw new RangeError("fingerprint: value too large");
    const p = primitive(item.v);
    if (p !== undefined) {
      h.add(p);
      continue;
    }
    const o = item.v as Record<string, unknown>;
    const isArray = Array.isArray(o);
    h.add(isArray ? `[${(o as unknown as unknown[]).length}` : Object.getPrototypeOf(o) === null ? "{0" : "{");
    h.add(";");
    const keys = Object.keys(o);
    stack.push({ close: isArray ? "]" : "}" });
    for (let i = keys.length - 1; i >= 0; i--) {
      stack.push({ v: o[keys[i]] });
      stack.push({ close: `k${keys[i].length}:${keys[i]}=` });
    }
  }
  return `${h.hex()}:${h.units}`;
}
