/**
 * CryptoKey (Web Cryptography API § 13): type, extractable, algorithm and usages, and the key
 * material in an internal slot out of the app's reach. Only this unit creates them (the
 * constructor is "Illegal constructor" for anyone else, as in browsers and Node).
 */
export type KeyType = "secret" | "public" | "private";
export type KeyUsage = "encrypt" | "decrypt" | "sign" | "verify" | "deriveKey" | "deriveBits" | "wrapKey" | "unwrapKey";
export const KEY_USAGES: readonly KeyUsage[] = ["encrypt", "decrypt", "sign", "verify", "deriveKey", "deriveBits", "wrapKey", "unwrapKey"];

/** The `algorithm` a key reports (KeyAlgorithm and its HMAC, AES and EC dictionaries). */
export interface KeyAlgorithm {
  readonly name: string;
  readonly hash?: { readonly name: string };
  readonly length?: number;
  readonly namedCurve?: string;
}

/** What a key holds: the secret or private scalar/seed, or the public key (encoded as raw). */
export interface KeyMaterial {
  readonly bytes: Uint8Array;
  /** The public key of a private asymmetric key (raw encoding), for pkcs8/jwk export. */
  readonly publicBytes?: Uint8Array;
}

const CONSTRUCT = Symbol("CryptoKey");
const slots = new WeakMap<CryptoKey, KeyMaterial>();

export class CryptoKey {
  readonly type!: KeyType;
  readonly extractable!: boolean;
  readonly algorithm!: KeyAlgorithm;
  readonly usages!: KeyUsage[];

  constructor(token?: unknown) {
    if (token !== CONSTRUCT) throw new TypeError("Illegal constructor");
  }

  get [Symbol.toStringTag](): string {
    return "CryptoKey";
  }
}

/** A new key; `usages` are kept in the specification's order, without repeats (§ 13.3 normalisation as Node and browsers do). */
export function makeKey(type: KeyType, extractable: boolean, algorithm: KeyAlgorithm, usages: readonly KeyUsage[], material: KeyMaterial): CryptoKey {
  const key = new CryptoKey(CONSTRUCT);
  const ordered = KEY_USAGES.filter((u) => usages.includes(u));
  for (const [name, value] of [["type", type], ["extractable", extractable], ["algorithm", algorithm], ["usages", ordered]] as const) {
    Object.defineProperty(key, name, { value, enumerable: true });
  }
  slots.set(key, material);
  return key;
}

/** The material of `key`; a value that is no CryptoKey of this unit is a TypeError naming `what`. */
export function keyMaterial(key: unknown, what: string): KeyMaterial {
  const m = key instanceof CryptoKey ? slots.get(key) : undefined;
  if (!m) throw new TypeError(`${what} must be a CryptoKey`);
  return m;
}
