/**
 * The UTF-8 decoder of the WHATWG Encoding Standard (§ 10.1.1 "UTF-8 decoder"): a byte the
 * sequence does not allow ends it as one error (U+FFFD, or a throw when fatal) and is read again;
 * a sequence cut short at the end of the stream is one error. The state survives between calls,
 * for TextDecoder's `stream: true`.
 */

export const REPLACEMENT = 0xfffd;
/** What Utf8Decoder.step answers besides a code point. */
export const UTF8_MORE = -1, UTF8_ERROR = -2, UTF8_BROKEN = -3;
/** Code units gathered before they become a string: String.fromCharCode.apply's argument limit is far above. */
const CHUNK = 4096;

export class Utf8Decoder {
  private codePoint = 0;
  private bytesSeen = 0;
  private bytesNeeded = 0;
  private lower = 0x80;
  private upper = 0xbf;

  /** `fatal`: an error throws a TypeError instead of producing U+FFFD. */
  constructor(private readonly fatal: boolean) {}

  /** True while a multi-byte sequence is incomplete. */
  get pending(): boolean {
    return this.bytesNeeded !== 0;
  }

  /** Forgets any incomplete sequence. */
  reset(): void {
    this.codePoint = this.bytesSeen = this.bytesNeeded = 0;
    this.lower = 0x80;
    this.upper = 0xbf;
  }

  /**
   * One byte through the decoder: the code point it completes, UTF8_MORE while a sequence is
   * incomplete, UTF8_ERROR for a byte no sequence starts with, or UTF8_BROKEN when the byte broke
   * the sequence before it: that sequence is one error, and the byte is to be fed again ("prepend
   * byte to stream"). Errors are the caller's to report (U+FFFD, or a throw when fatal).
   */
  step(b: number): number {
    if (this.bytesNeeded === 0) {
      if (b < 0x80) return b;
      if (b >= 0xc2 && b <= 0xdf) {
        this.bytesNeeded = 1;
        this.codePoint = b & 0x1f;
      } else if (b >= 0xe0 && b <= 0xef) {
        if (b === 0xe0) this.lower = 0xa0; // overlong
        if (b === 0xed) this.upper = 0x9f; // surrogates
        this.bytesNeeded = 2;
        this.codePoint = b & 0xf;
      } else if (b >= 0xf0 && b <= 0xf4) {
        if (b === 0xf0) this.lower = 0x90; // overlong
        if (b === 0xf4) this.upper = 0x8f; // above U+10FFFF
        this.bytesNeeded = 3;
        this.codePoint = b & 0x7;
      } else {
        return UTF8_ERROR;
      }
      return UTF8_MORE;
    }
    if (b < this.lower || b > this.upper) {
      this.reset();
      return UTF8_BROKEN;
    }
    this.lower = 0x80;
    this.upper = 0xbf;
    this.codePoint = (this.codePoint << 6) | (b & 0x3f);
    if (++this.bytesSeen < this.bytesNeeded) return UTF8_MORE;
    const cp = this.codePoint;
    this.reset();
    return cp;
  }

  /**
   * Decodes `bytes`; when `end`, an incomplete sequence left at the end is an error. Returns the
   * UTF-16 text.
   */
  decode(bytes: Uint8Array, end: boolean): string {
    const units: number[] = [];
    let text = "";
    const n = bytes.length;
    for (let i = 0; i < n; i++) {
      // A run of ASCII outside a sequence becomes text in one call rather than a step() per byte
      // (HTTP heads and JSON are mostly ASCII).
      if (this.bytesNeeded === 0 && bytes[i] < 0x80) {
        let j = i + 1;
        while (j < n && j - i < CHUNK && bytes[j] < 0x80) j++;
        if (units.length !== 0) {
          text += String.fromCharCode.apply(null, units);
          units.length = 0;
        }
        text += String.fromCharCode.apply(null, bytes.subarray(i, j) as unknown as number[]);
        i = j - 1;
        continue;
      }
      const cp = this.step(bytes[i]);
      if (cp > 0xffff) units.push(0xd800 + ((cp - 0x10000) >> 10), 0xdc00 + ((cp - 0x10000) & 0x3ff));
      else if (cp >= 0) units.push(cp);
      else if (cp !== UTF8_MORE) {
        units.push(this.error());
        if (cp === UTF8_BROKEN) i--;
      }
      if (units.length >= CHUNK) {
        text += String.fromCharCode.apply(null, units);
        units.length = 0;
      }
    }
    if (end && this.bytesNeeded !== 0) {
      this.reset();
      units.push(this.error());
    }
    return text + String.fromCharCode.apply(null, units);
  }

  private error(): number {
    if (this.fatal) {
      this.reset();
      throw new TypeError("The encoded data was not valid for encoding utf-8");
    }
    return REPLACEMENT;
  }
}

/** UTF-8 decode without BOM or fail's lenient sibling (URL Standard's percent-decoding): U+FFFD for errors. */
export function decodeUtf8(bytes: Uint8Array): string {
  return new Utf8Decoder(false).decode(bytes, true);
}
