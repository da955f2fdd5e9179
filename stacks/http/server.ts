/**
 * The HTTP/1.1 server in the shape of Deno.serve: `serve({ net, port }, (req) => new Response("hi"))`.
 * Each connection is a ServerConnection; this file holds the listener, the connection cap, the
 * handler's error path (a throw becomes a 500, the error reported once) and shutdown.
 */
import { formatIpv4, parseIpv4 } from "../net/address.ts";
import type { TcpConnection } from "../net/tcp/connection.ts";
import type { TcpListener, TcpListenOptions } from "../net/tcp/tcp.ts";
import type { TimerScheduler } from "../net/time.ts";
import { imfFixdate } from "./date.ts";
import { serverLimits, type ServerLimits } from "./limits.ts";
import type { Request } from "./request.ts";
import { Response } from "./response.ts";
import { concat, responseHead } from "./serialize.ts";
import { ServerConnection, type ConnectionHost } from "./server-connection.ts";
import type { StreamConnection } from "./tcp-stream.ts";

/** What the server needs of the network stack (a NetStack has it). */
export interface ServerNet {
  tcpListen(options: TcpListenOptions): TcpListener;
  readonly tcp: { readonly timers: TimerScheduler };
  readonly ipv4: { readonly address: number };
}

/** What serve() calls for each request: the Response to send, or a promise of it. */
export type Handler = (request: Request) => Response | Promise<Response>;

export interface ServeOptions {
  readonly net: ServerNet;
  readonly port: number;
  /** "0.0.0.0" (the default) or the stack's own address: the stack has one address, so both mean the same. */
  readonly hostname?: string;
  /** Aborting it shuts the server down, as shutdown() does. */
  readonly signal?: AbortSignal;
  readonly limits?: Partial<ServerLimits>;
  /**
   * Milliseconds since 1970 for the Date header, or null for none. Without it no Date is sent:
   * the boards have no real-time clock, and RFC 9110 6.6.1 says a server without a clock MUST NOT
   * send one.
   */
  readonly clock?: () => number | null;
  /** The answer when the handler throws or returns something else than a Response; by default the error is reported with console.error and the answer is a 500. */
  readonly onError?: (error: unknown) => Response | Promise<Response>;
  /** Called once listening. */
  readonly onListen?: (addr: { hostname: string; port: number }) => void;
  /** Wraps each accepted connection, e.g. in TLS (stacks/tls/connection.ts): HTTPS. */
  readonly secure?: (conn: TcpConnection) => StreamConnection;
}

export interface HttpServerStats {
  /** Connections taken. */
  accepted: number;
  /** Connections over maxConnections, answered 503 and closed. */
  rejected: number;
  /** Requests answered. */
  requests: number;
  /** Handler failures (a throw, a rejection, a result that is no Response, a broken body stream). */
  errors: number;
}

/** A running HTTP server, from serve(): its address and port, counters, and shutdown. */
export interface HttpServer {
  readonly addr: { readonly hostname: string; readonly port: number };
  /** Resolves once the server has shut down and its last connection is over (answer and FIN through, the peer's FIN back or the linger run out). */
  readonly finished: Promise<void>;
  /** Stops listening, closes idle connections, lets the busy ones answer (with Connection: close); resolves as `finished` does. */
  shutdown(): Promise<void>;
  /** Connections being served now. */
  readonly connections: number;
  readonly stats: Readonly<HttpServerStats>;
}

function defaultOnError(error: unknown): Response {
  console.error("HTTP handler failed:", error);
  return new Response("Internal Server Error\n", { status: 500, headers: { "content-type": "text/plain;charset=UTF-8" } });
}

const OVERLOADED_BODY = "503 Service Unavailable: too many connections\n";

class Server implements HttpServer, ConnectionHost {
  readonly limits: ServerLimits;
  readonly timers: TimerScheduler;
  readonly addr: { readonly hostname: string; readonly port: number };
  readonly authority: string;
  readonly finished: Promise<void>;
  readonly stats: HttpServerStats = { accepted: 0, rejected: 0, requests: 0, errors: 0 };
  closing = false;
  private readonly active = new Set<ServerConnection>();
  /** Released connections whose TCP close is not yet through. */
  private draining = 0;
  private readonly listener: TcpListener;
  private resolveFinished: () => void = () => undefined;

