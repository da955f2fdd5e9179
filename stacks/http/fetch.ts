/**
 * fetch() for http: URLs (Fetch Standard section 5.6 and 4, reduced to what a device needs): a
 * connection per request (no pool: each request says Connection: close), redirects followed as
 * section 4.4 says (at most 20; 301/302 turn POST into GET, 303 turns anything but GET/HEAD into
 * GET), aborts through the request's AbortSignal (timeouts too: AbortSignal.timeout()), and
 * every network failure a TypeError "fetch failed" whose `cause` says what happened. https: is
 * refused (no TLS yet). The TCP connect and the name resolver are injected.
 */
import { parseIpv4 } from "../net/address.ts";
import type { TcpConnection } from "../net/tcp/connection.ts";
import { Timer, type TimerScheduler } from "../net/time.ts";
import type { BodySource } from "./body.ts";
import { ClientConnection } from "./client-connection.ts";
import { HttpTimeoutError } from "./errors.ts";
import { guardHeaders, headerList, headersFromWire } from "./headers.ts";
import { Request, type RequestInit } from "./request.ts";
import { Response, responseInternals } from "./response.ts";
import type { WireField } from "./serialize.ts";
import { isNullBodyStatus, isRedirectStatus } from "./status.ts";
import { TcpStream } from "./tcp-stream.ts";

/** Resolves a host name to an IPv4 address (a number or a dotted quad); rejects when it cannot. */
export type ResolveFunction = (hostname: string, options: { readonly signal?: AbortSignal }) => Promise<number | string>;

/** Opens a TCP connection (active open) to address:port; may throw (no route, too many connections). */
export type ConnectFunction = (address: number, port: number) => TcpConnection;

export interface FetchNet {
  readonly connect: ConnectFunction;
  readonly resolve: ResolveFunction;
  /** For the two timeouts below. */
  readonly timers: TimerScheduler;
  /** From the connection's start to the response head (default 300 s, as Node's undici). */
  readonly headersTimeoutMs?: number;
  /** The longest wait between two pieces of a response body (default 300 s, as Node's undici). */
  readonly bodyTimeoutMs?: number;
}

/** Node's undici waits this long for headers, and between body pieces, when no signal says otherwise. */
const DEFAULT_TIMEOUT_MS = 300_000;

export type FetchFunction = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** Fetch 4.4 step 11: at most 20 redirects. */
export const MAX_REDIRECTS = 20;

/** Fetch 2.2.2 "request-body-header name": dropped when a redirect drops the body. */
const BODY_HEADERS = ["content-encoding", "content-language", "content-location", "content-type"];

/** Headers fetch sets itself, whatever the request says. */
const OWN_HEADERS = ["host", "connection", "content-length", "transfer-encoding", "keep-alive"];

function fetchFailed(cause: unknown, message = "fetch failed"): TypeError {
  const e = new TypeError(message);
  Object.defineProperty(e, "cause", { value: cause, writable: true, configurable: true });
  return e;
}

function describe(e: unknown): Error {
  return e instanceof Error ? e : new Error(String(e));
}

interface Attempt {
  method: string;
  url: URL;
  fields: WireField[];
  body: BodySource | null;
}

