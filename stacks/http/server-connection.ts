/**
 * One connection of the HTTP/1.1 server: requests read in turn (pipelined ones wait in the
 * reader), each answered in order (RFC 9112 9.3.2), kept alive or closed (RFC 9112 9.3, 9.6),
 * with the timeouts of limits.ts. A request's body is read in full, within maxBodyBytes, before
 * the handler runs.
 */
import { Timer, type TimerScheduler } from "../net/time.ts";
import { ConnectionClosedError, HttpParseError, HttpTimeoutError } from "./errors.ts";
import { connectionOptions, fieldValues } from "./fields.ts";
import { requestFraming } from "./framing.ts";
import { headersFromWire, headerList } from "./headers.ts";
import type { ServerLimits } from "./limits.ts";
import { MessageReader, type RequestHead } from "./parser.ts";
import { requestWithBody, type Request } from "./request.ts";
import { fieldsWithout, targetUrl } from "./request-target.ts";
import { Response } from "./response.ts";
import { chunk, concat, LAST_CHUNK, responseHead, type WireField } from "./serialize.ts";
import { isNullBodyStatus, reasonPhrase } from "./status.ts";
import { TcpStream, type StreamConnection } from "./tcp-stream.ts";

/** What a connection needs from its server. */
export interface ConnectionHost {
  readonly limits: ServerLimits;
  readonly timers: TimerScheduler;
  /** "address:port" for requests without Host (HTTP/1.0). */
  readonly authority: string;
  /** The server is shutting down: answer with Connection: close, take no new request. */
  readonly closing: boolean;
  /** The IMF-fixdate for a Date header, or null to send none. */
  date(): string | null;
  handle(request: Request): Promise<Response>;
  /** A response body stream failed after its head was sent. */
  report(error: unknown): void;
  /** The connection takes no more requests; `over` resolves when TCP has ended it. */
  release(conn: ServerConnection, over: Promise<void>): void;
}

type Phase = "idle" | "head" | "body" | "handler" | "write";

/** Small responses go out in one write with their head (one segment instead of two). */
const COALESCE_BYTES = 4096;

class Shutdown extends Error {}

export class ServerConnection {
  private readonly stream: TcpStream;
  private readonly reader: MessageReader;
  private readonly timer: Timer;
  private phase: Phase = "idle";
  /** Requests answered on this connection. */
  requests = 0;

  constructor(
    private readonly host: ConnectionHost,
    readonly conn: StreamConnection,
  ) {
    this.stream = new TcpStream(conn);
    this.reader = new MessageReader({ maxHeadBytes: host.limits.maxHeadBytes, maxFields: host.limits.maxFields });
    this.timer = new Timer(host.timers, () => this.timedOut());
  }

  /** Serves requests until the connection ends; never rejects. */
  async run(): Promise<void> {
    try {
      while (await this.exchange()) this.requests++;
    } catch (e) {
      if (e instanceof HttpParseError) await this.sendError(e.status, e.message).catch(() => undefined);
      else if (!(e instanceof ConnectionClosedError || e instanceof HttpTimeoutError || e instanceof Shutdown)) {
        this.host.report(e);
        this.stream.abort();
      }
    } finally {
      this.timer.stop();
      this.host.release(this, this.finish());
    }
  }

  /** Server shutdown: an idle connection closes now, a busy one after its response. */
  shutdown(): void {
    if (this.phase === "idle" && this.reader.buffered === 0) this.stream.fail(new Shutdown("server shutdown"));
  }

