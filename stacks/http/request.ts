/** Fetch Standard section 5.4, the Request class (bodies as in body.ts: no ReadableStream). */
import { Body, extractBody, type BodyInit, type BodySource } from "./body.ts";
import { Headers, type HeadersInit } from "./headers.ts";
import { TOKEN } from "./syntax.ts";

export type RequestRedirect = "follow" | "error" | "manual";

export interface RequestInit {
  method?: string;
  headers?: HeadersInit;
  body?: BodyInit | null;
  redirect?: RequestRedirect;
  signal?: AbortSignal | null;
}

/** Fetch 2.2.1: these methods are upper-cased; others are kept as given (methods are case-sensitive). */
const NORMALISED = ["DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"];
/** Fetch 2.2.1 "forbidden method". */
const FORBIDDEN = ["CONNECT", "TRACE", "TRACK"];

export function normaliseMethod(method: string): string {
  const m = String(method);
  if (!TOKEN.test(m)) throw new TypeError(`invalid HTTP method ${JSON.stringify(m)}`);
  const upper = m.toUpperCase();
  if (FORBIDDEN.includes(upper)) throw new TypeError(`HTTP method ${upper} is forbidden`);
  return NORMALISED.includes(upper) ? upper : m;
}

export class Request extends Body {
  readonly method: string;
  readonly url: string;
  readonly headers: Headers;
  readonly redirect: RequestRedirect;
  private readonly givenSignal: AbortSignal | null;
  private ownSignal: AbortSignal | null = null;

  constructor(input: string | URL | Request, init: RequestInit = {}) {
    const from = input instanceof Request ? input : null;
    let url: string;
    if (from) url = from.url;
    else {
      try {
        url = new URL(String(input)).href;
      } catch {
        throw new TypeError(`Request: cannot parse URL ${JSON.stringify(String(input))} (a relative URL needs a base, which has none here)`);
      }
      const u = new URL(url);
      if (u.username !== "" || u.password !== "") throw new TypeError(`Request: URL ${JSON.stringify(String(input))} includes credentials`);
    }
    const method = init.method !== undefined ? normaliseMethod(init.method) : from ? from.method : "GET";
    const headers = new Headers(init.headers ?? from?.headers);
    let source: BodySource | null = null;
    const body = init.body;
    if ((method === "GET" || method === "HEAD") && ((body !== undefined && body !== null) || (from && init.body === undefined && from.peekSource() !== null))) {
      throw new TypeError(`a Request with method ${method} cannot have a body`);
    }
    if (body !== undefined && body !== null) {
      const extracted = extractBody(body);
      source = extracted.source;
      if (extracted.type !== null && !headers.has("content-type")) headers.append("content-type", extracted.type);
    } else if (from && body === undefined) {
      // Fetch 5.4 step 39: the input request's body moves to the new one (the input is used).
      if (from.bodyUsed) throw new TypeError("Request: the input request's body has already been read");
      source = from.peekSource();
      if (source !== null) from.takeChunks();
    }
    super(source);
    this.method = method;
    this.url = url;
    this.headers = headers;
    const redirect = init.redirect ?? from?.redirect ?? "follow";
    if (redirect !== "follow" && redirect !== "error" && redirect !== "manual") throw new TypeError(`Request: redirect must be "follow", "error" or "manual", not ${JSON.stringify(redirect)}`);
    this.redirect = redirect;
    this.givenSignal = init.signal ?? from?.givenSignal ?? null;
  }

  /** The signal given, or one that never aborts (made on first use: AbortController is loaded lazily on the target). */
  get signal(): AbortSignal {
    if (this.givenSignal) return this.givenSignal;
    if (!this.ownSignal) this.ownSignal = new AbortController().signal;
    return this.ownSignal;
  }

  /** @internal The signal given to the constructor, if any (fetch listens to it). */
  get abortSignal(): AbortSignal | null {
    return this.givenSignal;
  }

  clone(): Request {
    const r = new Request(this.url, { method: this.method, headers: this.headers, redirect: this.redirect, signal: this.givenSignal });
    (r as unknown as { source: BodySource | null }).source = this.cloneSource();
    return r;
  }

  get [Symbol.toStringTag](): string {
    return "Request";
  }
}

/** @internal A request whose body is bytes already ours (the server's): no copy. */
export function requestWithBody(url: string, method: string, headers: Headers, bytes: Uint8Array | null): Request {
  const r = new Request(url, { method: method === "GET" || method === "HEAD" ? method : "POST", headers });
  Object.defineProperty(r, "method", { value: method, enumerable: true });
  (r as unknown as { source: BodySource | null }).source = bytes === null ? null : { kind: "bytes", bytes };
  return r;
}
