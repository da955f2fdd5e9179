/**
 * Host parsing (WHATWG URL Standard § 3.5 "Host parsing", § 3.6 serializing): domains, IPv4
 * addresses in all their forms (0x7f.1, 2130706433, 0177.0.0.1), IPv6 literals, opaque hosts.
 *
 * Domain to ASCII (§ 3.3) is UTS #46 processing; this target carries no Unicode IDNA tables, so a
 * domain with a non-ASCII character is refused with a TypeError that says so. ASCII domains are
 * lower-cased, and an "xn--" label must be valid Punycode (RFC 3492) decoding to some non-ASCII
 * character other than a C1 control; what it decodes to is not checked against the UTS #46 tables.
 */
import { C0_CONTROL_SET, percentDecode, percentEncode } from "./url-encode.ts";

/** Thrown for a host this target cannot process (not an invalid one): the message says why. */
export class IdnaUnsupported extends TypeError {}

/** § 3.5 forbidden host code points; domains also forbid C0 controls, % and DEL. */
function isForbiddenHost(c: number): boolean {
  return c === 0 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x20 || c === 0x23 || c === 0x2f || c === 0x3a ||
    c === 0x3c || c === 0x3e || c === 0x3f || c === 0x40 || c === 0x5b || c === 0x5c || c === 0x5d || c === 0x5e || c === 0x7c;
}

function isForbiddenDomain(c: number): boolean {
  return isForbiddenHost(c) || c <= 0x1f || c === 0x25 || c === 0x7f;
}

/** Host parser: the serialized host ("[v6]" for IPv6, "" for the empty host), or null on failure. */
export function parseHost(input: string, isOpaque: boolean): string | null {
  if (input.startsWith("[")) {
    if (!input.endsWith("]")) return null;
    const pieces = parseIPv6(input.slice(1, -1));
    return pieces === null ? null : `[${serializeIPv6(pieces)}]`;
  }
  if (isOpaque) {
    for (let i = 0; i < input.length; i++) if (isForbiddenHost(input.charCodeAt(i))) return null;
    return percentEncode(input, C0_CONTROL_SET);
  }
  const domain = percentDecode(input);
  const ascii = domainToAscii(domain);
  if (ascii === null) return null;
  for (let i = 0; i < ascii.length; i++) if (isForbiddenDomain(ascii.charCodeAt(i))) return null;
  if (endsInANumber(ascii)) {
    const v4 = parseIPv4(ascii);
    return v4 === null ? null : serializeIPv4(v4);
  }
  return ascii;
}

/** § 3.3 domain to ASCII, for what needs no Unicode tables. */
function domainToAscii(domain: string): string | null {
  // U+3002, U+FF0E and U+FF61 are dots to UTS #46 as well; any other non-ASCII needs its tables.
  // eslint-disable-next-line no-control-regex
  if (/[^\u0000-\u007f]/.test(domain)) {
    throw new IdnaUnsupported(`Invalid URL: the host "${domain}" is an internationalized domain name, and IDNA (UTS #46) is not supported on this target; give it in its ASCII (xn--) form`);
  }
  const lower = domain.toLowerCase();
  if (lower === "") return null;
  for (const label of lower.split(".")) {
    if (label.startsWith("xn--") && !validPunycodeLabel(label.slice(4))) return null;
  }
  return lower;
}

/** RFC 3492 § 6.2 decoding, only to check: true if `s` decodes and yields a non-ASCII character. */
function validPunycodeLabel(s: string): boolean {
  const BASE = 36, TMIN = 1, TMAX = 26, SKEW = 38, DAMP = 700;
  if (s === "" || s.endsWith("-")) return false;
  const dash = s.lastIndexOf("-");
  let length = dash > 0 ? dash : 0;
  let n = 128, i = 0, bias = 72;
  let nonAscii = false;
  const adapt = (delta: number, points: number, first: boolean): number => {
    delta = first ? Math.floor(delta / DAMP) : delta >> 1;
    delta += Math.floor(delta / points);
    let k = 0;
    while (delta > ((BASE - TMIN) * TMAX) >> 1) {
      delta = Math.floor(delta / (BASE - TMIN));
      k += BASE;
    }
    return k + Math.floor(((BASE - TMIN + 1) * delta) / (delta + SKEW));
  };
  for (let p = dash > 0 ? dash + 1 : 0; p < s.length; ) {
    const oldi = i;
    let w = 1;
    for (let k = BASE; ; k += BASE) {
      if (p >= s.length) return false;
      const c = s.charCodeAt(p++);
      const digit = c >= 0x30 && c <= 0x39 ? c - 22 : c >= 0x61 && c <= 0x7a ? c - 0x61 : -1;
      if (digit < 0) return false;
      i += digit * w;
      if (i > 0x7fffffff) return false;
      const t = k <= bias ? TMIN : k >= bias + TMAX ? TMAX : k - bias;
      if (digit < t) break;
      w *= BASE - t;
      if (w > 0x7fffffff) return false;
    }
    length++;
    bias = adapt(i - oldi, length, oldi === 0);
    n += Math.floor(i / length);
    i %= length;
    if (n > 0x10ffff || (n >= 0xd800 && n <= 0xdfff)) return false;
    // C1 controls are disallowed by UTS #46 whatever the tables say; the rest is not checked.
    if (n >= 0x80 && n < 0xa0) return false;
    if (n >= 0x80) nonAscii = true;
    i++;
  }
  return nonAscii;
}