  /** Answers one request; true if the connection stays open for another. */
  private async exchange(): Promise<boolean> {
    if (this.host.closing && this.reader.buffered === 0) return false;
    const head = await this.readHead();
    if (head === null) return false;
    const url = targetUrl(head, this.host.authority);
    const framing = requestFraming(head.fields, head.minor);
    const limits = this.host.limits;
    if (framing.kind === "length" && framing.length > limits.maxBodyBytes) throw new HttpParseError(413, `request body of ${framing.length} bytes exceeds ${limits.maxBodyBytes}`);
    // RFC 9110 10.1.1: "100-continue" asks whether to send the body; nothing else is defined.
    const expect = fieldValues(head.fields, "expect").map((v) => v.toLowerCase());
    if (expect.length > 0 && (expect.length > 1 || expect[0] !== "100-continue")) throw new HttpParseError(417, "only Expect: 100-continue is understood");
    if (expect.length === 1 && head.minor === 1 && framing.kind !== "none" && this.reader.buffered === 0) {
      await this.stream.write(responseHead(100, "Continue", []));
    }
    this.phase = "body";
    this.timer.start(limits.bodyTimeoutMs);
    const body = await this.readBody(framing.kind === "length" ? framing.length : -1, framing.kind !== "none");
    this.timer.stop();
    let request: Request;
    try {
      request = requestWithBody(url, head.method, headersFromWire(head.fields), body);
    } catch (e) {
      // What the Fetch Standard refuses in a Request (credentials in an absolute-form target, ...).
      throw new HttpParseError(400, e instanceof Error ? e.message : String(e));
    }
    this.phase = "handler";
    const response = await this.host.handle(request);
    const keepAlive = head.minor === 1 && !connectionOptions(head.fields).includes("close") && !this.host.closing;
    this.phase = "write";
    return await this.respond(response, head, keepAlive);
  }

  private async readHead(): Promise<RequestHead | null> {
    this.phase = "idle";
    if (this.reader.buffered > 0) {
      this.phase = "head";
      this.timer.start(this.host.limits.headerTimeoutMs);
    } else this.timer.start(this.host.limits.idleTimeoutMs);
    for (;;) {
      const head = this.reader.readRequestHead();
      if (head !== null) {
        this.timer.stop();
        return head;
      }
      if (this.reader.ended) return null;
      const data = await this.stream.read();
      if (data === null) {
        this.reader.finish();
        continue;
      }
      if (this.phase === "idle") {
        this.phase = "head";
        this.timer.start(this.host.limits.headerTimeoutMs);
      }
      this.reader.push(data);
    }
  }

  /** The whole body (null for none); `known` is its Content-Length, or -1 for chunked. */
  private async readBody(known: number, present: boolean): Promise<Uint8Array | null> {
    this.reader.beginBody(known >= 0 ? { kind: "length", length: known } : present ? { kind: "chunked" } : { kind: "none" });
    const max = this.host.limits.maxBodyBytes;
    let out = new Uint8Array(known >= 0 ? known : 0);
    let size = 0;
    for (;;) {
      const piece = this.reader.readBody();
      if (piece === null) {
        const data = await this.stream.read();
        if (data === null) this.reader.finish();
        else this.reader.push(data);
        continue;
      }
      if (piece.kind === "end") break;
      if (size + piece.bytes.length > out.length) {
        if (size + piece.bytes.length > max) throw new HttpParseError(413, `chunked request body exceeds ${max} bytes`);
        const grown = new Uint8Array(Math.min(max, Math.max(out.length * 2, size + piece.bytes.length, 1024)));
        grown.set(out.subarray(0, size));
        out = grown;
      }
      out.set(piece.bytes, size);
      size += piece.bytes.length;
    }
    if (!present) return null;
    return size === out.length ? out : out.slice(0, size);
  }

