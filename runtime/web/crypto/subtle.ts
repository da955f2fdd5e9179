/**
 * SubtleCrypto (Web Cryptography API § 14): each method normalises its algorithm (§ 18.4: the
 * name matched case-insensitively against the registered ones, NotSupportedError otherwise),
 * checks the key against the operation (InvalidAccessError) and returns a promise: every error,
 * argument conversion included, is a rejection, never a throw. The work itself runs at once,
 * before the method returns (one CPU, no worker to hand it to); only its result waits for the
 * promise jobs.
 */
import { KEY_FORMATS, type CryptoKeyPair, type JsonWebKey, type KeyFormat, type Params, type Provider, type RandomBytes } from "./algorithm.ts";
import { copyBytes, toArrayBuffer } from "./bytes.ts";
import { fail } from "./errors.ts";
import { CryptoKey, KEY_USAGES, keyMaterial, type KeyUsage } from "./key.ts";
import { aesGcmProvider } from "./aes-gcm.ts";
import { hkdfProvider } from "./hkdf.ts";
import { hmacProvider } from "./hmac.ts";
import { ed25519Provider, x25519Provider } from "./okp.ts";
import { ecdhProvider, ecdsaProvider } from "./p256.ts";
import { shaProviders } from "./sha.ts";

const PROVIDERS: readonly Provider[] = [...shaProviders, hmacProvider, hkdfProvider, aesGcmProvider, ed25519Provider, x25519Provider, ecdsaProvider, ecdhProvider];

export type AlgorithmIdentifier = string | { readonly name: string; readonly [member: string]: unknown };
type Operation = Exclude<keyof Provider, "name">;

/** § 18.4.4 "normalize an algorithm" for `op`: the provider and the dictionary with its registered name. */
function normalize(alg: unknown, op: Operation): { provider: Provider; params: Params } {
  const dict = typeof alg === "string" ? { name: alg } : alg;
  if (dict === null || typeof dict !== "object") throw new TypeError(`${op}: the algorithm must be a name or an object with a name`);
  const name = (dict as { name?: unknown }).name;
  if (typeof name !== "string") throw new TypeError(`${op}: the algorithm's name must be a string`);
  const provider = PROVIDERS.find((p) => p.name.toUpperCase() === name.toUpperCase());
  if (!provider || !provider[op]) fail("NotSupportedError", `${op}: algorithm ${JSON.stringify(name)} is not supported${provider ? ` for ${op}` : ""}`);
  return { provider, params: { ...(dict as object), name: provider.name } };
}

function usagesOf(value: unknown, what: string): KeyUsage[] {
  if (!Array.isArray(value)) throw new TypeError(`${what}: keyUsages must be an array`);
  for (const u of value) if (!KEY_USAGES.includes(u as KeyUsage)) throw new TypeError(`${what}: ${JSON.stringify(u)} is not a key usage (${KEY_USAGES.join(", ")})`);
  return value as KeyUsage[];
}

function formatOf(value: unknown, what: string): KeyFormat {
  if (!KEY_FORMATS.includes(value as KeyFormat)) throw new TypeError(`${what}: ${JSON.stringify(value)} is not a key format (${KEY_FORMATS.join(", ")})`);
  return value as KeyFormat;
}

/** The key `key` for operation `usage` with algorithm `name`: another algorithm or a missing usage is InvalidAccessError. */
function checkKey(key: unknown, name: string, usage: KeyUsage, what: string): CryptoKey {
  keyMaterial(key, `${what}: key`);
  const k = key as CryptoKey;
  if (k.algorithm.name !== name) fail("InvalidAccessError", `${what}: the key is a ${k.algorithm.name} key, not ${name}`);
  if (!k.usages.includes(usage)) fail("InvalidAccessError", `${what}: the key's usages (${k.usages.join(", ") || "none"}) do not include "${usage}"`);
  return k;
}

/** Secret and private keys without usages are a SyntaxError (§ 14.3.6 step 9, § 14.3.9 step 9). */
function checkNotEmpty(result: CryptoKey | CryptoKeyPair, what: string): void {
  const key = result instanceof CryptoKey ? result : result.privateKey;
  if (key.type !== "public" && key.usages.length === 0) fail("SyntaxError", `${what}: a ${key.type} key needs at least one usage`);
}

