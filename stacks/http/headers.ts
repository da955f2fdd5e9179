/**
 * Fetch Standard section 5.2, the Headers class: names compared case-insensitively, values
 * combined with ", " (RFC 9110 section 5.3) except Set-Cookie, whose values are kept apart (RFC
 * 6265 section 3; `getSetCookie()`), names and values checked (TypeError for what HTTP cannot
 * carry). No name is forbidden: this runs on servers and devices, as Node's and Deno's do.
 */
import { FIELD_VALUE, TOKEN, trimHttpWhitespace } from "./syntax.ts";

export type HeadersInit = Headers | Iterable<readonly string[]> | Record<string, string>;

/** "immutable" for the headers of Response.redirect() and of a fetch() response (Fetch 5.2 guard). */
export type HeadersGuard = "none" | "immutable";

function byteString(s: string, what: string): string {
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) > 0xff) throw new TypeError(`${what}: character at index ${i} of ${JSON.stringify(s)} is not a byte (over U+00FF)`);
  }
  return s;
}

/** The checked, lower-cased name. */
export function headerName(name: unknown): string {
  const n = byteString(String(name), "header name");
  if (!TOKEN.test(n)) throw new TypeError(`invalid header name ${JSON.stringify(n)}`);
  return n.toLowerCase();
}

/** The value normalised (Fetch 2.2: HTTP whitespace stripped at both ends) and checked: no NUL, CR or LF. */
export function headerValue(value: unknown): string {
  const v = trimHttpWhitespace(byteString(String(value), "header value"));
  if (!FIELD_VALUE.test(v)) throw new TypeError(`invalid header value ${JSON.stringify(v)}`);
  return v;
}

const guards = new WeakMap<Headers, HeadersGuard>();

export class Headers {
  /** The header list (Fetch 2.2), in insertion order; names lower-cased. */
  private readonly list: [string, string][] = [];

  constructor(init?: HeadersInit) {
    if (init === undefined || init === null) return;
    if (init instanceof Headers) {
      for (const [n, v] of init.list) this.list.push([n, v]);
    } else if (typeof init === "object" && typeof (init as Iterable<unknown>)[Symbol.iterator] === "function") {
      for (const pair of init as Iterable<readonly string[]>) {
        const p = Array.from(pair);
        if (p.length !== 2) throw new TypeError(`Headers: each pair must have 2 items (a name and a value), not ${p.length}`);
        this.append(p[0], p[1]);
      }
    } else if (typeof init === "object") {
      for (const name of Object.keys(init)) this.append(name, (init as Record<string, string>)[name]);
    } else {
      throw new TypeError("Headers: init must be a Headers, an iterable of pairs or a record");
    }
  }

  append(name: string, value: string): void {
    const n = headerName(name);
    const v = headerValue(value);
    this.mutable();
    this.list.push([n, v]);
  }

  delete(name: string): void {
    const n = headerName(name);
    this.mutable();
    for (let i = this.list.length - 1; i >= 0; i--) if (this.list[i][0] === n) this.list.splice(i, 1);
  }

  /** All values of `name` combined with ", " (Set-Cookie too, as the standard says), or null. */
  get(name: string): string | null {
    const n = headerName(name);
    let out: string | null = null;
    for (const [k, v] of this.list) if (k === n) out = out === null ? v : `${out}, ${v}`;
    return out;
  }

  getSetCookie(): string[] {
    return this.list.filter(([k]) => k === "set-cookie").map(([, v]) => v);
  }

  has(name: string): boolean {
    const n = headerName(name);
    return this.list.some(([k]) => k === n);
  }

  set(name: string, value: string): void {
    const n = headerName(name);
    const v = headerValue(value);
    this.mutable();
    const first = this.list.findIndex(([k]) => k === n);
    if (first < 0) {
      this.list.push([n, v]);
      return;
    }
    this.list[first][1] = v;
    for (let i = this.list.length - 1; i > first; i--) if (this.list[i][0] === n) this.list.splice(i, 1);
  }

  forEach(callback: (value: string, name: string, parent: Headers) => void, thisArg?: unknown): void {
    for (const [n, v] of this.sorted()) callback.call(thisArg, v, n, this);
  }

  *entries(): IterableIterator<[string, string]> {
    yield* this.sorted();
  }

  *keys(): IterableIterator<string> {
    for (const [n] of this.sorted()) yield n;
  }

  *values(): IterableIterator<string> {
    for (const [, v] of this.sorted()) yield v;
  }

  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }

  get [Symbol.toStringTag](): string {
    return "Headers";
  }

  /** Fetch 2.2 "sort and combine": names in order, values combined, each Set-Cookie on its own. */
  private sorted(): [string, string][] {
    const names = Array.from(new Set(this.list.map(([n]) => n))).sort();
    const out: [string, string][] = [];
    for (const n of names) {
      if (n === "set-cookie") for (const v of this.getSetCookie()) out.push([n, v]);
      else out.push([n, this.get(n) as string]);
    }
    return out;
  }

  private mutable(): void {
    if (guards.get(this) === "immutable") throw new TypeError("Headers are immutable");
  }
}

/** Sets the guard (Fetch 5.2); used for fetch() responses and Response.redirect(). */
export function guardHeaders(h: Headers, guard: HeadersGuard): Headers {
  guards.set(h, guard);
  return h;
}

/** The header list as it goes on the wire, in insertion order (names lower-cased). */
export function headerList(h: Headers): readonly (readonly [string, string])[] {
  return (h as unknown as { list: [string, string][] }).list;
}

/** Builds Headers from fields parsed off the wire (already checked by the parser) without re-checking. */
export function headersFromWire(fields: readonly (readonly [string, string])[]): Headers {
  const h = new Headers();
  const list = (h as unknown as { list: [string, string][] }).list;
  for (const [n, v] of fields) list.push([n.toLowerCase(), v]);
  return h;
}
