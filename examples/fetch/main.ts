/**
 * Fetches one URL, given at build time, and prints the response's status, its headers and the
 * SHA-256 of its body, then exits 0; a failure (no network, DNS, connection, a body cut off, 60 s
 * without an answer) prints the error and exits 1. fetch() is the lazily loaded global
 * (runtime/web/http.ts) on the board's default network, configured by DHCP on first use.
 *
 *   npm run qemu -- --board microvm --app examples/fetch/main.ts --forward tcp:8080:80 \
 *     --define FETCH_URL=http://10.0.2.2:8000/
 *
 * (under QEMU's user-mode networking 10.0.2.2 is the host; README.md).
 */
import { cpu } from "hal";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex } from "@noble/hashes/utils.js";

/** The URL, from `--define FETCH_URL=...` (tools/lib/defines.ts). */
declare const FETCH_URL: string;

async function main(): Promise<void> {
  if (typeof FETCH_URL === "undefined") {
    throw new Error("no URL: build with --define FETCH_URL=http://<host>[:<port>]/<path>");
  }
  console.log(`fetch ${FETCH_URL}`);
  const res = await fetch(FETCH_URL, { signal: AbortSignal.timeout(60_000) });
  console.log(`status ${res.status} ${res.statusText}`);
  res.headers.forEach((value, name) => console.log(`header ${name}: ${value}`));
  // The body hashed as it arrives: a large one is never held whole.
  const hash = sha256.create();
  let length = 0;
  if (res.body !== null) {
    for await (const chunk of res.body) {
      hash.update(chunk);
      length += chunk.length;
    }
  }
  console.log(`body ${length} bytes sha256 ${bytesToHex(hash.digest())}`);
}

main().then(
  () => cpu.exit(0),
  (error: unknown) => {
    // fetch's network errors are TypeError("fetch failed") with the reason as their `cause`, as
    // in Node; console.error prints the cause too.
    console.error("fetch failed:", error);
    cpu.exit(1);
  },
);