  constructor(
    private readonly options: ServeOptions,
    private readonly handler: Handler,
  ) {
    if (typeof handler !== "function") throw new TypeError("serve() needs a handler function");
    this.limits = serverLimits(options.limits);
    this.timers = options.net.tcp.timers;
    const address = options.net.ipv4.address;
    const hostname = options.hostname ?? "0.0.0.0";
    const wanted = parseIpv4(hostname);
    if (wanted !== 0 && wanted !== address) throw new RangeError(`serve(): hostname ${hostname} is not this host's address (${formatIpv4(address)})`);
    this.addr = { hostname, port: options.port };
    this.authority = `${formatIpv4(address)}:${options.port}`;
    this.finished = new Promise<void>((resolve) => (this.resolveFinished = resolve));
    // TCP: Nagle off, as HTTP servers do: a response's last small segment must not wait for an ACK.
    this.listener = options.net.tcpListen({ port: options.port, noDelay: true, onConnection: (c) => this.accept(c) });
    const signal = options.signal;
    if (signal) {
      if (signal.aborted) void this.shutdown();
      else signal.addEventListener("abort", () => void this.shutdown(), { once: true });
    }
    options.onListen?.(this.addr);
  }

  get connections(): number {
    return this.active.size;
  }

  shutdown(): Promise<void> {
    if (!this.closing) {
      this.closing = true;
      this.listener.close();
      for (const c of this.active) c.shutdown();
      this.checkFinished();
    }
    return this.finished;
  }

  date(): string | null {
    const now = this.options.clock?.() ?? null;
    return now === null ? null : imfFixdate(now);
  }

  async handle(request: Request): Promise<Response> {
    this.stats.requests++;
    try {
      const r = await this.handler(request);
      if (!(r instanceof Response)) throw new TypeError(`the handler returned ${r === null ? "null" : typeof r}, not a Response`);
      return r;
    } catch (error) {
      this.stats.errors++;
      try {
        const onError = this.options.onError ?? defaultOnError;
        const r = await onError(error);
        if (!(r instanceof Response)) throw new TypeError("onError returned no Response");
        return r;
      } catch (second) {
        console.error("HTTP onError failed:", second);
        return defaultOnErrorSilent();
      }
    }
  }

  report(error: unknown): void {
    this.stats.errors++;
    console.error("HTTP response failed:", error);
  }

  release(conn: ServerConnection, over: Promise<void>): void {
    this.active.delete(conn);
    // shutdown() waits for these too: its promise means every answer is through, the FIN
    // included, so a firmware may power off when it resolves.
    this.draining++;
    void over.then(() => {
      this.draining--;
      this.checkFinished();
    });
  }

  private accept(conn: TcpConnection): void {
    if (this.closing) {
      conn.abort();
      return;
    }
    if (this.active.size >= this.limits.maxConnections && this.options.secure) {
      // A plaintext 503 means nothing to a TLS client: the connection is refused outright.
      this.stats.rejected++;
      conn.abort();
      return;
    }
    if (this.active.size >= this.limits.maxConnections) {
      // RFC 9110 15.6.4: 503 for an overload the client may retry later.
      this.stats.rejected++;
      const body = new TextEncoder().encode(OVERLOADED_BODY);
      conn.write(concat(responseHead(503, "Service Unavailable", [["content-length", String(body.length)], ["connection", "close"], ["retry-after", "1"]]), body));
      conn.close();
      conn.events.onReadable = () => void conn.read();
      return;
    }
    this.stats.accepted++;
    const c = new ServerConnection(this, this.options.secure ? this.options.secure(conn) : conn);
    this.active.add(c);
    void c.run();
  }

  private checkFinished(): void {
    if (this.closing && this.active.size === 0 && this.draining === 0) this.resolveFinished();
  }
}

function defaultOnErrorSilent(): Response {
  return new Response("Internal Server Error\n", { status: 500 });
}

/** Starts serving on `options.port` of `options.net`; throws if the port is taken or an option is wrong. */
export function serve(options: ServeOptions, handler: Handler): HttpServer {
  return new Server(options, handler);
}
