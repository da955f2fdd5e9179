/**
 * The handshake messages the server sends (RFC 8446 4): ServerHello and HelloRetryRequest (4.1.3,
 * 4.1.4), EncryptedExtensions (4.3.1), Certificate (4.4.2), CertificateVerify (4.4.3), Finished
 * (4.4.4), KeyUpdate (4.6.3); and the framing of handshake messages (4: type, 3-byte length).
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { concatBytes } from "../../runtime/bytes.ts";
import { extension, u16, u24, vec } from "./bytes.ts";
import { ExtensionType, GROUP_X25519, TLS13 } from "./client-hello.ts";

export const HandshakeType = {
  client_hello: 1,
  server_hello: 2,
  new_session_ticket: 4,
  end_of_early_data: 5,
  encrypted_extensions: 8,
  certificate: 11,
  certificate_request: 13,
  certificate_verify: 15,
  finished: 20,
  key_update: 24,
} as const;

/** A handshake message: type, 3-byte length, body. */
export function handshake(type: number, body: Uint8Array): Uint8Array {
  return concatBytes(Uint8Array.of(type), u24(body.length), body);
}

/** The random of a HelloRetryRequest: SHA-256("HelloRetryRequest") (RFC 8446 4.1.3). */
export const HRR_RANDOM = sha256(Uint8Array.from("HelloRetryRequest", (c) => c.charCodeAt(0)));

function serverHelloBody(random: Uint8Array, sessionId: Uint8Array, suite: number, extensions: Uint8Array): Uint8Array {
  // legacy_version 0x0303, legacy_compression_method 0 (RFC 8446 4.1.3).
  return concatBytes(u16(0x0303), random, vec(1, sessionId), u16(suite), Uint8Array.of(0), vec(2, extensions));
}

/** ServerHello with the server's X25519 share and supported_versions (in RFC 8448's order). */
export function serverHello(random: Uint8Array, sessionId: Uint8Array, suite: number, publicKey: Uint8Array): Uint8Array {
  const ext = concatBytes(
    extension(ExtensionType.key_share, concatBytes(u16(GROUP_X25519), vec(2, publicKey))),
    extension(ExtensionType.supported_versions, u16(TLS13)),
  );
  return handshake(HandshakeType.server_hello, serverHelloBody(random, sessionId, suite, ext));
}

/** HelloRetryRequest asking for an X25519 share (RFC 8446 4.1.4, 4.2.8). */
export function helloRetryRequest(sessionId: Uint8Array, suite: number): Uint8Array {
  const ext = concatBytes(extension(ExtensionType.supported_versions, u16(TLS13)), extension(ExtensionType.key_share, u16(GROUP_X25519)));
  return handshake(HandshakeType.server_hello, serverHelloBody(HRR_RANDOM, sessionId, suite, ext));
}

/** EncryptedExtensions from whole extensions (type and data each). */
export function encryptedExtensions(extensions: readonly Uint8Array[]): Uint8Array {
  return handshake(HandshakeType.encrypted_extensions, vec(2, concatBytes(...extensions)));
}

/** Certificate: an empty request context, each certificate with no extensions (RFC 8446 4.4.2). */
export function certificate(chain: readonly Uint8Array[]): Uint8Array {
  const entries = chain.map((c) => concatBytes(vec(3, c), u16(0)));
  return handshake(HandshakeType.certificate, concatBytes(Uint8Array.of(0), vec(3, concatBytes(...entries))));
}

/**
 * What a server's CertificateVerify signs (RFC 8446 4.4.3): 64 spaces, the context string, a zero
 * byte, the transcript hash up to and including Certificate.
 */
export function certificateVerifyContent(transcriptHash: Uint8Array): Uint8Array {
  const context = Uint8Array.from("TLS 1.3, server CertificateVerify", (c) => c.charCodeAt(0));
  return concatBytes(new Uint8Array(64).fill(0x20), context, Uint8Array.of(0), transcriptHash);
}

export function certificateVerify(scheme: number, signature: Uint8Array): Uint8Array {
  return handshake(HandshakeType.certificate_verify, concatBytes(u16(scheme), vec(2, signature)));
}

export function finished(verifyData: Uint8Array): Uint8Array {
  return handshake(HandshakeType.finished, verifyData);
}

/** KeyUpdate (RFC 8446 4.6.3): request_update 1 asks the peer to update its keys too. */
export function keyUpdate(requestUpdate: boolean): Uint8Array {
  return handshake(HandshakeType.key_update, Uint8Array.of(requestUpdate ? 1 : 0));
}
