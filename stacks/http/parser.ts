/**
 * The incremental HTTP/1.1 message reader (RFC 9112): bytes go in as they arrive, heads and body
 * pieces come out. One reader serves a whole connection, so pipelined messages (RFC 9112 9.3.2)
 * wait in its buffer for their turn. Bounded: a head larger than `maxHeadBytes` or with more
 * than `maxFields` fields is a 431, a chunk-size line over 1 KiB a 400; the buffer holds at most
 * one head's worth beyond what the caller has taken.
 */
import { HttpParseError } from "./errors.ts";
import { parseFieldLine, type Field } from "./fields.ts";
import { latin1 } from "./syntax.ts";

export interface HeadLimits {
  /** Bytes of the start line and header section together (and of a trailer section). */
  readonly maxHeadBytes: number;
  /** Header fields (and trailer fields). */
  readonly maxFields: number;
}

export interface RequestHead {
  readonly method: string;
  readonly target: string;
  /** 0 for HTTP/1.0, 1 for HTTP/1.1 (and any later 1.x, RFC 9110 2.5). */
  readonly minor: number;
  readonly fields: Field[];
}

export interface ResponseHead {
  readonly minor: number;
  readonly status: number;
  readonly reason: string;
  readonly fields: Field[];
}

/** How the body after a head is delimited (RFC 9112 section 6.3). */
export type Framing = { readonly kind: "none" } | { readonly kind: "length"; readonly length: number } | { readonly kind: "chunked" } | { readonly kind: "close" };

/** A body piece: bytes (a view valid until the next push()), or the end with any trailer fields. */
export type BodyPiece = { readonly kind: "data"; readonly bytes: Uint8Array } | { readonly kind: "end"; readonly trailers: Field[] };

