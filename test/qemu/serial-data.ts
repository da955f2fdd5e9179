/** The 64 KiB serial input test: deterministic pseudo-random bytes and the hash the firmware prints. */
export function serialTestData(size = 64 * 1024): Uint8Array {
  const data = new Uint8Array(size);
  let x = 12345;
  for (let i = 0; i < data.length; i++) data[i] = (x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 24;
  return data;
}

/** FNV-1a, 32-bit, as test/fixtures/loop/uart-checksum.ts computes it. */
export function fnv1a(bytes: Uint8Array): string {
  let h = 0x811c9dc5;
  for (const b of bytes) h = Math.imul(h ^ b, 0x01000193);
  return (h >>> 0).toString(16);
}
