/**
 * URL and URLSearchParams (WHATWG URL Standard § 6), the image unit "url": engine/src/web-globals.c
 * defines the globals from this module's exports the first time one is looked up. Parsing is in
 * url-parser.ts and url-host.ts; hosts with non-ASCII characters (IDNA) are refused with a
 * TypeError saying so.
 */
import { InternalSlots } from "./internal-slots.ts";
import { FORM_SET, USERINFO_SET, percentDecode, percentEncode } from "./url-encode.ts";
import {
  FRAGMENT, HOST, HOSTNAME, PATH_START, PORT, QUERY, SCHEME_START, basicParse, cannotHaveCredentials,
  serializeOrigin, serializePath, serializeUrl, stripTrailingSpaces, type UrlRecord,
} from "./url-parser.ts";

const SURROGATE = /[\ud800-\udfff]/;

/** Web IDL USVString: ToString (a symbol throws), lone surrogates replaced by U+FFFD. */
function usv(value: unknown): string {
  if (typeof value === "symbol") throw new TypeError("Cannot convert a Symbol value to a string");
  const s = String(value);
  // The replace only for a string with a surrogate: it reads the RegExp's flags on every call.
  return SURROGATE.test(s) ? s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "\ufffd") : s;
}

/** § 6.1 API URL parser: the record, or a TypeError. */
function parseOrThrow(url: string, base: string | undefined): UrlRecord {
  let baseRecord: UrlRecord | null = null;
  if (base !== undefined) {
    baseRecord = basicParse(base, null);
    if (baseRecord === null) throw new TypeError(`Invalid base URL: ${base}`);
  }
  const record = basicParse(url, baseRecord);
  if (record === null) throw new TypeError(`Invalid URL: ${url}`);
  return record;
}

/**
 * The records of URL objects and their URLSearchParams, out of reach of user code (internal
 * slots). A host with non-ASCII characters throws url-host.ts's IdnaUnsupported (a TypeError)
 * from every entry point, URL.parse and URL.canParse included: this target cannot tell.
 */
const urlSlots = new InternalSlots<URL, UrlRecord>("a URL");
const searchParamsOf = new WeakMap<URL, URLSearchParams>();

/** § 6.1 the username and password setters: nothing where the URL cannot have credentials. */
function setCredential(url: URL, field: "username" | "password", value: string): void {
  const r = urlSlots.get(url);
  if (cannotHaveCredentials(r)) return;
  r[field] = percentEncode(usv(value), USERINFO_SET);
}

/**
 * § 6.1 the search and hash setters: "" removes the query or fragment; otherwise one leading "?"
 * or "#" is dropped and the rest parsed in the query or fragment state. Returns what was parsed,
 * null for a removal.
 */
function setQueryOrFragment(url: URL, field: "query" | "fragment", value: string): string | null {
  const r = urlSlots.get(url);
  let v = usv(value);
  if (v === "") {
    r[field] = null;
    stripTrailingSpaces(r);
    return null;
  }
  if (v.startsWith(field === "query" ? "?" : "#")) v = v.slice(1);
  r[field] = "";
  basicParse(v, null, r, field === "query" ? QUERY : FRAGMENT);
  return v;
}

export class URL {
  constructor(url: string | URL, base?: string | URL) {
    const record = parseOrThrow(usv(url), base === undefined ? undefined : usv(base));
    urlSlots.set(this, record);
    searchParamsOf.set(this, newSearchParams(record.query ?? "", this));
  }

  /** § 6.1 URL.parse: the URL, or null where the constructor throws. */
  static parse(url: string | URL, base?: string | URL): URL | null {
    try {
      return new URL(url, base);
    } catch (e) {
      if (e instanceof TypeError) return null;
      throw e;
    }
  }

  static canParse(url: string | URL, base?: string | URL): boolean {
    let baseRecord: UrlRecord | null = null;
    if (base !== undefined) {
      baseRecord = basicParse(usv(base), null);
      if (baseRecord === null) return false;
    }
    return basicParse(usv(url), baseRecord) !== null;
  }

  get href(): string {
    return serializeUrl(urlSlots.get(this));
  }

  set href(value: string) {
    const record = basicParse(usv(value), null);
    if (record === null) throw new TypeError(`Invalid URL: ${usv(value)}`);
    urlSlots.set(this, record);
    paramsSlots.set(this.searchParams, record.query === null ? [] : parseForm(record.query));
  }

