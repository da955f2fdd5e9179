/**
 * The image unit "webcrypto" (tools/lib/units.ts): the firmware's crypto.subtle, randomUUID and
 * seed, which the main unit's prelude (prelude.ts) defines on the global crypto and loads from
 * here on first use. The entropy is whatever crypto.getRandomValues() draws at the time: the
 * engine's placeholder starts the board's loop unit, which installs the hardware source, or
 * throws when the board has none.
 */
import { createWebCrypto } from "./webcrypto.ts";

const webCrypto = createWebCrypto((bytes) => {
  crypto.getRandomValues(bytes);
});

export const subtle = webCrypto.subtle;
export const randomUUID = webCrypto.randomUUID;
export const seed = webCrypto.seed;
export { CryptoKey } from "./key.ts";
export { SubtleCrypto } from "./subtle.ts";
