/**
 * Lines of text from a Serial: UTF-8 decoded (the WHATWG Encoding Standard's decoder, so a broken
 * sequence becomes U+FFFD and a sequence split across reads is joined), with CR, LF and CRLF each
 * ending one line, as terminals send Enter as CR and files end lines with LF or CRLF.
 *
 * With `echo` (the default, for a person at a terminal) typed characters are echoed and edited:
 * backspace (BS, as well as DEL, which most terminals send for it) erases the last character, other
 * control characters and escape sequences (arrow keys) are ignored, and a prompt is printed.
 * Without it, lines are passed on as received, control characters included.
 */
import type { Serial } from "./serial.ts";
import { encodeScalar, encodeUtf8 } from "../runtime/utf8.ts";
import { REPLACEMENT, UTF8_BROKEN, UTF8_MORE, Utf8Decoder } from "../runtime/web/utf8-decoder.ts";

/** What a LineReader reads from, what it calls with each line, and how it edits. */
export interface LineReaderOptions {
  readonly serial: Serial;
  /** Called with each line, without its line end. */
  readonly onLine: (line: string) => void;
  /** Echo and edit for an interactive terminal (default true). */
  readonly echo?: boolean;
  /** Written after construction and after each onLine returns. */
  readonly prompt?: string;
  /** Characters (code points) kept per line (default 256); the rest of a longer line is dropped. */
  readonly maxLength?: number;
}

const CR = 0x0d, LF = 0x0a, BS = 0x08, DEL = 0x7f, ESC = 0x1b, BEL = 0x07;
const NEWLINE = /* @__PURE__ */ new Uint8Array([CR, LF]);
/** Back one column, overwrite with a space, back again. */
const ERASE = /* @__PURE__ */ new Uint8Array([BS, 0x20, BS]);

// Escape sequence states (ECMA-48 5.3-5.4): after ESC; in a CSI (ESC [) until its final byte; after
// SS3 (ESC O, arrow keys in a terminal's application mode) until the next character.
const ESC_NONE = 0, ESC_START = 1, ESC_CSI = 2, ESC_SS3 = 3;

/** Lines of text from a Serial (UTF-8, CR, LF or CRLF ending a line), echoed and edited for a terminal unless `echo` is false. */
export class LineReader {
  private readonly serial: Serial;
  private readonly onLine: (line: string) => void;
  private readonly echo: boolean;
  private readonly prompt?: Uint8Array;
  private readonly maxLength: number;
  private readonly chars: number[] = [];
  private readonly scratch = new Uint8Array(4);
  private readonly listener: (count: number) => void;
  private cut = false;
  private cutLines = 0;
  private afterCr = false;
  private esc = ESC_NONE;
  private readonly utf8 = new Utf8Decoder(false);
  private open = true;

  constructor(options: LineReaderOptions) {
    const maxLength = options.maxLength ?? 256;
    if (!(maxLength >= 1) || maxLength % 1 !== 0) throw new RangeError(`LineReader: maxLength ${maxLength} must be a positive integer`);
    this.serial = options.serial;
    this.onLine = options.onLine;
    this.echo = options.echo ?? true;
    this.maxLength = maxLength;
    if (options.prompt) this.prompt = encodeUtf8(options.prompt);
    this.listener = () => this.drain();
    this.serial.onReadable = this.listener;
    this.writePrompt();
  }

  /** Lines that were longer than maxLength and were cut. */
  get truncated(): number {
    return this.cutLines;
  }

  /** Stops reading (the serial stays open). */
  close(): void {
    if (!this.open) return;
    this.open = false;
    if (this.serial.onReadable === this.listener) this.serial.onReadable = undefined;
  }

  /** Neither this reader nor its serial has been closed (onLine may close either). */
  private get live(): boolean {
    return this.open && !this.serial.closed;
  }

  private drain(): void {
    const serial = this.serial;
    while (this.live) {
      const data = serial.read();
      if (data === undefined) return;
      if (typeof data === "number") {
        this.decode(data);
        continue;
      }
      const bytes = new Uint8Array(data);
      for (let i = 0; i < bytes.length && this.live; i++) this.decode(bytes[i]);
    }
  }

  private decode(b: number): void {
    const cp = this.utf8.step(b);
    if (cp >= 0) return this.char(cp);
    if (cp === UTF8_MORE) return;
    this.char(REPLACEMENT);
    // A byte that broke a sequence starts afresh (it may be a line end).
    if (cp === UTF8_BROKEN) this.decode(b);
  }

  private char(c: number): void {
    const afterCr = this.afterCr;
    this.afterCr = c === CR;
    if (c === CR || c === LF) {
      if (c === LF && afterCr) return; // the LF of a CRLF
      this.esc = ESC_NONE;
      return this.endLine();
    }
    if (!this.echo) return this.append(c);
    const esc = this.esc;
    if (esc !== ESC_NONE) {
      // A CSI's parameters and intermediates are 0x20-0x3F, its final byte 0x40-0x7E.
      if (esc === ESC_START) this.esc = c === 0x5b ? ESC_CSI : c === 0x4f ? ESC_SS3 : ESC_NONE;
      else if (esc === ESC_SS3 || c >= 0x40) this.esc = ESC_NONE;
      return;
    }
    if (c === BS || c === DEL) {
      if (this.chars.length > 0) {
        this.chars.pop();
        this.serial.write(ERASE);
      }
      return;
    }
    if (c === ESC) {
      this.esc = ESC_START;
      return;
    }
    if (c < 0x20 || (c >= 0x80 && c < 0xa0)) return; // C0 and C1 controls
    this.append(c);
  }

  private append(c: number): void {
    if (this.chars.length >= this.maxLength) {
      this.cut = true;
      if (this.echo) this.serial.write(BEL); // as readline does: the character was not taken
      return;
    }
    this.chars.push(c);
    if (!this.echo) return;
    if (c < 0x80) {
      this.serial.write(c);
    } else {
      const n = encodeScalar(c, this.scratch, 0);
      this.serial.write(this.scratch.subarray(0, n));
    }
  }

  private endLine(): void {
    const chars = this.chars;
    let line: string;
    if (chars.length <= 1024) {
      line = String.fromCodePoint.apply(null, chars);
    } else {
      // In chunks: the number of arguments to a call is limited (QuickJS: 65535).
      line = "";
      for (let i = 0; i < chars.length; i += 1024) line += String.fromCodePoint.apply(null, chars.slice(i, i + 1024));
    }
    chars.length = 0;
    if (this.cut) this.cutLines++;
    this.cut = false;
    if (this.echo) this.serial.write(NEWLINE);
    this.onLine(line);
    if (this.live) this.writePrompt();
  }

  private writePrompt(): void {
    if (this.prompt) this.serial.write(this.prompt);
  }
}
