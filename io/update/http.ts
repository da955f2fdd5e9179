/**
 * The update endpoint over HTTP (docs/updates.md, "Over HTTP"): `PUT <path>` with the app unit as
 * the body, answered after the unit was verified as completely as over the serial line
 * (io/update/service.ts → the agent's acceptUnit). Anyone who reaches the port may upload: the
 * unit's Ed25519 signature, not the connection, decides what runs.
 *
 *   200 accepted <version>       the device switches to it once the connection is over
 *                                (io/update/service.ts whenTransportsIdle, at most 2 s)
 *   409 <why>                    the running app is not confirmed yet, or another unit was just
 *                                accepted (try again later)
 *   411                          no Content-Length (a chunked body is refused: the length must be
 *                                known, and checked against the unit header, before it counts)
 *   413                          a Content-Length over the base's limit, refused by the server
 *                                before the body is read (serve()'s limits.maxBodyBytes, set to the
 *                                limit by io/update/http-service.ts), or by the handler
 *   422 <why>                    the unit was refused (damaged, truncated, for another base, bad
 *                                signature, not above the running version); the old app runs on
 *   404, 405                     another path, another method
 * Every answer is text/plain with one line saying why.
 */
import { updateService, type UpdateService } from "./service.ts";

/** The request as the handler reads it (the Fetch Request of stacks/http or the web globals). */
export interface UpdateRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: { get(name: string): string | null };
  arrayBuffer(): Promise<ArrayBuffer>;
}

/** The Response class to answer with: the server's own (on the device, the global Response of the http unit). */
export type ResponseClass<R> = new (body: string, init: { status: number; headers: Record<string, string> }) => R;

export interface UpdateHttpOptions<R> {
  /** The path units are PUT to (default "/update"). */
  readonly path?: string;
  /** The server's Response class (its handler must return instances of it). */
  readonly Response: ResponseClass<R>;
  /** The agent (default: the one registered by io/update/agent.ts). */
  readonly service?: () => UpdateService;
}

/** A path for PUT: starts with "/", no query, fragment, space or control character. */
export function checkUpdatePath(path: string): string {
  if (!/^\/[\x21-\x7e]*$/.test(path) || /[?#]/.test(path)) throw new RangeError(`update path must start with "/" and hold no query, fragment or space: ${JSON.stringify(path)}`);
  return path;
}

/** The path of an absolute URL, without its query (no URL object: that would load the url unit into the base). */
function pathOf(url: string): string {
  return url.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, "").split(/[?#]/)[0] || "/";
}

/** A serve() handler for the update endpoint; requests for other paths get a 404. */
export function updateHttpHandler<R>(o: UpdateHttpOptions<R>): (request: UpdateRequest) => Promise<R> {
  const path = checkUpdatePath(o.path ?? "/update");
  const service = o.service ?? updateService;
  const answer = (status: number, text: string, extra: Record<string, string> = {}): R =>
    new o.Response(`${text}\n`, { status, headers: { "content-type": "text/plain;charset=UTF-8", ...extra } });
  return async (req) => {
    if (pathOf(req.url) !== path) return answer(404, `no such path: PUT the app unit to ${path}`);
    if (req.method !== "PUT") return answer(405, `${req.method} is not allowed: PUT the app unit to ${path}`, { allow: "PUT" });
    const declared = req.headers.get("content-length");
    if (declared === null) return answer(411, "a Content-Length is required (chunked bodies are refused)");
    const s = service();
    const bytes = new Uint8Array(await req.arrayBuffer());
    // The server read exactly Content-Length bytes (at most its maxBodyBytes); whether they are
    // the whole unit its header announces is acceptUnit's first check ("truncated unit").
    if (bytes.length > s.maxUnitBytes) return answer(413, `unit of ${bytes.length} bytes exceeds this base's limit of ${s.maxUnitBytes}`);
    const v = s.offer(bytes);
    if (v.ok) return answer(200, `accepted ${v.version}`);
    return answer(v.busy ? 409 : 422, `refused: ${v.why}`);
  };
}
