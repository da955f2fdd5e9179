/**
 * The ChaCha20 block function as a keystream (RFC 8439, 2.3 and 2.4): 64 bytes per block from a
 * 256-bit key, a 96-bit nonce and a 32-bit block counter. Used to stretch a seed into random
 * bytes (soc/pc/entropy.ts), not to encrypt: @noble/ciphers has ChaCha20 too, but runtime/ and
 * soc/ may not import it (docs/architecture.md) and its module brings Poly1305 and helpers the
 * firmware image would carry; the block function is the 30 lines below, checked against RFC 8439's
 * test vectors (test/runtime/chacha20.test.ts).
 */

const SIGMA = [0x61707865, 0x3320646e, 0x79622d32, 0x6b206574]; // "expand 32-byte k"

function quarter(s: Uint32Array, a: number, b: number, c: number, d: number): void {
  s[a] += s[b]; s[d] ^= s[a]; s[d] = (s[d] << 16) | (s[d] >>> 16);
  s[c] += s[d]; s[b] ^= s[c]; s[b] = (s[b] << 12) | (s[b] >>> 20);
  s[a] += s[b]; s[d] ^= s[a]; s[d] = (s[d] << 8) | (s[d] >>> 24);
  s[c] += s[d]; s[b] ^= s[c]; s[b] = (s[b] << 7) | (s[b] >>> 25);
}

/** One 64-byte block (RFC 8439, 2.3.1) for `key` (32 bytes), `counter` and `nonce` (12 bytes). */
export function chacha20Block(key: Uint8Array, counter: number, nonce: Uint8Array): Uint8Array {
  if (key.length !== 32 || nonce.length !== 12) throw new RangeError("chacha20Block: the key is 32 bytes and the nonce 12");
  const input = new Uint32Array(16);
  input.set(SIGMA);
  const k = new DataView(key.buffer, key.byteOffset, 32), n = new DataView(nonce.buffer, nonce.byteOffset, 12);
  for (let i = 0; i < 8; i++) input[4 + i] = k.getUint32(4 * i, true);
  input[12] = counter >>> 0;
  for (let i = 0; i < 3; i++) input[13 + i] = n.getUint32(4 * i, true);
  const s = input.slice();
  for (let round = 0; round < 10; round++) {
    quarter(s, 0, 4, 8, 12); quarter(s, 1, 5, 9, 13); quarter(s, 2, 6, 10, 14); quarter(s, 3, 7, 11, 15);
    quarter(s, 0, 5, 10, 15); quarter(s, 1, 6, 11, 12); quarter(s, 2, 7, 8, 13); quarter(s, 3, 4, 9, 14);
  }
  const out = new Uint8Array(64), o = new DataView(out.buffer);
  for (let i = 0; i < 16; i++) o.setUint32(4 * i, (s[i] + input[i]) >>> 0, true);
  return out;
}

/**
 * An endless ChaCha20 keystream under `key` (nonce 0, counter from 0; RFC 8439, 2.4). After 2^32
 * blocks (256 GiB) the counter would wrap and repeat the stream, so it throws instead.
 */
export class ChaCha20Stream {
  private readonly key: Uint8Array;
  private readonly nonce = new Uint8Array(12);
  private counter = 0;
  private block: Uint8Array = new Uint8Array(0);
  private used = 0;

  constructor(key: Uint8Array) {
    if (key.length !== 32) throw new RangeError("ChaCha20Stream: the key is 32 bytes");
    this.key = key.slice();
  }

  /** XORs the next `bytes.length` keystream bytes into `bytes`. */
  xorInto(bytes: Uint8Array): void {
    for (let i = 0; i < bytes.length; i++) {
      if (this.used === this.block.length) {
        if (this.counter > 0xffffffff) throw new RangeError("ChaCha20Stream: the keystream is used up (2^32 blocks)");
        this.block = chacha20Block(this.key, this.counter++, this.nonce);
        this.used = 0;
      }
      bytes[i] ^= this.block[this.used++];
    }
  }
}
