/**
 * The target URI of a request (RFC 9112 section 3.3) from its request-target and Host: the
 * origin form with Host, the absolute form on its own (Host is then ignored, 3.2.2), the asterisk
 * form for OPTIONS; the authority form (CONNECT) is not served (501). Host is checked as RFC
 * 9112 3.2 requires: exactly one in HTTP/1.1.
 */
import { HttpParseError } from "./errors.ts";
import { fieldValues, type Field } from "./fields.ts";
import type { RequestHead } from "./parser.ts";

export function targetUrl(head: RequestHead, fallbackAuthority: string): string {
  const hosts = fieldValues(head.fields, "host");
  if (hosts.length > 1) throw new HttpParseError(400, "more than one Host header field (RFC 9112 section 3.2)");
  if (head.minor === 1 && hosts.length === 0) throw new HttpParseError(400, "an HTTP/1.1 request without Host (RFC 9112 section 3.2)");
  if (head.method === "CONNECT") throw new HttpParseError(501, "CONNECT is a method this server does not offer (RFC 9110 9.3.6, RFC 9110 15.6.2: 501)");
  const t = head.target;
  let url: string;
  if (t.startsWith("/")) url = `http://${hosts[0] ?? fallbackAuthority}${t}`;
  else if (t === "*") {
    if (head.method !== "OPTIONS") throw new HttpParseError(400, "the asterisk form is for OPTIONS only (RFC 9112 section 3.2.4)");
    url = `http://${hosts[0] ?? fallbackAuthority}/`;
  } else if (/^https?:\/\//i.test(t)) url = t;
  else throw new HttpParseError(400, `invalid request-target ${JSON.stringify(t.slice(0, 60))}`);
  if (hosts.length === 1 && !/^[!$&'()*+,;=\-.0-9A-Z_a-z~%:\[\]]*$/.test(hosts[0])) throw new HttpParseError(400, `invalid Host ${JSON.stringify(hosts[0].slice(0, 60))}`);
  try {
    return new URL(url).href;
  } catch {
    throw new HttpParseError(400, `invalid target URI ${JSON.stringify(url.slice(0, 60))}`);
  }
}

export function fieldsWithout(fields: readonly Field[], lowerNames: readonly string[]): Field[] {
  return fields.filter(([n]) => !lowerNames.includes(n.toLowerCase()));
}
