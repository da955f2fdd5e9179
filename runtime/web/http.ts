/**
 * The web unit "http" (tools/lib/units.ts): the globals fetch, Request, Response and Headers
 * (engine/src/web-globals.c defines each from this module's export of the same name at its first
 * lookup) and `serve`, which the "tsmetal" stub of the same name loads (io/network.ts). Both run
 * stacks/http over the board's default network, which lives in the unit "net": this unit reaches
 * it only through hal.image.load("net"), never with a copy of stacks/net's state of its own (each
 * unit is bundled on its own, so an import of io/net would be a second network).
 */
import { image } from "hal";
import { createFetch, type FetchFunction } from "../../stacks/http/fetch.ts";
import { Request, type RequestInit } from "../../stacks/http/request.ts";
import type { Response } from "../../stacks/http/response.ts";
import { serve as serveOn, type Handler, type HttpServer, type ServeOptions as StackServeOptions } from "../../stacks/http/server.ts";
import type { TimerScheduler } from "../../stacks/net/time.ts";
import type { NetStack } from "../../stacks/net/stack.ts";

export { Request } from "../../stacks/http/request.ts";
export { Response } from "../../stacks/http/response.ts";
export { Headers } from "../../stacks/http/headers.ts";
export type { Handler, HttpServer } from "../../stacks/http/server.ts";

/**
 * What this unit uses of the unit "net" (io/net/unit.ts; its Network in io/net/default-network.ts,
 * which the "tsmetal" types check this against): defaultNetwork(), the network the app made with
 * network(), else one created (DHCP) now. Structural, so that this runtime unit imports no io/.
 */
interface Network {
  readonly stack: NetStack;
  readonly ready: Promise<unknown>;
  readonly configured: boolean;
  resolve(name: string, options?: { readonly signal?: AbortSignal }): Promise<string>;
}
export interface NetUnit {
  defaultNetwork(): Network;
}

function defaultNetwork(): Network {
  return (image.load("net") as NetUnit).defaultNetwork();
}

/**
 * serve()'s `tls` option (io/tls/unit.ts's TlsServeOptions, checked against it there): HTTPS with
 * the TLS 1.3 server of the unit "tls", in the image only when the app names `tls`
 * (tools/lib/units.ts). Structural, so that this unit imports none of stacks/tls.
 */
export interface TlsOptions {
  readonly cert: string | Uint8Array | ArrayBuffer;
  readonly key: string | Uint8Array | ArrayBuffer;
  readonly onHandshake?: (info: { readonly serverName: string | null; readonly alpn: string | null; readonly cipherSuite: string; readonly signatureScheme: number }) => void;
  readonly onAlert?: (description: string, sent: boolean) => void;
}
export interface TlsUnit {
  tlsServer(options: TlsOptions): NonNullable<StackServeOptions["secure"]>;
}

/** serve()'s options, as Deno.serve's: the default network's stack is the server's; `tls` makes it HTTPS. */
export type ServeOptions = Omit<StackServeOptions, "net" | "clock" | "secure"> & { readonly tls?: TlsOptions };
const SERVE_KEYS = ["port", "hostname", "signal", "limits", "onError", "onListen", "tls"] as const;

/**
 * An HTTP/1.1 server on `options.port` of the board's default network (stacks/http/server.ts;
 * created, DHCP and all, if the app has not called network() yet). It listens at once, even
 * before DHCP has bound: the address it then gives Host-less HTTP/1.0 requests is 0.0.0.0.
 */
export function serve(options: ServeOptions, handler: Handler): HttpServer {
  checkServeOptions(options as unknown);
  if (typeof handler !== "function") throw new TypeError(`serve: the handler must be a function, not ${describe(handler)}`);
  const { tls, ...rest } = options;
  // The certificate and key are checked (and the TLS unit loaded) before the port is taken.
  const secure = tls === undefined ? undefined : (image.load("tls") as TlsUnit).tlsServer(tls);
  return serveOn({ ...rest, net: defaultNetwork().stack, secure }, handler);
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return typeof value;
}