  /** Sends the response; true if the connection stays open. */
  private async respond(response: Response, head: RequestHead, keepAliveAsked: boolean): Promise<boolean> {
    const fields: WireField[] = [];
    for (const f of fieldsWithout(headerList(response.headers), ["content-length", "transfer-encoding", "connection", "keep-alive", "date"])) fields.push(f);
    let keepAlive = keepAliveAsked && !connectionOptions(headerList(response.headers)).includes("close");
    const date = this.host.date();
    if (date !== null) fields.unshift(["date", date]);
    const source = response.peekSource();
    const noBody = isNullBodyStatus(response.status);
    const sendBody = !noBody && head.method !== "HEAD";
    let bytes: Uint8Array | null = null;
    let chunked = false;
    if (!noBody && source !== null && source.kind === "bytes") {
      bytes = source.bytes;
      fields.push(["content-length", String(bytes.length)]);
    } else if (!noBody && source === null) {
      fields.push(["content-length", "0"]);
    } else if (!noBody && source !== null && source.kind === "stream") {
      // Length unknown: chunked for HTTP/1.1 (RFC 9112 7.1); HTTP/1.0 has no chunks, so the close delimits it.
      if (head.minor === 1) {
        chunked = true;
        fields.push(["transfer-encoding", "chunked"]);
      } else keepAlive = false;
    }
    if (!keepAlive) fields.push(["connection", "close"]);
    const headBytes = responseHead(response.status, response.statusText || reasonPhrase(response.status), fields);
    if (!sendBody || (bytes === null && !chunked && source === null)) {
      await this.write(headBytes);
      return keepAlive;
    }
    if (bytes !== null) {
      if (bytes.length <= COALESCE_BYTES) await this.write(concat(headBytes, bytes));
      else {
        await this.write(headBytes);
        await this.write(bytes);
      }
      return keepAlive;
    }
    await this.write(headBytes);
    try {
      for await (const c of response.takeChunks()) {
        if (c.length === 0) continue;
        await this.write(chunked ? chunk(c) : c);
      }
    } catch (e) {
      if (e instanceof ConnectionClosedError || e instanceof HttpTimeoutError) throw e;
      // The head is gone: the only way to tell the client the body is broken is to cut it off.
      this.host.report(e);
      this.stream.abort();
      throw new ConnectionClosedError("response body stream failed");
    }
    if (chunked) await this.write(LAST_CHUNK);
    return keepAlive;
  }

  /** A write that must make progress within writeTimeoutMs. */
  private async write(data: Uint8Array): Promise<void> {
    this.timer.start(this.host.limits.writeTimeoutMs);
    await this.stream.write(data);
    this.timer.stop();
  }

  /** An error answer (4xx/5xx) and the end of the connection. */
  private async sendError(status: number, message: string): Promise<void> {
    if (this.stream.closed) return;
    const body = new TextEncoder().encode(`${status} ${reasonPhrase(status)}: ${message}\n`);
    const head = responseHead(status, reasonPhrase(status), [
      ["content-type", "text/plain;charset=UTF-8"],
      ["content-length", String(body.length)],
      ["connection", "close"],
    ]);
    this.phase = "write";
    await this.write(concat(head, body));
  }

  private timedOut(): void {
    const phase = this.phase;
    if (phase === "head" || phase === "body") {
      // RFC 9110 15.5.9: 408 tells the client the server closes rather than keep waiting.
      const body = new TextEncoder().encode(`408 Request Timeout: the request's ${phase === "head" ? "header section" : "body"} did not arrive in time\n`);
      const head = responseHead(408, "Request Timeout", [
        ["content-length", String(body.length)],
        ["connection", "close"],
      ]);
      try {
        this.conn.write(concat(head, body));
      } catch {
        // Not writable any more: nothing to tell.
      }
    }
    if (phase === "write") this.stream.abort();
    this.stream.fail(new HttpTimeoutError(`${phase} timeout`));
  }

  /**
   * Closes our side and discards what still arrives for lingerMs (RFC 9112 9.6), then aborts if
   * the peer holds on. Resolves when the connection is over (CLOSED or TIME_WAIT).
   */
  private finish(): Promise<void> {
    const conn = this.conn;
    conn.close();
    if (conn.state === "CLOSED" || conn.state === "TIME_WAIT") return Promise.resolve();
    conn.events.onReadable = () => void conn.read();
    conn.read();
    return new Promise<void>((resolve) => {
      const linger = new Timer(this.host.timers, () => {
        if (conn.state !== "CLOSED" && conn.state !== "TIME_WAIT") conn.abort();
        resolve();
      });
      linger.start(this.host.limits.lingerMs);
      const onClose = conn.events.onClose;
      conn.events.onClose = (reason) => {
        linger.stop();
        onClose?.(reason);
        resolve();
      };
    });
  }
}
