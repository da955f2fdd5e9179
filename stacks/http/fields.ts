/**
 * HTTP/1.1 field lines (RFC 9112 section 5) and the framing rules built on them (section 6):
 * Content-Length (RFC 9110 section 8.6) and Transfer-Encoding (RFC 9112 section 6.1).
 */
import { HttpParseError } from "./errors.ts";
import { FIELD_VALUE, TOKEN, trimOws } from "./syntax.ts";

export type Field = readonly [name: string, value: string];

/**
 * One field line: `field-name ":" OWS field-value OWS`. Whitespace before the colon (RFC 9112
 * 5.1: MUST reject with 400) and obs-fold (5.2: a server MUST reject or replace; we reject) are errors.
 */
export function parseFieldLine(line: string): Field {
  if (line.charCodeAt(0) === 0x20 || line.charCodeAt(0) === 0x09) throw new HttpParseError(400, "obsolete line folding (obs-fold) in a header field (RFC 9112 section 5.2)");
  const colon = line.indexOf(":");
  if (colon <= 0) throw new HttpParseError(400, `header field without a name and colon: ${JSON.stringify(line.slice(0, 40))}`);
  const name = line.slice(0, colon);
  if (!TOKEN.test(name)) {
    if (/[\t ]$/.test(name)) throw new HttpParseError(400, `whitespace between header field name and colon (RFC 9112 section 5.1): ${JSON.stringify(name)}`);
    throw new HttpParseError(400, `invalid header field name ${JSON.stringify(name.slice(0, 40))}`);
  }
  const value = trimOws(line.slice(colon + 1));
  if (!FIELD_VALUE.test(value)) throw new HttpParseError(400, `invalid character in the value of header field ${name}`);
  return [name, value];
}

/** Every value of a field (case-insensitive name). */
export function fieldValues(fields: readonly Field[], lowerName: string): string[] {
  const out: string[] = [];
  for (const [n, v] of fields) if (n.length === lowerName.length && n.toLowerCase() === lowerName) out.push(v);
  return out;
}

/** The comma-separated list elements of a field (RFC 9110 5.6.1), empty elements dropped. */
export function fieldList(fields: readonly Field[], lowerName: string): string[] {
  const out: string[] = [];
  for (const v of fieldValues(fields, lowerName)) {
    for (const e of v.split(",")) {
      const t = e.trim();
      if (t !== "") out.push(t);
    }
  }
  return out;
}

/**
 * RFC 9110 8.6: Content-Length = 1*DIGIT; a list of one repeated value is taken as that value,
 * anything else is invalid. Returns null when absent.
 */
export function contentLength(fields: readonly Field[]): number | null {
  const values = fieldValues(fields, "content-length");
  if (values.length === 0) return null;
  let length: number | null = null;
  for (const v of values) {
    for (const e of v.split(",")) {
      const t = e.trim();
      // 15 digits keep the number exact (below 2^53).
      if (!/^[0-9]{1,15}$/.test(t)) throw new HttpParseError(400, `invalid Content-Length ${JSON.stringify(v.slice(0, 40))}`);
      const n = Number(t);
      if (length !== null && n !== length) throw new HttpParseError(400, `conflicting Content-Length values ${JSON.stringify(values.join(", ").slice(0, 60))}`);
      length = n;
    }
  }
  return length;
}

/** RFC 9112 6.1: the transfer codings, lower-cased, in order (parameters dropped). */
export function transferCodings(fields: readonly Field[]): string[] {
  return fieldList(fields, "transfer-encoding").map((c) => c.split(";")[0].trim().toLowerCase());
}

/** RFC 9110 7.6.1: the Connection header's options, lower-cased. */
export function connectionOptions(fields: readonly Field[]): string[] {
  return fieldList(fields, "connection").map((c) => c.toLowerCase());
}
