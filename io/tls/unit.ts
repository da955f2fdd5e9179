/**
 * The image unit "tls" (tools/lib/units.ts), loaded by the web unit "http" the first time the app
 * calls serve({ tls }): the TLS 1.3 server of stacks/tls with its @noble cryptography, about
 * 60 KB of bytecode that a firmware serving plain HTTP never carries. Only the wiring is here:
 * the certificate and key are checked once, and every connection draws its randoms from the
 * board's `crypto.getRandomValues` (a hardware RNG); a board without one refuses, since a
 * predictable server key share would give every session away.
 */
import type { TcpConnection } from "../../stacks/net/tcp/connection.ts";
import { TlsConnection, type TlsHandshakeInfo } from "../../stacks/tls/connection.ts";
import { loadCredentials, type KeyMaterial } from "../../stacks/tls/credentials.ts";
import type { TlsUnit } from "../../runtime/web/http.ts";

export type { TlsHandshakeInfo } from "../../stacks/tls/connection.ts";

export interface TlsServeOptions {
  /** The X.509 certificate (PEM, a chain of several with the server's first, or DER). */
  readonly cert: KeyMaterial;
  /** Its PKCS#8 private key, Ed25519 or ECDSA P-256 (PEM or DER). */
  readonly key: KeyMaterial;
  /** Called after each completed handshake: the SNI name, ALPN protocol, cipher suite. */
  readonly onHandshake?: (info: TlsHandshakeInfo) => void;
  /** Called when a connection ends with an alert: `sent` by the server (a failure it found), or by the client. */
  readonly onAlert?: (description: string, sent: boolean) => void;
}

interface RandomSource {
  getRandomValues(array: Uint8Array): Uint8Array;
}

function randomSource(): (n: number) => Uint8Array {
  const c = (globalThis as { crypto?: RandomSource }).crypto;
  const random = (n: number) => {
    if (!c || typeof c.getRandomValues !== "function") throw new Error("no crypto.getRandomValues");
    return c.getRandomValues(new Uint8Array(n));
  };
  try {
    random(1);
  } catch (e) {
    throw new Error(`serve: tls needs a random source, and this board has none (${e instanceof Error ? e.message : String(e)})`);
  }
  return random;
}

/** Checks the credentials and returns what wraps each accepted TCP connection of the HTTP server in TLS. */
export function tlsServer(options: TlsServeOptions): (conn: TcpConnection) => TlsConnection {
  const credentials = loadCredentials(options.cert, options.key);
  const random = randomSource();
  const { onHandshake, onAlert } = options;
  return (conn) =>
    new TlsConnection(conn, {
      credentials,
      random,
      onHandshake,
      onAlert: onAlert && ((alert, sent) => onAlert(alert.message, sent)),
    });
}

// The http unit sees this unit through its own structural TlsUnit: checked here, at compile time.
const fitsHttpUnit: TlsUnit["tlsServer"] = tlsServer;
void fitsHttpUnit;
