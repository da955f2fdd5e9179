/**
 * The exceptions of the W3C Web Cryptography API (Level 2, § 14.4 and each algorithm's steps):
 * DOMExceptions named NotSupportedError, SyntaxError, InvalidAccessError, DataError or
 * OperationError. The global DOMException (the web unit "abort" on the target, Node's own in host
 * tests) so that `e instanceof DOMException` holds in app code.
 */
export type CryptoErrorName = "NotSupportedError" | "SyntaxError" | "InvalidAccessError" | "DataError" | "OperationError";

/** Throws DOMException `name` with `message`. */
export function fail(name: CryptoErrorName, message: string): never {
  throw new DOMException(message, name);
}
