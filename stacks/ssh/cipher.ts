/**
 * The two packet ciphers, both AEAD (the MAC is the cipher's tag, so no separate MAC algorithm is
 * negotiated: RFC 5647 5.1, PROTOCOL.chacha20poly1305), and the cleartext "none" of the first key
 * exchange (RFC 4253 6.3). Each seals a whole binary packet (uint32 packet_length, then
 * padding_length, payload, padding) and opens one, checking the tag before anything is decrypted.
 */
import { chacha20orig } from "@noble/ciphers/chacha.js";
import { poly1305 } from "@noble/ciphers/_poly1305.js";
import { gcm } from "@noble/ciphers/aes.js";
import { Reason, SshDisconnect } from "./errors.ts";
import { equalBytes, readU32BE, writeU32BE } from "../../runtime/bytes.ts";

export interface PacketCipher {
  /** Alignment of padding_length..padding (and of the length field too for "none"). */
  readonly blockSize: number;
  /** Bytes of tag after the packet. */
  readonly tagLength: number;
  /** Whether the 4-byte length field counts toward the alignment (only for "none": RFC 4253 6; an AEAD leaves it out). */
  readonly lengthAligned: boolean;
  /** packet_length from the packet's first 4 bytes. */
  packetLength(head: Uint8Array, seq: number): number;
  /** The packet (4 + packet_length + tag bytes) checked and decrypted: padding_length, payload, padding. */
  open(packet: Uint8Array, seq: number): Uint8Array;
  /** The plain packet (4-byte length, then the rest) encrypted, with its tag appended. */
  seal(plain: Uint8Array, seq: number): Uint8Array;
}

const macError = () => new SshDisconnect(Reason.MAC_ERROR, "corrupt packet: message authentication failed");

/** The packet_length field (RFC 4253 6), in the first four bytes. */
function readLength(b: Uint8Array): number {
  return readU32BE(b, 0);
}

export const noneCipher: PacketCipher = {
  blockSize: 8,
  tagLength: 0,
  lengthAligned: true,
  packetLength: (head) => readLength(head),
  open: (packet) => packet.subarray(4),
  seal: (plain) => plain,
};

/** The 64-bit nonce of chacha20-poly1305@openssh.com: the packet sequence number, big-endian. */
function seqNonce(seq: number): Uint8Array {
  const n = new Uint8Array(8);
  writeU32BE(n, 4, seq);
  return n;
}

/**
 * chacha20-poly1305@openssh.com (OpenSSH PROTOCOL.chacha20poly1305): 64 bytes of key, the first
 * 32 are K_2 (payload, and the Poly1305 key as K_2's block 0), the second 32 K_1 (the length
 * field alone). The Poly1305 tag covers the encrypted length and the encrypted rest; the payload
 * is encrypted from block counter 1.
 */
export function chachaPoly(key: Uint8Array): PacketCipher {
  if (key.length !== 64) throw new RangeError("chacha20-poly1305@openssh.com needs 64 bytes of key");
  const k2 = key.slice(0, 32);
  const k1 = key.slice(32, 64);
  const polyKey = (nonce: Uint8Array) => chacha20orig(k2, nonce, new Uint8Array(32), undefined, 0);
  return {
    blockSize: 8,
    tagLength: 16,
    lengthAligned: false,
    packetLength: (head, seq) => readLength(chacha20orig(k1, seqNonce(seq), head.subarray(0, 4), undefined, 0)),
    open(packet, seq) {
      const nonce = seqNonce(seq);
      const body = packet.subarray(0, packet.length - 16);
      const tag = poly1305(body, polyKey(nonce));
      if (!equalBytes(tag, packet.subarray(packet.length - 16))) throw macError();
      return chacha20orig(k2, nonce, body.subarray(4), undefined, 1);
    },
    seal(plain, seq) {
      const nonce = seqNonce(seq);
      const out = new Uint8Array(plain.length + 16);
      out.set(chacha20orig(k1, nonce, plain.subarray(0, 4), undefined, 0), 0);
      out.set(chacha20orig(k2, nonce, plain.subarray(4), undefined, 1), 4);
      out.set(poly1305(out.subarray(0, plain.length), polyKey(nonce)), plain.length);
      return out;
    },
  };
}

/**
 * aes128-gcm@openssh.com (RFC 5647 7): the length field in clear as the additional data, a
 * 12-byte nonce of a 4-byte fixed field and an 8-byte invocation counter that starts at the
 * value from the key exchange and grows by one per packet (7.1), a 16-byte tag.
 */
export function aesGcm(key: Uint8Array, iv: Uint8Array): PacketCipher {
  if (key.length !== 16 || iv.length !== 12) throw new RangeError("aes128-gcm@openssh.com needs a 16-byte key and a 12-byte IV");
  const nonce = iv.slice();
  const next = () => {
    const current = nonce.slice();
    // The invocation counter is the last 8 bytes, big-endian, incremented modulo 2^64.
    for (let i = 11; i >= 4; i--) if (++nonce[i] <= 0xff) break; else nonce[i] = 0;
    return current;
  };
  return {
    blockSize: 16,
    tagLength: 16,
    lengthAligned: false,
    packetLength: (head) => readLength(head),
    open(packet) {
      const aad = packet.subarray(0, 4);
      try {
        return gcm(key, next(), aad).decrypt(packet.subarray(4));
      } catch {
        throw macError();
      }
    },
    seal(plain) {
      const aad = plain.subarray(0, 4);
      const out = new Uint8Array(plain.length + 16);
      out.set(aad, 0);
      out.set(gcm(key, next(), aad).encrypt(plain.subarray(4)), 4);
      return out;
    },
  };
}