/** As the socket classes check theirs (io/net/check.ts): an unknown or ill-typed option is a TypeError, a bad value a RangeError, naming it. */
function checkServeOptions(o: unknown): asserts o is Record<string, unknown> {
  if (o === null || typeof o !== "object" || Array.isArray(o)) throw new TypeError(`serve: options must be an object ({ port, ... }), not ${describe(o)}`);
  const options = o as Record<string, unknown>;
  for (const key of Object.keys(options)) {
    if (!(SERVE_KEYS as readonly string[]).includes(key)) throw new TypeError(`serve: unknown option "${key}" (options: ${SERVE_KEYS.join(", ")})`);
  }
  const { port, hostname, signal, limits, onError, onListen, tls } = options;
  if (typeof port !== "number") throw new TypeError(`serve: port must be a number, not ${describe(port)}`);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new RangeError(`serve: port must be an integer 1..65535, not ${port}`);
  if (hostname !== undefined && typeof hostname !== "string") throw new TypeError(`serve: hostname must be a string, not ${describe(hostname)}`);
  if (signal !== undefined && (signal === null || typeof (signal as Partial<AbortSignal>).addEventListener !== "function")) throw new TypeError(`serve: signal must be an AbortSignal, not ${describe(signal)}`);
  if (limits !== undefined && (limits === null || typeof limits !== "object")) throw new TypeError(`serve: limits must be an object, not ${describe(limits)}`);
  for (const [name, f] of [["onError", onError], ["onListen", onListen]] as const) {
    if (f !== undefined && typeof f !== "function") throw new TypeError(`serve: ${name} must be a function, not ${describe(f)}`);
  }
  if (tls !== undefined) checkTlsOptions(tls);
}

const timers: TimerScheduler = {
  set: (delayMs, callback) => setTimeout(callback, delayMs),
  clear: (handle) => clearTimeout(handle as number),
};

let core: FetchFunction | undefined;

/** stacks/http's fetch over the default network, made on first use. */
function coreFetch(): FetchFunction {
  core ??= createFetch({
    connect: (address, port) => defaultNetwork().stack.tcpConnect({ address, port, noDelay: true }),
    resolve: (name, options) => defaultNetwork().resolve(name, options),
    timers,
  });
  return core;
}

/** Node's and undici's network error, with what failed in the message too (a board's console shows no `cause`). */
function fetchFailed(cause: unknown): TypeError {
  const e = new TypeError(`fetch failed: ${cause instanceof Error ? cause.message : String(cause)}`);
  Object.defineProperty(e, "cause", { value: cause, writable: true, configurable: true });
  return e;
}

/** Resolves once the default network has an address; rejects when `signal` aborts first (with its reason) or the network cannot be had. */
async function configured(signal: AbortSignal | null): Promise<void> {
  let net: Network;
  try {
    net = defaultNetwork();
  } catch (e) {
    throw fetchFailed(e);
  }
  if (net.configured) return;
  if (signal?.aborted) throw signal.reason;
  await new Promise<void>((resolve, reject) => {
    const onAbort = () => reject(signal?.reason);
    signal?.addEventListener("abort", onAbort, { once: true });
    net.ready.then(
      () => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      },
      (e: unknown) => {
        signal?.removeEventListener("abort", onAbort);
        reject(fetchFailed(e));
      },
    );
  });
}

/**
 * The Fetch Standard's fetch() (stacks/http/fetch.ts: http: only) over the board's default
 * network: an http: request waits until the network has an address (DHCP, unless the app called
 * network() with a static one), or until its signal aborts.
 */
export async function fetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
  // Checked (and the body taken) before anything waits: bad input fails at once.
  const request = new Request(input, init);
  if (request.abortSignal?.aborted) throw request.abortSignal.reason;
  if (request.url.startsWith("http:")) await configured(request.abortSignal);
  return coreFetch()(request);
}

const TLS_KEYS = ["cert", "key", "onHandshake", "onAlert"] as const;

function checkTlsOptions(o: unknown): void {
  if (o === null || typeof o !== "object" || Array.isArray(o)) throw new TypeError(`serve: tls must be an object ({ cert, key }), not ${describe(o)}`);
  const tls = o as Record<string, unknown>;
  for (const key of Object.keys(tls)) {
    if (!(TLS_KEYS as readonly string[]).includes(key)) throw new TypeError(`serve: unknown tls option "${key}" (options: ${TLS_KEYS.join(", ")})`);
  }
  for (const name of ["cert", "key"] as const) {
    const v = tls[name];
    if (typeof v !== "string" && !(v instanceof Uint8Array) && !(v instanceof ArrayBuffer)) throw new TypeError(`serve: tls.${name} must be PEM text, a Uint8Array or an ArrayBuffer, not ${describe(v)}`);
  }
  for (const name of ["onHandshake", "onAlert"] as const) {
    if (tls[name] !== undefined && typeof tls[name] !== "function") throw new TypeError(`serve: tls.${name} must be a function, not ${describe(tls[name])}`);
  }
}
