/**
 * String-level pieces of `inspect`: quoting and escaping like Node's util.inspect, number and
 * bigint text, the "Type(size) [tag] " prefixes, and the display width used to align columns.
 * Pure functions over strings, so they cost nothing until a value actually needs them.
 */

/** What primitive formatting needs to know about where the value is printed. */
export interface PrimitiveContext {
  readonly compact: number | boolean;
  readonly breakLength: number;
  readonly indentationLvl: number;
  readonly maxStringLength: number;
}

// Node splits a multi-line string into `'line\n' +` pieces only past this length.
const kMinLineLength = 16;

// One test decides whether the slow escaping loop is needed at all (the common case is "no").
// eslint-disable-next-line no-control-regex
const needsEscape = /[\x00-\x1f'\\\x7f-\x9f\ud800-\udfff]/;

/** Escape text of one code unit the way Node's `meta` table does (\b \t \n \f \r, else \xHH). */
function escapeUnit(code: number): string {
  switch (code) {
    case 8: return "\\b";
    case 9: return "\\t";
    case 10: return "\\n";
    case 12: return "\\f";
    case 13: return "\\r";
    case 39: return "\\'";
    case 92: return "\\\\";
  }
  const hex = code.toString(16).toUpperCase();
  return hex.length < 2 ? "\\x0" + hex : "\\x" + hex;
}

/**
 * Escape control characters, C1 controls, backslashes, lone surrogates and — when `escapeQuote`
 * — the single quote. Valid surrogate pairs (emoji...) pass through untouched.
 */
export function escapeText(str: string, escapeQuote: boolean): string {
  if (!needsEscape.test(str)) return str;
  let result = "";
  let last = 0;
  for (let i = 0; i < str.length; i++) {
    const point = str.charCodeAt(i);
    if ((point === 39 && escapeQuote) || point === 92 || point < 32 || (point > 126 && point < 160)) {
      result += str.slice(last, i) + escapeUnit(point);
      last = i + 1;
    } else if (point >= 0xd800 && point <= 0xdfff) {
      if (point <= 0xdbff && i + 1 < str.length) {
        const next = str.charCodeAt(i + 1);
        if (next >= 0xdc00 && next <= 0xdfff) {
          i++;
          continue;
        }
      }
      result += str.slice(last, i) + "\\u" + point.toString(16);
      last = i + 1;
    }
  }
  return last === 0 ? str : result + str.slice(last);
}

/**
 * Quote a string like Node: single quotes unless the text contains one, then double quotes,
 * then backticks (when neither '"' nor '`'/'${' occur), falling back to escaped single quotes.
 */
export function quote(str: string): string {
  if (str.indexOf("'") === -1) return "'" + escapeText(str, true) + "'";
  if (str.indexOf('"') === -1) return '"' + escapeText(str, false) + '"';
  if (str.indexOf("`") === -1 && str.indexOf("${") === -1) return "`" + escapeText(str, false) + "`";
  return "'" + escapeText(str, true) + "'";
}

export function formatNumber(value: number): string {
  // `${-0}` is "0"; Node shows the sign.
  return value === 0 && 1 / value < 0 ? "-0" : "" + value;
}

export function formatBigInt(value: bigint): string {
  return value + "n";
}

/** Node's formatPrimitive: strings are quoted (and split at newlines when long), the rest printed. */
export function formatPrimitive(value: unknown, ctx: PrimitiveContext): string {
  switch (typeof value) {
    case "string":
      return formatString(value, ctx);
    case "number":
      return formatNumber(value);
    case "bigint":
      return formatBigInt(value);
    case "boolean":
      return value ? "true" : "false";
    case "undefined":
      return "undefined";
    case "symbol":
      return value.toString();
  }
  return String(value);
}

function formatString(value: string, ctx: PrimitiveContext): string {
  let trailer = "";
  if (value.length > ctx.maxStringLength) {
    const remaining = value.length - ctx.maxStringLength;
    value = value.slice(0, ctx.maxStringLength);
    trailer = `... ${remaining} more character${remaining > 1 ? "s" : ""}`;
  }
  if (
    ctx.compact !== true &&
    value.length > kMinLineLength &&
    value.length > ctx.breakLength - ctx.indentationLvl - 4 &&
    value.indexOf("\n") !== -1 &&
    value.indexOf("\n") !== value.length - 1
  ) {
    // Each line keeps its "\n" and becomes its own quoted piece joined by " +".
    const pieces: string[] = [];
    let start = 0;
    for (let nl = value.indexOf("\n"); nl !== -1 && nl !== value.length - 1; nl = value.indexOf("\n", start)) {
      pieces.push(quote(value.slice(start, nl + 1)));
      start = nl + 1;
    }
    pieces.push(quote(value.slice(start)));
    return pieces.join(` +\n${" ".repeat(ctx.indentationLvl + 2)}`) + trailer;
  }
  return quote(value) + trailer;
}

/** Node's getPrefix: "Foo ", "Foo(3) [tag] ", "[Array(3): null prototype] ". */
export function getPrefix(constructor: string | null, tag: string, fallback: string, size = ""): string {
  if (constructor === null) {
    if (tag !== "" && fallback !== tag) return `[${fallback}${size}: null prototype] [${tag}] `;
    return `[${fallback}${size}: null prototype] `;
  }
  if (tag !== "" && constructor !== tag) return `${constructor}${size} [${tag}] `;
  return `${constructor}${size} `;
}

/**
 * Terminal columns a string occupies; used only to align grouped array columns. ASCII is the fast
 * path. Beyond it this follows Node's non-ICU table (wide CJK/emoji ranges count 2, combining
 * marks 0); Node 20 asks ICU, which can disagree for rare characters.
 */
export function stringWidth(str: string): number {
  let width = 0;
  for (let i = 0; i < str.length; i++) {
    const code = str.charCodeAt(i);
    if (code >= 127) return width + wideWidth(str.slice(i).normalize("NFC"));
    if (code >= 32) width++;
  }
  return width;
}

function wideWidth(str: string): number {
  let width = 0;
  for (let i = 0; i < str.length; i++) {
    const code = str.codePointAt(i) as number;
    if (code > 0xffff) i++;
    if (isFullWidth(code)) width += 2;
    else if (!isZeroWidth(code)) width++;
  }
  return width;
}

/** Inclusive [first, last] code point ranges, in order: Node's isZeroWidthCodePoint. */
const ZERO_WIDTH = [
  0x0, 0x1f, 0x7f, 0x9f, 0x300, 0x36f, 0x200b, 0x200f, 0x20d0, 0x20ff, 0xfe00, 0xfe0f, 0xfe20, 0xfe2f,
  0xe0100, 0xe01ef,
];

/** The same for Node's isFullWidthCodePoint (East Asian Wide and Fullwidth). */
const FULL_WIDTH = [
  0x1100, 0x115f, 0x2329, 0x232a, 0x2e80, 0x303e, 0x3040, 0x3247, 0x3250, 0x4dbf, 0x4e00, 0xa4c6,
  0xa960, 0xa97c, 0xac00, 0xd7a3, 0xf900, 0xfaff, 0xfe10, 0xfe19, 0xfe30, 0xfe6b, 0xff01, 0xff60,
  0xffe0, 0xffe6, 0x1b000, 0x1b001, 0x1f200, 0x1f251, 0x1f300, 0x1f64f, 0x20000, 0x3fffd,
];

function isZeroWidth(code: number): boolean {
  return inRanges(ZERO_WIDTH, code);
}

function isFullWidth(code: number): boolean {
  return inRanges(FULL_WIDTH, code);
}

function inRanges(ranges: readonly number[], code: number): boolean {
  for (let i = 0; i < ranges.length && code >= ranges[i]; i += 2) if (code <= ranges[i + 1]) return true;
  return false;
}
