/**
 * The client side of one HTTP/1.1 connection: a request written (Content-Length for known bodies,
 * chunked for streams: RFC 9112 6.1, 7.1), the response read back (interim 1xx skipped, RFC 9110
 * 15.2; framed as RFC 9112 6.3 says: length, chunked or until close). Sequential requests on one
 * connection (keep-alive) work when the previous body was read to its end and `reusable` holds;
 * `answered` tells a request that failed before any byte of its response came back (which
 * fetch's pool may retry on a new connection, RFC 9112 9.3.1) from one that failed later.
 */
import type { BodySource } from "./body.ts";
import { HttpParseError } from "./errors.ts";
import { connectionOptions } from "./fields.ts";
import { responseFraming } from "./framing.ts";
import { MessageReader, type ResponseHead } from "./parser.ts";
import { chunk, concat, LAST_CHUNK, requestHead, type WireField } from "./serialize.ts";
import type { TcpStream } from "./tcp-stream.ts";

export interface ClientRequest {
  readonly method: string;
  /** The request-target in origin form ("/path?query"). */
  readonly target: string;
  /** Host and the rest; Content-Length or Transfer-Encoding are added here. */
  readonly fields: readonly WireField[];
  readonly body: BodySource | null;
}

export interface ClientResponse {
  readonly head: ResponseHead;
  /** The body's chunks (each a copy), or null when the response has none. Ends at the body's end. */
  readonly body: AsyncIterable<Uint8Array> | null;
}

/** Limits on what a server may send us. */
export const CLIENT_HEAD_LIMITS = { maxHeadBytes: 64 * 1024, maxFields: 256 };

const COALESCE_BYTES = 4096;

export class ClientConnection {
  private readonly reader = new MessageReader(CLIENT_HEAD_LIMITS);
  private keepAlive = true;
  private busy = false;
  private responseBytes = 0;

  constructor(readonly stream: TcpStream) {}

  /**
   * Whether another request may follow on this connection: the last response allowed it and was
   * read to its end, the server has not closed its side, and it sent nothing since (bytes nobody
   * asked for would be taken for the next response).
   */
  get reusable(): boolean {
    return this.keepAlive && !this.busy && !this.stream.ended && this.reader.buffered === 0 && this.stream.conn.readable === 0;
  }

  /** Whether any byte of the current (or last) request's response has come in. */
  get answered(): boolean {
    return this.responseBytes > 0;
  }

  async request(req: ClientRequest): Promise<ClientResponse> {
    if (!this.reusable) throw new Error("this HTTP connection cannot take another request");
    this.busy = true;
    this.responseBytes = 0;
    await this.send(req);
    const head = await this.readHead();
    const { framing, mustClose } = responseFraming(head.fields, head.status, req.method);
    // RFC 9112 9.3: Connection: close from either side ends it; an HTTP/1.0 response persists only with keep-alive.
    const options = connectionOptions(head.fields);
    if (mustClose || (head.minor === 0 && !options.includes("keep-alive")) || options.includes("close") || connectionOptions(req.fields).includes("close")) this.keepAlive = false;
    if (framing.kind === "none") {
      this.reader.beginBody(framing);
      this.reader.readBody();
      this.busy = false;
      return { head, body: null };
    }
    this.reader.beginBody(framing);
    return { head, body: this.bodyChunks() };
  }

  private async send(req: ClientRequest): Promise<void> {
    const fields = [...req.fields];
    const body = req.body;
    if (body === null) {
      // Fetch 4.5 (HTTP-network-or-cache fetch): a POST or PUT without a body says Content-Length: 0.
      if (req.method === "POST" || req.method === "PUT") fields.push(["content-length", "0"]);
    } else if (body.kind === "bytes") fields.push(["content-length", String(body.bytes.length)]);
    else fields.push(["transfer-encoding", "chunked"]);
    const head = requestHead(req.method, req.target, fields);
    if (body === null) return this.stream.write(head);
    if (body.kind === "bytes") {
      if (body.bytes.length <= COALESCE_BYTES) return this.stream.write(concat(head, body.bytes));
      await this.stream.write(head);
      return this.stream.write(body.bytes);
    }
    await this.stream.write(head);
    for await (const c of body.chunks) if (c.length > 0) await this.stream.write(chunk(c));
    await this.stream.write(LAST_CHUNK);
  }

  private async readHead(): Promise<ResponseHead> {
    for (;;) {
      const head = this.reader.readResponseHead();
      if (head !== null) {
        // RFC 9110 15.2: interim responses are skipped (101 would switch protocols: not asked for).
        if (head.status >= 100 && head.status < 200) {
          if (head.status === 101) throw new HttpParseError(502, "unexpected 101 Switching Protocols");
          continue;
        }
        return head;
      }
      if (this.reader.ended) throw new HttpParseError(502, "the server closed the connection without a response");
      await this.fill();
    }
  }

  private async fill(): Promise<void> {
    const data = await this.stream.read();
    if (data === null) this.reader.finish();
    else {
      this.responseBytes += data.length;
      this.reader.push(data);
    }
  }

  private async *bodyChunks(): AsyncGenerator<Uint8Array> {
    for (;;) {
      const piece = this.reader.readBody();
      if (piece === null) {
        await this.fill();
        continue;
      }
      if (piece.kind === "end") break;
      yield piece.bytes.slice();
    }
    this.busy = false;
  }
}