export function createFetch(net: FetchNet): FetchFunction {
  for (const name of ["headersTimeoutMs", "bodyTimeoutMs"] as const) {
    const v = net[name];
    if (v !== undefined && (!Number.isInteger(v) || v <= 0)) throw new RangeError(`fetch ${name} must be a positive integer, not ${v}`);
  }
  return async function fetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
    const request = new Request(input, init);
    const signal = request.abortSignal;
    if (signal?.aborted) throw signal.reason;
    const source = request.peekSource();
    if (source !== null) request.takeChunks();
    let attempt: Attempt = {
      method: request.method,
      url: new URL(request.url),
      fields: headerList(request.headers).filter(([n]) => !OWN_HEADERS.includes(n)).map(([n, v]) => [n, v] as const),
      body: source,
    };
    for (let redirects = 0; ; redirects++) {
      const { response, location, drop } = await exchange(net, attempt, signal);
      if (location === null || request.redirect === "manual") return finish(response, attempt.url, redirects > 0);
      if (request.redirect === "error") {
        drop();
        throw fetchFailed(new Error(`redirect to ${location} refused (redirect: "error")`));
      }
      // A redirect's body is not wanted: the connection goes (cheaper than reading it).
      drop();
      if (redirects >= MAX_REDIRECTS) throw fetchFailed(new Error(`more than ${MAX_REDIRECTS} redirects`));
      attempt = redirected(attempt, response.status, location);
    }
  };
}