  get origin(): string {
    return serializeOrigin(urlSlots.get(this));
  }

  get protocol(): string {
    return urlSlots.get(this).scheme + ":";
  }

  set protocol(value: string) {
    const r = urlSlots.get(this);
    basicParse(usv(value) + ":", null, r, SCHEME_START);
  }

  get username(): string {
    return urlSlots.get(this).username;
  }

  set username(value: string) {
    setCredential(this, "username", value);
  }

  get password(): string {
    return urlSlots.get(this).password;
  }

  set password(value: string) {
    setCredential(this, "password", value);
  }

  get host(): string {
    const r = urlSlots.get(this);
    if (r.host === null) return "";
    return r.port === null ? r.host : `${r.host}:${r.port}`;
  }

  set host(value: string) {
    const r = urlSlots.get(this);
    if (typeof r.path === "string") return;
    basicParse(usv(value), null, r, HOST);
  }

  get hostname(): string {
    return urlSlots.get(this).host ?? "";
  }

  set hostname(value: string) {
    const r = urlSlots.get(this);
    if (typeof r.path === "string") return;
    basicParse(usv(value), null, r, HOSTNAME);
  }

  get port(): string {
    const port = urlSlots.get(this).port;
    return port === null ? "" : String(port);
  }

  set port(value: string) {
    const r = urlSlots.get(this);
    if (cannotHaveCredentials(r)) return;
    const v = usv(value);
    if (v === "") r.port = null;
    else basicParse(v, null, r, PORT);
  }

  get pathname(): string {
    return serializePath(urlSlots.get(this));
  }

  set pathname(value: string) {
    const r = urlSlots.get(this);
    if (typeof r.path === "string") return;
    r.path = [];
    basicParse(usv(value), null, r, PATH_START);
  }

  get search(): string {
    const q = urlSlots.get(this).query;
    return q === null || q === "" ? "" : "?" + q;
  }

  set search(value: string) {
    const query = setQueryOrFragment(this, "query", value);
    paramsSlots.set(this.searchParams, query === null ? [] : parseForm(query));
  }

  get searchParams(): URLSearchParams {
    urlSlots.get(this);
    return searchParamsOf.get(this)!;
  }

  get hash(): string {
    const f = urlSlots.get(this).fragment;
    return f === null || f === "" ? "" : "#" + f;
  }

  set hash(value: string) {
    setQueryOrFragment(this, "fragment", value);
  }

  toString(): string {
    return this.href;
  }

  toJSON(): string {
    return this.href;
  }

  get [Symbol.toStringTag](): string {
    return "URL";
  }
}

/** § 5.1 application/x-www-form-urlencoded parser. */
function parseForm(input: string): [string, string][] {
  const list: [string, string][] = [];
  for (const sequence of input.split("&")) {
    if (sequence === "") continue;
    const eq = sequence.indexOf("=");
    const name = eq < 0 ? sequence : sequence.slice(0, eq);
    const value = eq < 0 ? "" : sequence.slice(eq + 1);
    list.push([percentDecode(name.replace(/\+/g, " ")), percentDecode(value.replace(/\+/g, " "))]);
  }
  return list;
}

/** § 5.2 application/x-www-form-urlencoded serializer. */
function serializeForm(list: [string, string][]): string {
  let out = "";
  for (let i = 0; i < list.length; i++) {
    if (i > 0) out += "&";
    out += percentEncode(list[i][0], FORM_SET, true) + "=" + percentEncode(list[i][1], FORM_SET, true);
  }
  return out;
}

// The list of each URLSearchParams, and the URL it belongs to, out of reach of user code.
const paramsSlots = new InternalSlots<URLSearchParams, [string, string][]>("a URLSearchParams");
const owners = new WeakMap<URLSearchParams, URL>();

let creatingFor: URL | undefined;
function newSearchParams(query: string, url: URL): URLSearchParams {
  creatingFor = url;
  try {
    return new URLSearchParams(query);
  } finally {
    creatingFor = undefined;
  }
}

/** § 6.2 "update": the URL's query follows the list. */
function update(p: URLSearchParams): void {
  const url = owners.get(p);
  if (url === undefined) return;
  const r = urlSlots.get(url);
  const serialized = serializeForm(paramsSlots.get(p));
  r.query = serialized === "" ? null : serialized;
  if (serialized === "") stripTrailingSpaces(r);
}

