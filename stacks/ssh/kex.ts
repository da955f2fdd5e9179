/**
 * Key exchange: SSH_MSG_KEXINIT (RFC 4253 7.1) built and parsed, the algorithms negotiated, the
 * curve25519-sha256 exchange (RFC 8731 3, the ECDH messages of RFC 5656 4) and its exchange hash,
 * and the keys derived from it (RFC 4253 7.2).
 */
import { x25519 } from "@noble/curves/ed25519.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { aesGcm, chachaPoly, type PacketCipher } from "./cipher.ts";
import { Reason, SshDisconnect } from "./errors.ts";
import { Msg } from "./messages.ts";
import { concatBytes } from "../../runtime/bytes.ts";
import { SshReader, SshWriter, utf8Bytes } from "./wire.ts";

export const STRICT_KEX_SERVER = "kex-strict-s-v00@openssh.com";
export const STRICT_KEX_CLIENT = "kex-strict-c-v00@openssh.com";
export const CHACHA = "chacha20-poly1305@openssh.com";
export const AES_GCM = "aes128-gcm@openssh.com";

/** What this server offers, in order of preference. */
export const SERVER_ALGORITHMS = {
  // curve25519-sha256@libssh.org is the same method under its older name (RFC 8731 1).
  kex: ["curve25519-sha256", "curve25519-sha256@libssh.org"],
  hostKey: ["ssh-ed25519"],
  cipher: [CHACHA, AES_GCM],
  // Both ciphers are AEAD: their tag is the MAC and the negotiated MAC is not used (RFC 5647 5.1,
  // PROTOCOL.chacha20poly1305), but the list may not be empty, so it names a common one.
  mac: ["hmac-sha2-256"],
  compression: ["none"],
} as const;

export interface KexInit {
  readonly payload: Uint8Array;
  readonly kex: string[];
  readonly hostKey: string[];
  readonly cipherC2S: string[];
  readonly cipherS2C: string[];
  readonly macC2S: string[];
  readonly macS2C: string[];
  readonly compressionC2S: string[];
  readonly compressionS2C: string[];
  readonly firstKexFollows: boolean;
}

/** Our KEXINIT payload; `strict` adds the strict-kex marker (OpenSSH PROTOCOL 1.10; only in the first one). */
export function serverKexInit(cookie: Uint8Array, strict: boolean): Uint8Array {
  const a = SERVER_ALGORITHMS;
  const w = new SshWriter().byte(Msg.KEXINIT).raw(cookie);
  w.nameList(strict ? [...a.kex, STRICT_KEX_SERVER] : a.kex).nameList(a.hostKey);
  w.nameList(a.cipher).nameList(a.cipher).nameList(a.mac).nameList(a.mac);
  w.nameList(a.compression).nameList(a.compression).nameList([]).nameList([]);
  return w.boolean(false).uint32(0).bytes();
}

export function parseKexInit(payload: Uint8Array): KexInit {
  const r = new SshReader(payload);
  r.byte();
  r.raw(16, "KEXINIT cookie");
  const kex = r.nameList("kex_algorithms");
  const hostKey = r.nameList("server_host_key_algorithms");
  const cipherC2S = r.nameList("encryption_algorithms_client_to_server");
  const cipherS2C = r.nameList("encryption_algorithms_server_to_client");
  const macC2S = r.nameList("mac_algorithms_client_to_server");
  const macS2C = r.nameList("mac_algorithms_server_to_client");
  const compressionC2S = r.nameList("compression_algorithms_client_to_server");
  const compressionS2C = r.nameList("compression_algorithms_server_to_client");
  r.nameList("languages_client_to_server");
  r.nameList("languages_server_to_client");
  const firstKexFollows = r.boolean("first_kex_packet_follows");
  r.uint32("reserved");
  r.end("KEXINIT");
  return { payload, kex, hostKey, cipherC2S, cipherS2C, macC2S, macS2C, compressionC2S, compressionS2C, firstKexFollows };
}

export interface Negotiated {
  readonly kex: string;
  readonly cipherC2S: string;
  readonly cipherS2C: string;
  /** The client guessed wrong and sent a kex packet already: ignore it (RFC 4253 7). */
  readonly ignoreGuess: boolean;
}