/** Fetch 4.4 "HTTP-redirect fetch", steps 3-14: the next request. */
function redirected(prev: Attempt, status: number, location: string): Attempt {
  let url: URL;
  try {
    url = new URL(location, prev.url);
  } catch {
    throw fetchFailed(new Error(`invalid Location ${JSON.stringify(location)}`));
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw fetchFailed(new Error(`redirect to a ${url.protocol} URL`));
  let { method, body, fields } = prev;
  // Step 12: 301/302 with POST, 303 with anything but GET/HEAD: GET without a body.
  if (((status === 301 || status === 302) && method === "POST") || (status === 303 && method !== "GET" && method !== "HEAD")) {
    method = "GET";
    body = null;
    fields = fields.filter(([n]) => !BODY_HEADERS.includes(n));
  }
  // Step 11: a body that was a stream cannot be sent again.
  if (body !== null && body.kind === "stream") throw fetchFailed(new Error(`a ${status} redirect needs the request body again, and it was a stream`));
  // Step 13: credentials do not follow to another origin.
  if (url.origin !== prev.url.origin) fields = fields.filter(([n]) => n !== "authorization");
  return { method, url, fields, body };
}

interface Exchanged {
  response: Response;
  /** The Location to follow, or null when this is the final response. */
  location: string | null;
  /** Aborts the connection (a redirect's body is not read). */
  drop: () => void;
}

async function exchange(net: FetchNet, a: Attempt, signal: AbortSignal | null): Promise<Exchanged> {
  if (a.url.protocol === "https:") throw fetchFailed(new Error("https: is not supported (no TLS yet); use http:"), `fetch failed: https: is not supported yet (${a.url.href})`);
  if (a.url.protocol !== "http:") throw fetchFailed(new Error(`${a.url.protocol} URLs are not supported (only http:)`));
  let stream: TcpStream | null = null;
  let aborted = false;
  /** Ends the wait for the resolver, which may not listen to the signal. */
  let stopResolving: ((e: unknown) => void) | null = null;
  const onAbort = () => {
    aborted = true;
    stopResolving?.(signal?.reason);
    if (stream) {
      stream.fail(signal?.reason);
      stream.abort();
    }
  };
  signal?.addEventListener("abort", onAbort, { once: true });
  // A server that accepts and never answers must not hold fetch() forever.
  let expired: HttpTimeoutError | null = null;
  const timer = new Timer(net.timers, () => {
    const e = new HttpTimeoutError(timeoutWhat);
    expired = e;
    stopResolving?.(e);
    if (stream) {
      stream.fail(e);
      stream.abort();
    }
  });
  let timeoutWhat = `no response head within ${net.headersTimeoutMs ?? DEFAULT_TIMEOUT_MS} ms`;
  timer.start(net.headersTimeoutMs ?? DEFAULT_TIMEOUT_MS);
  const stopListening = () => {
    timer.stop();
    signal?.removeEventListener("abort", onAbort);
  };
  try {
    // The head timeout counts from the start, resolution included.
    const address = await new Promise<number>((ok, fail) => {
      stopResolving = fail;
      resolve(net, a.url.hostname, signal).then(ok, fail);
    });
    stopResolving = null;
    if (aborted) throw signal?.reason;
    if (expired !== null) throw expired;
    const port = a.url.port === "" ? 80 : Number(a.url.port);
    let conn: TcpConnection;
    try {
      conn = net.connect(address, port);
    } catch (e) {
      throw fetchFailed(describe(e));
    }
    stream = new TcpStream(conn);
    await stream.connected();
    const client = new ClientConnection(stream);
    const fields: WireField[] = [["host", a.url.host], ...a.fields];
    if (!fields.some(([n]) => n === "accept")) fields.push(["accept", "*/*"]);
    if (!fields.some(([n]) => n === "user-agent")) fields.push(["user-agent", "tsmetal"]);
    fields.push(["connection", "close"]);
    const got = await client.request({ method: a.method, target: a.url.pathname + a.url.search, fields, body: a.body });
    const head = got.head;
    const headers = headersFromWire(head.fields);
    const location = isRedirectStatus(head.status) ? headers.get("location") : null;
    if (head.status < 200 || head.status > 599) throw fetchFailed(new Error(`status ${head.status} out of range`));
    const response = new Response(null, { status: head.status, statusText: head.reason, headers });
    guardHeaders(response.headers, "immutable");
    const s = stream;
    timer.stop();
    const bodyMs = net.bodyTimeoutMs ?? DEFAULT_TIMEOUT_MS;
    timeoutWhat = `no response body data for ${bodyMs} ms`;
    const idle = { start: () => timer.start(bodyMs), stop: () => timer.stop() };
    const body = got.body === null || isNullBodyStatus(head.status) ? null : closing(got.body, s, stopListening, () => aborted, idle);
    if (body === null) {
      s.close();
      stopListening();
    }
    responseInternals(response, body === null ? null : { kind: "stream", chunks: body }, { url: a.url.href, redirected: false });
    const drop = () => {
      stopListening();
      s.abort();
    };
    return { response, location, drop };
  } catch (e) {
    stopListening();
    if (stream) stream.abort();
    if (aborted || (signal?.aborted && e === signal.reason)) throw signal?.reason;
    if (e instanceof TypeError && e.message.startsWith("fetch failed")) throw e;
    throw fetchFailed(describe(e));
  }
}

/** The body's chunks; the connection is closed at the end, aborted on an error; errors are TypeError "terminated" (as Node's). */
async function* closing(chunks: AsyncIterable<Uint8Array>, stream: TcpStream, done: () => void, aborted: () => boolean, idle: { start(): void; stop(): void }): AsyncGenerator<Uint8Array> {
  try {
    const it = chunks[Symbol.asyncIterator]();
    for (;;) {
      // The body timeout runs only while we wait for the server, not while the reader holds a chunk.
      idle.start();
      const next = await it.next();
      idle.stop();
      if (next.done) break;
      yield next.value;
    }
    stream.close();
  } catch (e) {
    stream.abort();
    // An abort rejects with the signal's reason, as fetch's own promise does.
    if (aborted()) throw e;
    throw fetchFailed(describe(e), "terminated");
  } finally {
    done();
  }
}

async function resolve(net: FetchNet, hostname: string, signal: AbortSignal | null): Promise<number> {
  if (hostname.startsWith("[")) throw fetchFailed(new Error(`IPv6 is not supported (${hostname})`));
  if (/^[0-9.]+$/.test(hostname)) return parseIpv4(hostname);
  let got: number | string;
  try {
    got = await net.resolve(hostname, signal ? { signal } : {});
  } catch (e) {
    if (signal?.aborted) throw signal.reason;
    throw fetchFailed(describe(e));
  }
  return typeof got === "number" ? got : parseIpv4(got);
}

function finish(response: Response, url: URL, redirected: boolean): Response {
  return responseInternals(response, response.peekSource(), { url: url.href, redirected });
}