/** Runs `f` as a promise: what it throws becomes the rejection. */
function promise<T>(f: () => T): Promise<T> {
  try {
    return Promise.resolve(f());
  } catch (e) {
    return Promise.reject(e);
  }
}

function boolean(value: unknown): boolean {
  return Boolean(value);
}

export class SubtleCrypto {
  /** `random`: where generateKey draws from (random.ts). */
  constructor(private readonly random: RandomBytes) {}

  digest(algorithm: AlgorithmIdentifier, data: BufferSource): Promise<ArrayBuffer> {
    return promise(() => {
      const bytes = copyBytes(data, "digest: data");
      return toArrayBuffer(normalize(algorithm, "digest").provider.digest!(bytes));
    });
  }

  generateKey(algorithm: "Ed25519" | "X25519" | { readonly name: "Ed25519" | "X25519" }, extractable: boolean, keyUsages: readonly KeyUsage[]): Promise<CryptoKeyPair>;
  generateKey(algorithm: { readonly name: "ECDSA" | "ECDH"; readonly namedCurve: string }, extractable: boolean, keyUsages: readonly KeyUsage[]): Promise<CryptoKeyPair>;
  generateKey(algorithm: { readonly name: "HMAC" | "AES-GCM"; readonly [member: string]: unknown }, extractable: boolean, keyUsages: readonly KeyUsage[]): Promise<CryptoKey>;
  generateKey(algorithm: AlgorithmIdentifier, extractable: boolean, keyUsages: readonly KeyUsage[]): Promise<CryptoKey | CryptoKeyPair>;
  generateKey(algorithm: AlgorithmIdentifier, extractable: boolean, keyUsages: readonly KeyUsage[]): Promise<CryptoKey | CryptoKeyPair> {
    return promise(() => {
      const usages = usagesOf(keyUsages, "generateKey");
      const { provider, params } = normalize(algorithm, "generateKey");
      const result = provider.generateKey!(params, boolean(extractable), usages, this.random);
      checkNotEmpty(result, `generateKey(${provider.name})`);
      return result;
    });
  }

  importKey(format: KeyFormat, keyData: BufferSource | JsonWebKey, algorithm: AlgorithmIdentifier, extractable: boolean, keyUsages: readonly KeyUsage[]): Promise<CryptoKey> {
    return promise(() => {
      const f = formatOf(format, "importKey");
      const data = f === "jwk" ? jwkOf(keyData) : copyBytes(keyData, "importKey: keyData");
      const usages = usagesOf(keyUsages, "importKey");
      const { provider, params } = normalize(algorithm, "importKey");
      const key = provider.importKey!(f, data, params, boolean(extractable), usages);
      checkNotEmpty(key, `importKey(${provider.name})`);
      return key;
    });
  }

  exportKey(format: "jwk", key: CryptoKey): Promise<JsonWebKey>;
  exportKey(format: "raw" | "spki" | "pkcs8", key: CryptoKey): Promise<ArrayBuffer>;
  exportKey(format: KeyFormat, key: CryptoKey): Promise<ArrayBuffer | JsonWebKey>;
  exportKey(format: KeyFormat, key: CryptoKey): Promise<ArrayBuffer | JsonWebKey> {
    return promise(() => {
      const f = formatOf(format, "exportKey");
      keyMaterial(key, "exportKey: key");
      const { provider } = normalize(key.algorithm.name, "exportKey");
      if (!key.extractable) fail("InvalidAccessError", `exportKey(${provider.name}): the key is not extractable`);
      const out = provider.exportKey!(f, key);
      return out instanceof Uint8Array ? toArrayBuffer(out) : out;
    });
  }

  sign(algorithm: AlgorithmIdentifier, key: CryptoKey, data: BufferSource): Promise<ArrayBuffer> {
    return promise(() => {
      const bytes = copyBytes(data, "sign: data");
      const { provider, params } = normalize(algorithm, "sign");
      return toArrayBuffer(provider.sign!(params, checkKey(key, provider.name, "sign", `sign(${provider.name})`), bytes));
    });
  }