/** RFC 4253 7.1: for each, the first of the client's algorithms that the server also has; none is KEY_EXCHANGE_FAILED. */
export function negotiate(client: KexInit): Negotiated {
  const a = SERVER_ALGORITHMS;
  const pick = (theirs: readonly string[], ours: readonly string[], what: string) => {
    const found = theirs.find((x) => ours.includes(x));
    if (found === undefined) throw new SshDisconnect(Reason.KEY_EXCHANGE_FAILED, `no matching ${what}: the client offers ${theirs.join(",") || "none"}, this server ${ours.join(",")}`);
    return found;
  };
  const kex = pick(client.kex, a.kex, "key exchange method");
  pick(client.hostKey, a.hostKey, "host key algorithm");
  const cipherC2S = pick(client.cipherC2S, a.cipher, "cipher (client to server)");
  const cipherS2C = pick(client.cipherS2C, a.cipher, "cipher (server to client)");
  pick(client.compressionC2S, a.compression, "compression (client to server)");
  pick(client.compressionS2C, a.compression, "compression (server to client)");
  const ignoreGuess = client.firstKexFollows && (client.kex[0] !== kex || client.hostKey[0] !== a.hostKey[0]);
  return { kex, cipherC2S, cipherS2C, ignoreGuess };
}

export interface ExchangeInputs {
  readonly clientVersion: string;
  readonly serverVersion: string;
  readonly clientKexInit: Uint8Array;
  readonly serverKexInit: Uint8Array;
  readonly hostKeyBlob: Uint8Array;
  readonly clientPublic: Uint8Array;
  readonly serverPublic: Uint8Array;
  /** The X25519 shared secret, read as an unsigned big-endian integer (RFC 8731 3.1). */
  readonly sharedSecret: Uint8Array;
}

/** H = SHA-256(string V_C, string V_S, string I_C, string I_S, string K_S, string Q_C, string Q_S, mpint K) (RFC 5656 4, RFC 8731 3). */
export function exchangeHash(x: ExchangeInputs): Uint8Array {
  const w = new SshWriter().string(x.clientVersion).string(x.serverVersion).string(x.clientKexInit).string(x.serverKexInit);
  w.string(x.hostKeyBlob).string(x.clientPublic).string(x.serverPublic).mpint(x.sharedSecret);
  return sha256(w.bytes());
}

/** The X25519 shared secret with the client's Q_C; a point of the wrong size or an all-zero result is KEY_EXCHANGE_FAILED (RFC 8731 3). */
export function sharedSecret(serverSecret: Uint8Array, clientPublic: Uint8Array): Uint8Array {
  if (clientPublic.length !== 32) throw new SshDisconnect(Reason.KEY_EXCHANGE_FAILED, `the client's X25519 key is ${clientPublic.length} bytes, not 32`);
  let k: Uint8Array;
  try {
    k = x25519.getSharedSecret(serverSecret, clientPublic);
  } catch {
    throw new SshDisconnect(Reason.KEY_EXCHANGE_FAILED, "the client's X25519 key gives no shared secret");
  }
  if (k.every((b) => b === 0)) throw new SshDisconnect(Reason.KEY_EXCHANGE_FAILED, "the X25519 shared secret is zero");
  return k;
}

/** RFC 4253 7.2: HASH(K || H || letter || session_id), extended by HASH(K || H || K1 || ...) to `length` bytes. */
export function deriveKey(sharedSecret: Uint8Array, h: Uint8Array, letter: string, sessionId: Uint8Array, length: number): Uint8Array {
  const k = new SshWriter().mpint(sharedSecret).bytes();
  let out: Uint8Array = sha256(concatBytes(k, h, utf8Bytes(letter), sessionId));
  while (out.length < length) out = concatBytes(out, sha256(concatBytes(k, h, out)));
  return out.slice(0, length);
}

/** The two ciphers of a finished exchange: client-to-server (letters A, C) and server-to-client (B, D). */
export function packetCiphers(n: Negotiated, k: Uint8Array, h: Uint8Array, sessionId: Uint8Array): { c2s: PacketCipher; s2c: PacketCipher } {
  const make = (name: string, ivLetter: string, keyLetter: string) =>
    name === CHACHA ? chachaPoly(deriveKey(k, h, keyLetter, sessionId, 64)) : aesGcm(deriveKey(k, h, keyLetter, sessionId, 16), deriveKey(k, h, ivLetter, sessionId, 12));
  return { c2s: make(n.cipherC2S, "A", "C"), s2c: make(n.cipherS2C, "B", "D") };
}
