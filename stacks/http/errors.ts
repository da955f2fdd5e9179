/** Errors of the HTTP layer. */

/** A message that breaks RFC 9112's syntax or a limit: `status` is the answer a server gives (400, 413, 431, 501, 505). */
export class HttpParseError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "HttpParseError";
  }
}

/** A connection that timed out (the server's idle, header, body and write timeouts). */
export class HttpTimeoutError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "HttpTimeoutError";
  }
}

/** The connection closed or was reset under a read or write. */
export class ConnectionClosedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConnectionClosedError";
  }
}