/** § 3.5 "ends in a number". */
function endsInANumber(input: string): boolean {
  const parts = input.split(".");
  if (parts[parts.length - 1] === "") {
    if (parts.length === 1) return false;
    parts.pop();
  }
  const last = parts[parts.length - 1];
  if (last !== "" && /^[0-9]+$/.test(last)) return true;
  return parseIPv4Number(last) !== null;
}

/** § 3.5 IPv4 number parser: decimal, 0x hex or 0-prefixed octal; null on failure. */
function parseIPv4Number(input: string): number | null {
  if (input === "") return null;
  let radix = 10;
  if (input.length >= 2 && (input.startsWith("0x") || input.startsWith("0X"))) {
    input = input.slice(2);
    radix = 16;
  } else if (input.length >= 2 && input.startsWith("0")) {
    input = input.slice(1);
    radix = 8;
  }
  if (input === "") return 0;
  const valid = radix === 10 ? /^[0-9]+$/ : radix === 16 ? /^[0-9a-fA-F]+$/ : /^[0-7]+$/;
  if (!valid.test(input)) return null;
  // Exact while it matters: anything at or above 2^32 fails later whatever its low digits.
  return parseInt(input, radix);
}

/** § 3.5 IPv4 parser: the address as a number, or null on failure. */
function parseIPv4(input: string): number | null {
  const parts = input.split(".");
  if (parts[parts.length - 1] === "" && parts.length > 1) parts.pop();
  if (parts.length > 4) return null;
  const numbers: number[] = [];
  for (const part of parts) {
    const n = parseIPv4Number(part);
    if (n === null) return null;
    numbers.push(n);
  }
  for (let i = 0; i < numbers.length - 1; i++) if (numbers[i] > 255) return null;
  const last = numbers[numbers.length - 1];
  if (last >= 256 ** (5 - numbers.length)) return null;
  let ipv4 = last;
  for (let i = 0; i < numbers.length - 1; i++) ipv4 += numbers[i] * 256 ** (3 - i);
  return ipv4;
}

function serializeIPv4(address: number): string {
  const out: number[] = [];
  for (let i = 0; i < 4; i++) {
    out.unshift(address % 256);
    address = Math.floor(address / 256);
  }
  return out.join(".");
}

/** § 3.5 IPv6 parser: eight 16-bit pieces, or null on failure. */
function parseIPv6(input: string): number[] | null {
  const address = [0, 0, 0, 0, 0, 0, 0, 0];
  let pieceIndex = 0;
  let compress: number | null = null;
  let p = 0;
  const at = (i: number): number => (i < input.length ? input.charCodeAt(i) : -1);
  const isHex = (c: number): boolean => (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
  const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
  if (at(p) === 0x3a) {
    if (at(p + 1) !== 0x3a) return null;
    p += 2;
    compress = ++pieceIndex;
  }
  while (at(p) !== -1) {
    if (pieceIndex === 8) return null;
    if (at(p) === 0x3a) {
      if (compress !== null) return null;
      p++;
      compress = ++pieceIndex;
      continue;
    }
    let value = 0;
    let length = 0;
    while (length < 4 && isHex(at(p))) {
      value = value * 16 + parseInt(input[p], 16);
      p++;
      length++;
    }
    if (at(p) === 0x2e) {
      if (length === 0) return null;
      p -= length;
      if (pieceIndex > 6) return null;
      let numbersSeen = 0;
      while (at(p) !== -1) {
        let ipv4Piece: number | null = null;
        if (numbersSeen > 0) {
          if (at(p) === 0x2e && numbersSeen < 4) p++;
          else return null;
        }
        if (!isDigit(at(p))) return null;
        while (isDigit(at(p))) {
          const number = at(p) - 0x30;
          if (ipv4Piece === null) ipv4Piece = number;
          else if (ipv4Piece === 0) return null;
          else ipv4Piece = ipv4Piece * 10 + number;
          if (ipv4Piece > 255) return null;
          p++;
        }
        address[pieceIndex] = address[pieceIndex] * 0x100 + (ipv4Piece as number);
        numbersSeen++;
        if (numbersSeen === 2 || numbersSeen === 4) pieceIndex++;
      }
      if (numbersSeen !== 4) return null;
      break;
    } else if (at(p) === 0x3a) {
      p++;
      if (at(p) === -1) return null;
    } else if (at(p) !== -1) {
      return null;
    }
    address[pieceIndex] = value;
    pieceIndex++;
  }
  if (compress !== null) {
    let swaps = pieceIndex - compress;
    pieceIndex = 7;
    while (pieceIndex !== 0 && swaps > 0) {
      const t = address[pieceIndex];
      address[pieceIndex] = address[compress + swaps - 1];
      address[compress + swaps - 1] = t;
      pieceIndex--;
      swaps--;
    }
  } else if (pieceIndex !== 8) {
    return null;
  }
  return address;
}

/** § 3.6: lower-case hex, the first longest run of two or more zero pieces as "::". */
function serializeIPv6(address: number[]): string {
  let best = -1, bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (address[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && address[j] === 0) j++;
    if (j - i > bestLength) {
      best = i;
      bestLength = j - i;
    }
    i = j;
  }
  let out = "";
  let ignore0 = false;
  for (let i = 0; i < 8; i++) {
    if (ignore0 && address[i] === 0) continue;
    ignore0 = false;
    if (best === i) {
      out += i === 0 ? "::" : ":";
      ignore0 = true;
      continue;
    }
    out += address[i].toString(16);
    if (i !== 7) out += ":";
  }
  return out;
}
