/** How a message's body is delimited: RFC 9112 section 6.3, for requests (server) and responses (client). */
import { HttpParseError } from "./errors.ts";
import { contentLength, transferCodings, type Field } from "./fields.ts";
import type { Framing } from "./parser.ts";

/**
 * A request's framing. Refused: Transfer-Encoding with Content-Length (6.1 allows a server to
 * reject it; it is how requests are smuggled), Transfer-Encoding in HTTP/1.0 (6.1: faulty framing),
 * a final coding other than chunked (6.3 item 4: 400), a coding we do not implement (6.1: 501).
 */
export function requestFraming(fields: readonly Field[], minor: number): Framing {
  const codings = transferCodings(fields);
  const hasTe = fields.some(([n]) => n.toLowerCase() === "transfer-encoding");
  const length = contentLength(fields);
  if (hasTe) {
    if (length !== null) throw new HttpParseError(400, "both Content-Length and Transfer-Encoding (RFC 9112 section 6.1)");
    if (minor === 0) throw new HttpParseError(400, "Transfer-Encoding in an HTTP/1.0 request (RFC 9112 section 6.1)");
    if (codings.length === 0 || codings[codings.length - 1] !== "chunked") throw new HttpParseError(400, "the final transfer coding is not chunked (RFC 9112 section 6.3)");
    if (codings.length > 1) throw new HttpParseError(codings.slice(0, -1).includes("chunked") ? 400 : 501, `transfer codings ${codings.join(", ")}: this server decodes chunked only (RFC 9112 6.1: 501, or 400 when chunked is not last)`);
    return { kind: "chunked" };
  }
  if (length !== null) return length === 0 ? { kind: "none" } : { kind: "length", length };
  return { kind: "none" };
}

/**
 * A response's framing (6.3 items 1-7): none after HEAD and for 1xx, 204 and 304; chunked when it
 * is the final coding (which then outranks Content-Length, and the connection must close: item
 * 3); until close when another coding is final or nothing delimits the body.
 */
export function responseFraming(fields: readonly Field[], status: number, requestMethod: string): { framing: Framing; mustClose: boolean } {
  if (requestMethod === "HEAD" || (status >= 100 && status < 200) || status === 204 || status === 304) return { framing: { kind: "none" }, mustClose: false };
  const hasTe = fields.some(([n]) => n.toLowerCase() === "transfer-encoding");
  if (hasTe) {
    const codings = transferCodings(fields);
    if (codings.some((c) => c !== "chunked")) throw new HttpParseError(502, `response transfer codings ${codings.join(", ")}: only chunked is decoded (RFC 9112 6.1: 502)`);
    const hasLength = fields.some(([n]) => n.toLowerCase() === "content-length");
    return { framing: codings.length > 0 ? { kind: "chunked" } : { kind: "close" }, mustClose: hasLength };
  }
  // 6.3 item 5: an invalid Content-Length is an unrecoverable error (contentLength() throws).
  const length = contentLength(fields);
  if (length !== null) return { framing: { kind: "length", length }, mustClose: false };
  return { framing: { kind: "close" }, mustClose: true };
}
