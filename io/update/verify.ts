/**
 * Ed25519 (RFC 8032 §5.1.7) verification of app units on the device, from the audited
 * @noble/curves (as stacks/ssh/auth.ts); bundled only into updatable firmwares (io/update/agent.ts).
 */
import { ed25519 } from "@noble/curves/ed25519.js";

/** Whether `signature` is `publicKey`'s over `message`; a malformed key or signature is `false`. */
export function verifyEd25519(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  try {
    return ed25519.verify(signature, message, publicKey);
  } catch {
    return false;
  }
}
