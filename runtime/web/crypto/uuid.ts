/** crypto.randomUUID() (Web Cryptography API § 10.1.2): an RFC 9562 § 5.4 version 4 UUID, lower-case. */
import type { RandomBytes } from "./algorithm.ts";

export function randomUUIDWith(random: RandomBytes): () => string {
  return () => {
    const b = random(16, "crypto.randomUUID");
    b[6] = (b[6] & 0x0f) | 0x40; // version 4 (RFC 9562 § 4.2)
    b[8] = (b[8] & 0x3f) | 0x80; // variant 10 (§ 4.1)
    const hex = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  };
}