/** RFC 9112 2.2: a server SHOULD ignore at least one empty line before a request line; we take a few. */
const MAX_LEADING_EMPTY_LINES = 4;
const MAX_CHUNK_LINE = 1024;
const CHUNK_EXT = /^(?:[\t ]*;[\t ]*[!#$%&'*+\-.^_`|~0-9A-Za-z]+(?:[\t ]*=[\t ]*(?:[!#$%&'*+\-.^_`|~0-9A-Za-z]+|"(?:[\t\x20\x21\x23-\x5b\x5d-\x7e\x80-\xff]|\\[\t\x20-\x7e\x80-\xff])*"))?)*[\t ]*$/;
const REQUEST_LINE = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+) ([\x21-\x7e\x80-\xff]+) HTTP\/([0-9])\.([0-9])$/;
const STATUS_LINE = /^HTTP\/([0-9])\.([0-9]) ([0-9]{3})(?: ([\t\x20-\x7e\x80-\xff]*))?$/;

type BodyState =
  | { kind: "idle" }
  | { kind: "length"; left: number }
  | { kind: "close" }
  | { kind: "chunk-size" }
  | { kind: "chunk-data"; left: number }
  | { kind: "chunk-crlf" }
  | { kind: "trailers" }
  | { kind: "done" };

export class MessageReader {
  private buf = new Uint8Array(1024);
  private start = 0;
  private end = 0;
  private body: BodyState = { kind: "idle" };
  private eof = false;

  constructor(private readonly limits: HeadLimits) {}

  /** Bytes waiting in the buffer (pipelined requests, or body not yet taken). */
  get buffered(): number {
    return this.end - this.start;
  }

  push(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    if (this.start === this.end) {
      // All taken: start over at the front, and give back a buffer a large head or chunk grew.
      this.start = this.end = 0;
      if (this.buf.length > 16384 && bytes.length <= 1024) this.buf = new Uint8Array(1024);
    }
    if (this.end + bytes.length > this.buf.length) {
      const live = this.end - this.start;
      if (live + bytes.length <= this.buf.length && this.start > 0) this.buf.copyWithin(0, this.start, this.end);
      else {
        const grown = new Uint8Array(Math.max(this.buf.length * 2, live + bytes.length));
        grown.set(this.buf.subarray(this.start, this.end));
        this.buf = grown;
      }
      this.start = 0;
      this.end = live;
    }
    this.buf.set(bytes, this.end);
    this.end += bytes.length;
  }

  /** The peer closed its direction. */
  finish(): void {
    this.eof = true;
  }

  get ended(): boolean {
    return this.eof;
  }

  /** A request head, or null until one is complete. Throws HttpParseError (with its status). */
  readRequestHead(): RequestHead | null {
    const lines = this.readHeadLines(true);
    if (!lines) return null;
    const m = REQUEST_LINE.exec(lines[0]);
    if (!m) {
      // RFC 9112 3: a request line that is not method SP target SP version.
      if (/^[^ ]+ [^ ]+ HTTP\/[0-9]+\.[0-9]+$/.test(lines[0]) && /HTTP\/[0-9]{2,}/.test(lines[0])) throw new HttpParseError(505, "unsupported HTTP version");
      throw new HttpParseError(400, `malformed request line ${JSON.stringify(lines[0].slice(0, 60))}`);
    }
    const major = Number(m[3]);
    if (major !== 1) throw new HttpParseError(major === 0 ? 400 : 505, `HTTP/${m[3]}.${m[4]} is not supported (HTTP/1.0 and 1.1 are)`);
    return { method: m[1], target: m[2], minor: Number(m[4]) === 0 ? 0 : 1, fields: this.fields(lines) };
  }

  /** A response head (interim 1xx ones included: the caller skips them), or null until complete. */
  readResponseHead(): ResponseHead | null {
    const lines = this.readHeadLines(false);
    if (!lines) return null;
    const m = STATUS_LINE.exec(lines[0]);
    if (!m) throw new HttpParseError(400, `malformed status line ${JSON.stringify(lines[0].slice(0, 60))}`);
    if (Number(m[1]) !== 1) throw new HttpParseError(505, `HTTP/${m[1]}.${m[2]} is not supported`);
    const status = Number(m[3]);
    if (status < 100) throw new HttpParseError(400, `status code ${m[3]} out of range`);
    return { minor: Number(m[2]) === 0 ? 0 : 1, status, reason: m[4] ?? "", fields: this.fields(lines) };
  }

  /** Starts reading a body framed as given (after a head). */
  beginBody(framing: Framing): void {
    switch (framing.kind) {
      case "none":
        this.body = { kind: "done" };
        break;
      case "length":
        this.body = framing.length === 0 ? { kind: "done" } : { kind: "length", left: framing.length };
        break;
      case "chunked":
        this.body = { kind: "chunk-size" };
        break;
      case "close":
        this.body = { kind: "close" };
        break;
    }
  }

  /**
   * The next piece of the body: data, the end (once; the reader is then ready for the next
   * head), or null when more bytes are needed. Throws HttpParseError for a broken chunked body,
   * and when the peer closed before the body's end.
   */
  readBody(): BodyPiece | null {
    for (;;) {
      const b = this.body;
      switch (b.kind) {
        case "idle":
          throw new Error("readBody() without beginBody()");
        case "done":
          this.body = { kind: "idle" };
          return { kind: "end", trailers: [] };
        case "length":
          return this.takeCounted(b, "the body ended before its Content-Length", { kind: "done" });
        case "close": {
          const n = this.end - this.start;
          if (n === 0) {
            if (!this.eof) return null;
            this.body = { kind: "idle" };
            return { kind: "end", trailers: [] };
          }
          const bytes = this.buf.subarray(this.start, this.end);
          this.start = this.end;
          return { kind: "data", bytes };
        }
        case "chunk-size": {
          // RFC 9112 7.1: chunk-size [ chunk-ext ] CRLF; extensions are checked and ignored.
          const line = this.readLine(MAX_CHUNK_LINE, 400, "chunk-size line");
          if (line === null) return this.needMore("the chunked body ended early");
          const m = /^([0-9A-Fa-f]+)(.*)$/.exec(line);
          if (!m || !CHUNK_EXT.test(m[2])) throw new HttpParseError(400, `malformed chunk-size line ${JSON.stringify(line.slice(0, 40))}`);
          if (m[1].replace(/^0+/, "").length > 12) throw new HttpParseError(413, "chunk size too large");
          const size = parseInt(m[1], 16);
          this.body = size === 0 ? { kind: "trailers" } : { kind: "chunk-data", left: size };
          this.trailerFields = [];
          this.trailerBytes = 0;
          continue;
        }
        case "chunk-data":
          return this.takeCounted(b, "the chunked body ended early", { kind: "chunk-crlf" });
        case "chunk-crlf": {
          const line = this.readLine(2, 400, "chunk end");
          if (line === null) return this.needMore("the chunked body ended early");
          if (line !== "") throw new HttpParseError(400, "chunk data longer than its chunk-size");
          this.body = { kind: "chunk-size" };
          continue;
        }
        case "trailers": {
          // RFC 9112 7.1.2: trailer fields, then the empty line; bounded like a head.
          const line = this.readLine(this.limits.maxHeadBytes, 431, "trailer section");
          if (line === null) return this.needMore("the chunked body ended in its trailer section");
          if (line === "") {
            this.body = { kind: "idle" };
            return { kind: "end", trailers: this.trailerFields };
          }
          this.trailerBytes += line.length + 2;
          if (this.trailerBytes > this.limits.maxHeadBytes || this.trailerFields.length >= this.limits.maxFields) throw new HttpParseError(431, "trailer section too large");
          this.trailerFields.push(parseFieldLine(line));
          continue;
        }
      }
    }
  }

  private trailerFields: Field[] = [];
  private trailerBytes = 0;

  /**
   * Up to `counted.left` buffered bytes of a Content-Length body or of one chunk's data; once
   * all are taken the reader moves on to `after`.
   */
  private takeCounted(counted: { left: number }, early: string, after: BodyState): BodyPiece | null {
    const n = Math.min(counted.left, this.end - this.start);
    if (n === 0) return this.needMore(early);
    const bytes = this.buf.subarray(this.start, this.start + n);
    this.start += n;
    counted.left -= n;
    if (counted.left === 0) this.body = after;
    return { kind: "data", bytes };
  }

  private needMore(what: string): null {
    if (this.eof) throw new HttpParseError(400, `${what} (connection closed)`);
    return null;
  }

  /** One line (CRLF or, RFC 9112 2.2, a bare LF) without its terminator; null if incomplete. A bare CR is an error. */
  private readLine(max: number, status: number, what: string): string | null {
    const lf = this.buf.subarray(this.start, this.end).indexOf(0x0a);
    if (lf < 0) {
      if (this.end - this.start > max) throw new HttpParseError(status, `${what} too long`);
      return null;
    }
    if (lf > max) throw new HttpParseError(status, `${what} too long`);
    let stop = this.start + lf;
    if (stop > this.start && this.buf[stop - 1] === 0x0d) stop--;
    const line = latin1(this.buf.subarray(this.start, stop));
    if (line.indexOf("\r") >= 0) throw new HttpParseError(400, `bare CR in ${what}`);
    this.start += lf + 1;
    return line;
  }

  /** The lines of a complete head (start line first), or null; consumes them. */
  private readHeadLines(request: boolean): string[] | null {
    const view = this.buf.subarray(this.start, this.end);
    let skip = 0;
    let leading = 0;
    // RFC 9112 2.2: empty lines before a request line are ignored.
    while (request && skip < view.length && (view[skip] === 0x0a || (view[skip] === 0x0d && view[skip + 1] === 0x0a))) {
      skip += view[skip] === 0x0d ? 2 : 1;
      if (++leading > MAX_LEADING_EMPTY_LINES) throw new HttpParseError(400, "too many empty lines before the request line");
    }
    // The head ends at an empty line: LF (CR) LF.
    let endAt = -1;
    for (let i = view.indexOf(0x0a, skip); i >= 0; i = view.indexOf(0x0a, i + 1)) {
      if (view[i + 1] === 0x0a) {
        endAt = i + 2;
        break;
      }
      if (view[i + 1] === 0x0d && view[i + 2] === 0x0a) {
        endAt = i + 3;
        break;
      }
      if (i + 1 >= view.length) break;
    }
    if (endAt < 0) {
      if (view.length - skip > this.limits.maxHeadBytes) throw new HttpParseError(431, `header section larger than ${this.limits.maxHeadBytes} bytes`);
      if (this.eof && view.length > skip) throw new HttpParseError(400, "the connection closed inside a message head");
      return null;
    }
    if (endAt - skip > this.limits.maxHeadBytes) throw new HttpParseError(431, `header section larger than ${this.limits.maxHeadBytes} bytes`);
    const text = latin1(view.subarray(skip, endAt));
    this.start += endAt;
    const lines = text.split("\n");
    lines.length -= 2; // the empty line and what follows its LF
    const out: string[] = [];
    for (const raw of lines) {
      const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
      // RFC 9112 2.2: a bare CR is invalid.
      if (line.indexOf("\r") >= 0) throw new HttpParseError(400, "bare CR in the message head");
      out.push(line);
    }
    if (out.length - 1 > this.limits.maxFields) throw new HttpParseError(431, `more than ${this.limits.maxFields} header fields`);
    return out;
  }

  private fields(lines: string[]): Field[] {
    const out: Field[] = [];
    for (let i = 1; i < lines.length; i++) out.push(parseFieldLine(lines[i]));
    return out;
  }
}
