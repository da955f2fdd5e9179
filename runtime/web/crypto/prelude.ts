/**
 * What the build puts at the start of the main unit of a firmware whose code uses crypto.subtle,
 * crypto.randomUUID or crypto.seed (tools/lib/units.ts webCryptoPrelude): those three on the
 * global crypto, each loading the unit "webcrypto" (unit.ts) the first time it is used. A firmware
 * that uses none of them carries neither this nor the unit. runtime/crypto.ts keeps them when the
 * board's loop unit installs its random source.
 */
import { image } from "hal";
import type * as Unit from "./unit.ts";

const unit = () => image.load("webcrypto") as typeof Unit;

Object.defineProperties(globalThis.crypto, {
  subtle: { get: () => unit().subtle, configurable: true, enumerable: true },
  randomUUID: { value: () => unit().randomUUID(), writable: true, configurable: true, enumerable: true },
  seed: { value: (entropy: ArrayBuffer | ArrayBufferView) => unit().seed(entropy), writable: true, configurable: true, enumerable: true },
});
