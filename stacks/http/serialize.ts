/** Message heads and chunks as bytes (RFC 9112 sections 3, 4, 5 and 7.1). */
import { latin1Bytes } from "./syntax.ts";

export type WireField = readonly [string, string];

function head(startLine: string, fields: readonly WireField[]): Uint8Array {
  let s = `${startLine}\r\n`;
  for (const [n, v] of fields) s += `${n}: ${v}\r\n`;
  return latin1Bytes(`${s}\r\n`);
}

/** RFC 9112 4: status-line = HTTP-version SP status-code SP [ reason-phrase ] CRLF. */
export function responseHead(status: number, reason: string, fields: readonly WireField[]): Uint8Array {
  return head(`HTTP/1.1 ${status} ${reason}`, fields);
}

/** RFC 9112 3: request-line = method SP request-target SP HTTP-version CRLF. */
export function requestHead(method: string, target: string, fields: readonly WireField[]): Uint8Array {
  return head(`${method} ${target} HTTP/1.1`, fields);
}

/** RFC 9112 7.1: chunk = chunk-size CRLF chunk-data CRLF; one buffer, so that a chunk is one write. */
export function chunk(data: Uint8Array): Uint8Array {
  const size = latin1Bytes(`${data.length.toString(16)}\r\n`);
  const out = new Uint8Array(size.length + data.length + 2);
  out.set(size);
  out.set(data, size.length);
  out[out.length - 2] = 0x0d;
  out[out.length - 1] = 0x0a;
  return out;
}

/** RFC 9112 7.1: last-chunk and an empty trailer section. */
export const LAST_CHUNK = latin1Bytes("0\r\n\r\n");

export function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
