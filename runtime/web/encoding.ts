/**
 * TextEncoder and TextDecoder (WHATWG Encoding Standard, UTF-8 only), the image unit "encoding":
 * engine/src/web-globals.c defines the globals from this module's exports the first time one
 * is looked up, so a firmware that uses neither pays nothing at boot.
 */
import { encodeScalar, scalarValueAt, utf16Length, encodeUtf8 } from "../utf8.ts";
import { Utf8Decoder } from "./utf8-decoder.ts";

/** The labels of UTF-8 (Encoding Standard § 4.2, "Names and labels"). */
const UTF8_LABELS = ["unicode-1-1-utf-8", "unicode11utf8", "unicode20utf8", "utf-8", "utf8", "x-unicode20utf8"];

/** Encoding Standard § 4.2 "get an encoding": the label without leading and trailing ASCII whitespace, lower-cased. */
function checkLabel(label: unknown): void {
  const l = String(label).replace(/^[\t\n\f\r ]+|[\t\n\f\r ]+$/g, "").toLowerCase();
  if (!UTF8_LABELS.includes(l)) {
    throw new RangeError(`The "${String(label)}" encoding is not supported: TextDecoder decodes only UTF-8 on this target`);
  }
}

/** The bytes of a BufferSource (an ArrayBuffer or a view on one). */
function bytesOf(input: unknown, what: string): Uint8Array {
  if (input instanceof ArrayBuffer) return new Uint8Array(input);
  if (ArrayBuffer.isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  throw new TypeError(`${what}: the input must be an ArrayBuffer or an ArrayBufferView`);
}

export class TextEncoder {
  get encoding(): "utf-8" {
    return "utf-8";
  }

  /** UTF-8 of `input` (lone surrogates become U+FFFD, as for any USVString). */
  encode(input: string = ""): Uint8Array {
    return encodeUtf8(String(input));
  }

  /** Encodes as much of `source` as fits in `destination`, whole characters only. */
  encodeInto(source: string, destination: Uint8Array): { read: number; written: number } {
    if (!(destination instanceof Uint8Array)) throw new TypeError("TextEncoder.encodeInto: the destination must be a Uint8Array");
    const s = String(source);
    const room = destination.length;
    let read = 0;
    let written = 0;
    while (read < s.length) {
      const cp = scalarValueAt(s, read);
      const size = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
      if (written + size > room) break;
      written += encodeScalar(cp, destination, written);
      read += utf16Length(cp);
    }
    return { read, written };
  }

  get [Symbol.toStringTag](): string {
    return "TextEncoder";
  }
}

export interface TextDecoderOptions {
  fatal?: boolean;
  ignoreBOM?: boolean;
}

export interface TextDecodeOptions {
  stream?: boolean;
}

export class TextDecoder {
  // TypeScript-private, not #private: esbuild would lower those to WeakMaps for ES2020.
  private readonly _fatal: boolean;
  private readonly _ignoreBOM: boolean;
  private readonly decoder: Utf8Decoder;
  /** Encoding Standard § 7.1: "do not flush" (the last decode() streamed) and "BOM seen". */
  private doNotFlush = false;
  private bomSeen = false;

  constructor(label: string = "utf-8", options: TextDecoderOptions = {}) {
    checkLabel(label);
    if (options !== null && typeof options !== "object" && typeof options !== "function") {
      throw new TypeError("TextDecoder: the options must be an object");
    }
    this._fatal = Boolean(options?.fatal);
    this._ignoreBOM = Boolean(options?.ignoreBOM);
    this.decoder = new Utf8Decoder(this._fatal);
  }

  get encoding(): "utf-8" {
    return "utf-8";
  }

  get fatal(): boolean {
    return this._fatal;
  }

  get ignoreBOM(): boolean {
    return this._ignoreBOM;
  }

  decode(input?: ArrayBuffer | ArrayBufferView, options: TextDecodeOptions = {}): string {
    if (!this.doNotFlush) {
      this.decoder.reset();
      this.bomSeen = false;
    }
    this.doNotFlush = Boolean(options?.stream);
    const bytes = input === undefined ? new Uint8Array(0) : bytesOf(input, "TextDecoder.decode");
    let text = this.decoder.decode(bytes, !this.doNotFlush);
    // § 7.1 "serialize I/O queue": a leading U+FEFF of the stream is dropped unless ignoreBOM.
    if (!this._ignoreBOM && !this.bomSeen && text.length > 0) {
      this.bomSeen = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    return text;
  }

  get [Symbol.toStringTag](): string {
    return "TextDecoder";
  }
}

