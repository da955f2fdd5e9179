/**
 * fetch() for http: URLs (Fetch Standard section 5.6 and 4, reduced to what a device needs):
 * persistent connections kept idle per origin for the next request (fetch-pool.ts; RFC 9112 9.3),
 * a request that fails on a reused connection before any response byte sent once more on a new
 * one when its method is idempotent and its body can be sent again (RFC 9110 9.2.2, RFC 9112
 * 9.3.1), redirects followed as
 * section 4.4 says (at most 20; 301/302 turn POST into GET, 303 turns anything but GET/HEAD into
 * GET), aborts through the request's AbortSignal (timeouts too: AbortSignal.timeout()), and
 * every network failure a TypeError "fetch failed" whose `cause` says what happened. https: is
 * refused (no TLS yet). The TCP connect and the name resolver are injected.
 */
import { parseIpv4 } from "../net/address.ts";
import type { TcpConnection } from "../net/tcp/connection.ts";
import { Timer, type TimerScheduler } from "../net/time.ts";
import type { BodySource } from "./body.ts";
import { ClientConnection, type ClientRequest, type ClientResponse } from "./client-connection.ts";
import { ConnectionPool, type FetchPoolLimits, type FetchPoolStats } from "./fetch-pool.ts";
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

/** What fetch runs over, its timeouts, and its connection pool's bounds (fetch-pool.ts: 2 idle per origin, 4 in all, 4 s). */
export interface FetchNet extends FetchPoolLimits {
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

/** createFetch's fetch: the web-standard function, plus its connection pool. */
export interface PooledFetch extends FetchFunction {
  /** Closes the idle connections and keeps none from then on (later requests each open and close their own). */
  close(): void;
  /** What the pool did, and `idle`: the connections it holds now. */
  readonly pool: Readonly<FetchPoolStats> & { readonly idle: number };
}

/** RFC 9110 9.2.2: the idempotent methods, which a client may send again after a failed connection (RFC 9112 9.3.1). */
const IDEMPOTENT = ["GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"];

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

export function createFetch(net: FetchNet): PooledFetch {
  for (const name of ["headersTimeoutMs", "bodyTimeoutMs"] as const) {
    const v = net[name];
    if (v !== undefined && (!Number.isInteger(v) || v <= 0)) throw new RangeError(`fetch ${name} must be a positive integer, not ${v}`);
  }
  const pool = new ConnectionPool(net.timers, net);
  const fetch = async function fetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
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
      const { response, location, drop } = await exchange(net, pool, attempt, signal);
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
  const stats = pool.stats;
  const view = {
    get opened() { return stats.opened; },
    get reused() { return stats.reused; },
    get retried() { return stats.retried; },
    get discarded() { return stats.discarded; },
    get idle() { return pool.size; },
  };
  return Object.assign(fetch, { close: () => pool.close(), pool: view });
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
  /** Aborts the connection when the response has a body (a redirect's is not read). */
  drop: () => void;
}

async function exchange(net: FetchNet, pool: ConnectionPool, a: Attempt, signal: AbortSignal | null): Promise<Exchanged> {
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
    // The pool's key: the server after resolution (two names of one server share connections).
    const origin = `${address}:${port}`;
    const fields: WireField[] = [["host", a.url.host], ...a.fields];
    if (!fields.some(([n]) => n === "accept")) fields.push(["accept", "*/*"]);
    if (!fields.some(([n]) => n === "user-agent")) fields.push(["user-agent", "tsmetal"]);
    // HTTP/1.1 connections persist by default (RFC 9112 9.3); without a pool there is nothing to keep.
    if (!pool.keeping) fields.push(["connection", "close"]);
    const req: ClientRequest = { method: a.method, target: a.url.pathname + a.url.search, fields, body: a.body };
    let client: ClientConnection;
    let got: ClientResponse;
    for (let fresh = false; ; fresh = true) {
      const pooled = fresh ? null : pool.take(origin);
      if (pooled !== null) {
        client = pooled;
        stream = pooled.stream;
      } else {
        let conn: TcpConnection;
        try {
          conn = net.connect(address, port);
        } catch (e) {
          throw fetchFailed(describe(e));
        }
        pool.stats.opened++;
        stream = new TcpStream(conn);
        await stream.connected();
        client = new ClientConnection(stream);
      }
      try {
        got = await client.request(req);
        break;
      } catch (e) {
        // RFC 9112 9.3.1: a reused connection the server closed meanwhile fails before any byte
        // of an answer; an idempotent request whose body can be sent again goes once more, on a
        // new connection. Not after an abort or a timeout, nor a second time.
        if (pooled === null || aborted || expired !== null || client.answered || !replayable(a)) throw e;
        stream.abort();
        pool.dropOrigin(origin);
        pool.stats.retried++;
      }
    }
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
    const c = client;
    const release = () => pool.release(origin, c);
    const body = got.body === null || isNullBodyStatus(head.status) ? null : closing(got.body, s, release, stopListening, () => aborted, idle);
    if (body === null) {
      stopListening();
      release();
    }
    responseInternals(response, body === null ? null : { kind: "stream", chunks: body }, { url: a.url.href, redirected: false });
    // A body not wanted (a redirect's) is not read: the connection goes. One without a body is back in the pool already.
    const drop = () => {
      stopListening();
      if (body !== null) s.abort();
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

/** Whether `a` may be sent again after its connection failed before an answer: an idempotent method and a body that is still whole. */
function replayable(a: Attempt): boolean {
  return IDEMPOTENT.includes(a.method) && (a.body === null || a.body.kind === "bytes");
}

/**
 * The body's chunks; at the end the connection goes back to the pool (`release`: kept or
 * closed); aborted on an error and when the reader stops before the end (the rest would be taken
 * for the next response); errors are TypeError "terminated" (as Node's).
 */
async function* closing(chunks: AsyncIterable<Uint8Array>, stream: TcpStream, release: () => void, done: () => void, aborted: () => boolean, idle: { start(): void; stop(): void }): AsyncGenerator<Uint8Array> {
  let ended = false;
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
    ended = true;
    release();
  } catch (e) {
    ended = true;
    stream.abort();
    // An abort rejects with the signal's reason, as fetch's own promise does.
    if (aborted()) throw e;
    throw fetchFailed(describe(e), "terminated");
  } finally {
    // The reader left early (break, return): what is left of the body cannot be skipped cheaply.
    if (!ended) stream.abort();
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
