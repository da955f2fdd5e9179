/**
 * Fetch Standard section 5 "Body mixin", without ReadableStream: a body is bytes of known length,
 * or an async iterable of byte chunks (length unknown: sent chunked). `body` is that async iterable
 * (a ReadableStream is one too, so `for await (const chunk of res.body)` works the same), with no
 * getReader(). Reading a body a second time is a TypeError, as the standard says.
 */

/** What a Request or Response body may be made from. */
export type BodyInit = string | ArrayBuffer | ArrayBufferView | URLSearchParams | AsyncIterable<Uint8Array | string>;

/** A body's bytes: all at hand, or a source of chunks read once. */
export type BodySource = { readonly kind: "bytes"; readonly bytes: Uint8Array } | { readonly kind: "stream"; readonly chunks: AsyncIterable<Uint8Array> };

export interface Extracted {
  readonly source: BodySource;
  /** Fetch 5 "extract a body": the Content-Type it implies, or null. */
  readonly type: string | null;
}

function isAsyncIterable(x: unknown): x is AsyncIterable<Uint8Array | string> {
  return typeof x === "object" && x !== null && typeof (x as AsyncIterable<unknown>)[Symbol.asyncIterator] === "function";
}

async function* asBytes(chunks: AsyncIterable<Uint8Array | string>): AsyncGenerator<Uint8Array> {
  for await (const c of chunks) {
    if (typeof c === "string") yield new TextEncoder().encode(c);
    else if (c instanceof Uint8Array) yield c;
    else throw new TypeError("a body stream must yield Uint8Array or string chunks");
  }
}

/** Fetch 5 "extract a body": bytes are copied (the caller may change its buffer afterwards). */
export function extractBody(init: BodyInit): Extracted {
  if (typeof init === "string") return { source: { kind: "bytes", bytes: new TextEncoder().encode(init) }, type: "text/plain;charset=UTF-8" };
  if (init instanceof ArrayBuffer) return { source: { kind: "bytes", bytes: new Uint8Array(init.slice(0)) }, type: null };
  if (ArrayBuffer.isView(init)) {
    const view = new Uint8Array(init.buffer, init.byteOffset, init.byteLength);
    return { source: { kind: "bytes", bytes: view.slice() }, type: null };
  }
  if (typeof URLSearchParams === "function" && init instanceof URLSearchParams) {
    return { source: { kind: "bytes", bytes: new TextEncoder().encode(init.toString()) }, type: "application/x-www-form-urlencoded;charset=UTF-8" };
  }
  if (isAsyncIterable(init)) return { source: { kind: "stream", chunks: asBytes(init) }, type: null };
  // Anything else becomes its string, as Web IDL's USVString conversion would make it.
  return extractBody(String(init));
}

/** The body as the standard's `body` attribute gives it: an async iterable of chunks, read once. */
export class BodyStream implements AsyncIterable<Uint8Array> {
  constructor(private readonly owner: Body) {}

  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    return this.owner.takeChunks()[Symbol.asyncIterator]();
  }
}

async function* once(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  if (bytes.length > 0) yield bytes;
}

export abstract class Body {
  private source: BodySource | null;
  private used = false;
  private stream: BodyStream | null = null;

  protected constructor(source: BodySource | null) {
    this.source = source;
  }

  get bodyUsed(): boolean {
    return this.used;
  }

  get body(): BodyStream | null {
    if (this.source === null) return null;
    if (!this.stream) this.stream = new BodyStream(this);
    return this.stream;
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = await this.consume();
    // The bytes are ours and nobody else will see them again: their buffer when it is exactly
    // theirs, a copy otherwise.
    if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength) return bytes.buffer as ArrayBuffer;
    return bytes.slice().buffer as ArrayBuffer;
  }

  bytes(): Promise<Uint8Array> {
    return this.consume();
  }

  async text(): Promise<string> {
    return new TextDecoder().decode(await this.consume());
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }

  /** @internal The chunks, once; the body is used from then on. */
  takeChunks(): AsyncIterable<Uint8Array> {
    const s = this.take();
    if (s === null) return once(new Uint8Array(0));
    return s.kind === "bytes" ? once(s.bytes) : s.chunks;
  }

  /** @internal The source as it is, without using the body (a server or client sending it). */
  peekSource(): BodySource | null {
    return this.source;
  }

  /** @internal For clone(): a copy of the source; a stream cannot be teed here (no ReadableStream). */
  protected cloneSource(): BodySource | null {
    if (this.used) throw new TypeError("cannot clone: the body has already been read");
    const s = this.source;
    if (s === null) return null;
    if (s.kind === "stream") throw new TypeError("cannot clone a body that is a stream (streams are not teed here)");
    return { kind: "bytes", bytes: s.bytes.slice() };
  }

  /** Fetch 5 "consume body": a null body is never used (bodyUsed stays false, it reads as empty every time). */
  private take(): BodySource | null {
    if (this.used) throw new TypeError("Body is unusable: the body has already been read");
    this.used = this.source !== null;
    return this.source;
  }

  private async consume(): Promise<Uint8Array> {
    const s = this.take();
    if (s === null) return new Uint8Array(0);
    if (s.kind === "bytes") return s.bytes;
    const parts: Uint8Array[] = [];
    let total = 0;
    for await (const c of s.chunks) {
      parts.push(c);
      total += c.length;
    }
    if (parts.length === 1) return parts[0];
    const out = new Uint8Array(total);
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }
}