type SearchParamsInit = string | URLSearchParams | Iterable<readonly [string, string]> | Record<string, string>;

export class URLSearchParams {
  constructor(init: SearchParamsInit = "") {
    if (creatingFor !== undefined) owners.set(this, creatingFor);
    creatingFor = undefined;
    let list: [string, string][];
    if (init !== null && (typeof init === "object" || typeof init === "function")) {
      const iterator = (init as { [Symbol.iterator]?: unknown })[Symbol.iterator];
      if (iterator !== undefined && iterator !== null) {
        if (typeof iterator !== "function") throw new TypeError("URLSearchParams: the init's Symbol.iterator is not a function");
        list = [];
        for (const pair of init as Iterable<unknown>) {
          if (pair === null || (typeof pair !== "object" && typeof pair !== "function")) {
            throw new TypeError("URLSearchParams: each pair must be an iterable [name, value]");
          }
          const items = Array.from(pair as Iterable<unknown>);
          if (items.length !== 2) throw new TypeError("URLSearchParams: each pair must have exactly two items");
          list.push([usv(items[0]), usv(items[1])]);
        }
      } else {
        list = [];
        for (const key of Reflect.ownKeys(init)) {
          const d = Object.getOwnPropertyDescriptor(init, key);
          if (d === undefined || !d.enumerable) continue;
          list.push([usv(key), usv((init as Record<string | symbol, unknown>)[key])]);
        }
      }
    } else {
      let s = usv(init);
      if (s.startsWith("?")) s = s.slice(1);
      list = parseForm(s);
    }
    paramsSlots.set(this, list);
  }

  get size(): number {
    return paramsSlots.get(this).length;
  }

  append(name: string, value: string): void {
    paramsSlots.get(this).push([usv(name), usv(value)]);
    update(this);
  }

  delete(name: string, value?: string): void {
    const n = usv(name);
    const v = value === undefined ? undefined : usv(value);
    const list = paramsSlots.get(this);
    paramsSlots.set(this, list.filter(([k, x]) => !(k === n && (v === undefined || x === v))));
    update(this);
  }

  get(name: string): string | null {
    const n = usv(name);
    const found = paramsSlots.get(this).find(([k]) => k === n);
    return found === undefined ? null : found[1];
  }

  getAll(name: string): string[] {
    const n = usv(name);
    return paramsSlots.get(this).filter(([k]) => k === n).map(([, v]) => v);
  }

  has(name: string, value?: string): boolean {
    const n = usv(name);
    const v = value === undefined ? undefined : usv(value);
    return paramsSlots.get(this).some(([k, x]) => k === n && (v === undefined || x === v));
  }

  set(name: string, value: string): void {
    const n = usv(name);
    const v = usv(value);
    const list = paramsSlots.get(this);
    const i = list.findIndex(([k]) => k === n);
    if (i < 0) {
      list.push([n, v]);
    } else {
      list[i][1] = v;
      paramsSlots.set(this, list.filter(([k], j) => j <= i || k !== n));
    }
    update(this);
  }

  /** Stable sort by name, comparing UTF-16 code units (Array.prototype.sort is stable since ES2019). */
  sort(): void {
    paramsSlots.get(this).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    update(this);
  }

  forEach(callback: (value: string, name: string, parent: URLSearchParams) => void, thisArg?: unknown): void {
    if (typeof callback !== "function") throw new TypeError("URLSearchParams.forEach: the callback must be a function");
    // Live, as the iterators: an entry appended during the walk is visited.
    for (let i = 0; i < paramsSlots.get(this).length; i++) {
      const [k, v] = paramsSlots.get(this)[i];
      callback.call(thisArg, v, k, this);
    }
  }

  *entries(): IterableIterator<[string, string]> {
    for (let i = 0; i < paramsSlots.get(this).length; i++) {
      const [k, v] = paramsSlots.get(this)[i];
      yield [k, v];
    }
  }

  *keys(): IterableIterator<string> {
    for (const [k] of this.entries()) yield k;
  }

  *values(): IterableIterator<string> {
    for (const [, v] of this.entries()) yield v;
  }

  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }

  toString(): string {
    return serializeForm(paramsSlots.get(this));
  }

  get [Symbol.toStringTag](): string {
    return "URLSearchParams";
  }
}
