/** Fetch Standard section 5.5, the Response class (bodies as in body.ts: no ReadableStream). */
import { Body, extractBody, type BodyInit, type BodySource } from "./body.ts";
import { guardHeaders, Headers, type HeadersInit } from "./headers.ts";
import { isNullBodyStatus, isRedirectStatus } from "./status.ts";
import { REASON_PHRASE } from "./syntax.ts";

export interface ResponseInit {
  status?: number;
  statusText?: string;
  headers?: HeadersInit;
}

export type ResponseType = "basic" | "default" | "error";

/** What fetch() knows of a response it received, beyond status and headers. */
export interface ResponseOrigin {
  readonly url: string;
  readonly redirected: boolean;
}

export class Response extends Body {
  readonly status: number;
  readonly statusText: string;
  readonly headers: Headers;
  readonly type: ResponseType;
  private origin: ResponseOrigin = { url: "", redirected: false };

  constructor(body: BodyInit | null = null, init: ResponseInit = {}) {
    const status = init.status ?? 200;
    // Fetch 5.5 "initialize a response".
    if (!Number.isInteger(status) || status < 200 || status > 599) throw new RangeError(`Response status must be an integer in 200..599, not ${status}`);
    const statusText = String(init.statusText ?? "");
    if (!REASON_PHRASE.test(statusText)) throw new TypeError(`invalid Response statusText ${JSON.stringify(statusText)}`);
    let source: BodySource | null = null;
    const headers = new Headers(init.headers);
    if (body !== null && body !== undefined) {
      if (isNullBodyStatus(status)) throw new TypeError(`a Response with status ${status} cannot have a body`);
      const extracted = extractBody(body);
      source = extracted.source;
      if (extracted.type !== null && !headers.has("content-type")) headers.append("content-type", extracted.type);
    }
    super(source);
    this.status = status;
    this.statusText = statusText;
    this.headers = headers;
    this.type = "default";
  }

  get ok(): boolean {
    return this.status >= 200 && this.status <= 299;
  }

  get url(): string {
    return this.origin.url;
  }

  get redirected(): boolean {
    return this.origin.redirected;
  }

  clone(): Response {
    const r = new Response(null, { status: this.status, statusText: this.statusText, headers: this.headers });
    responseInternals(r, this.cloneSource(), this.origin);
    return r;
  }

  /** Fetch 5.5: JSON.stringify(data) with Content-Type application/json. */
  static json(data: unknown, init: ResponseInit = {}): Response {
    const text = JSON.stringify(data);
    if (text === undefined) throw new TypeError("Response.json: the data cannot be serialised to JSON");
    const headers = new Headers(init.headers);
    if (!headers.has("content-type")) headers.set("content-type", "application/json");
    return new Response(text, { ...init, headers });
  }

  /** Fetch 5.5: a redirect to `url` (parsed, absolute) with an immutable Location header. */
  static redirect(url: string | URL, status = 302): Response {
    let parsed: URL;
    try {
      parsed = new URL(String(url));
    } catch (e) {
      throw new TypeError(`Response.redirect: invalid URL ${JSON.stringify(String(url))}`);
    }
    if (!isRedirectStatus(status)) throw new RangeError(`Response.redirect: status must be 301, 302, 303, 307 or 308, not ${status}`);
    const r = new Response(null, { status, headers: { location: parsed.href } });
    guardHeaders(r.headers, "immutable");
    return r;
  }

  static error(): Response {
    // Fetch 5.5: a network error: status 0, which the constructor refuses, so built from a 200.
    const r = new Response(null, {});
    Object.defineProperty(r, "status", { value: 0 });
    Object.defineProperty(r, "type", { value: "error" });
    guardHeaders(r.headers, "immutable");
    return r;
  }

  get [Symbol.toStringTag](): string {
    return "Response";
  }
}

/** @internal Sets what the constructor cannot: the body source as it is (no copy) and fetch's url/redirected. */
export function responseInternals(r: Response, source: BodySource | null, origin: ResponseOrigin): Response {
  (r as unknown as { origin: ResponseOrigin }).origin = origin;
  (r as unknown as { source: BodySource | null }).source = source;
  return r;
}