  verify(algorithm: AlgorithmIdentifier, key: CryptoKey, signature: BufferSource, data: BufferSource): Promise<boolean> {
    return promise(() => {
      const sig = copyBytes(signature, "verify: signature");
      const bytes = copyBytes(data, "verify: data");
      const { provider, params } = normalize(algorithm, "verify");
      return provider.verify!(params, checkKey(key, provider.name, "verify", `verify(${provider.name})`), sig, bytes);
    });
  }

  encrypt(algorithm: AlgorithmIdentifier, key: CryptoKey, data: BufferSource): Promise<ArrayBuffer> {
    return promise(() => {
      const bytes = copyBytes(data, "encrypt: data");
      const { provider, params } = normalize(algorithm, "encrypt");
      return toArrayBuffer(provider.encrypt!(params, checkKey(key, provider.name, "encrypt", `encrypt(${provider.name})`), bytes));
    });
  }

  decrypt(algorithm: AlgorithmIdentifier, key: CryptoKey, data: BufferSource): Promise<ArrayBuffer> {
    return promise(() => {
      const bytes = copyBytes(data, "decrypt: data");
      const { provider, params } = normalize(algorithm, "decrypt");
      return toArrayBuffer(provider.decrypt!(params, checkKey(key, provider.name, "decrypt", `decrypt(${provider.name})`), bytes));
    });
  }

  deriveBits(algorithm: AlgorithmIdentifier, baseKey: CryptoKey, length?: number | null): Promise<ArrayBuffer> {
    return promise(() => {
      const bits = length === undefined || length === null ? null : integerLength(length);
      const { provider, params } = normalize(algorithm, "deriveBits");
      return toArrayBuffer(provider.deriveBits!(params, checkKey(baseKey, provider.name, "deriveBits", `deriveBits(${provider.name})`), bits));
    });
  }

  deriveKey(algorithm: AlgorithmIdentifier, baseKey: CryptoKey, derivedKeyType: AlgorithmIdentifier, extractable: boolean, keyUsages: readonly KeyUsage[]): Promise<CryptoKey> {
    return promise(() => {
      const usages = usagesOf(keyUsages, "deriveKey");
      const { provider, params } = normalize(algorithm, "deriveBits");
      const derived = normalize(derivedKeyType, "importKey");
      const length = normalize(derivedKeyType, "keyLength").provider.keyLength!(derived.params);
      const base = checkKey(baseKey, provider.name, "deriveKey", `deriveKey(${provider.name})`);
      const secret = provider.deriveBits!(params, base, length);
      const key = derived.provider.importKey!("raw", secret, derived.params, boolean(extractable), usages);
      checkNotEmpty(key, `deriveKey(${derived.provider.name})`);
      return key;
    });
  }

  get [Symbol.toStringTag](): string {
    return "SubtleCrypto";
  }
}

/** deriveBits' length: an unsigned long (Web IDL § 3.2.4.9 conversion without [EnforceRange]). */
function integerLength(value: unknown): number {
  const n = Number(value);
  if (!Number.isFinite(n)) return 0;
  return (Math.trunc(n) % 2 ** 32 + 2 ** 32) % 2 ** 32;
}

/** A JsonWebKey dictionary: an object, members of the right types (TypeError otherwise). */
function jwkOf(value: unknown): JsonWebKey {
  if (value === null || typeof value !== "object" || ArrayBuffer.isView(value) || value instanceof ArrayBuffer) throw new TypeError("importKey: a jwk key must be a JsonWebKey object");
  const jwk = value as Record<string, unknown>;
  for (const k of ["kty", "crv", "x", "y", "d", "k", "alg", "use"]) {
    if (jwk[k] !== undefined && typeof jwk[k] !== "string") throw new TypeError(`importKey: the JWK's ${k} must be a string`);
  }
  if (jwk.kty === undefined) throw new TypeError("importKey: the JWK needs kty");
  return { ...(jwk as JsonWebKey), ...(jwk.ext === undefined ? {} : { ext: Boolean(jwk.ext) }) };
}

export type BufferSource = ArrayBuffer | ArrayBufferView;
