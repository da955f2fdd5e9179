/**
 * The network boot tests' scenario (test/qemu/network*.test.ts): a firmware built from
 * test/fixtures/net/echo.ts pings slirp's gateway and echoes, on TCP port 80, what a host client
 * sends through `--forward`. slirp accepts the host's connect at once, before the guest has
 * answered: only bytes coming back prove the path.
 */
import * as assert from "uvu/assert";
import net from "node:net";
import { runQemu, type QemuResult } from "../../tools/lib/qemu.ts";
import { loadLineMapper } from "../../tools/lib/source-map.ts";
import type { Firmware } from "../../tools/lib/build.ts";
import { freePort } from "../../tools/lib/free-port.ts";

export { freePort };


/** Connects to `port`, sends `data`, resolves with every byte received until the firmware closes. */
export function exchange(port: number, data: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const sock = net.connect(port, "127.0.0.1");
    sock.setTimeout(20_000, () => sock.destroy(new Error(`no answer from the firmware on 127.0.0.1:${port} in 20 s`)));
    sock.on("connect", () => sock.write(data));
    sock.on("data", (c) => {
      chunks.push(c);
      // Everything back: close our side; the firmware closes its own on our FIN.
      if (Buffer.concat(chunks).length >= data.length) sock.end();
    });
    sock.on("error", reject);
    sock.on("close", () => resolve(Buffer.concat(chunks)));
  });
}

/**
 * Boots `fw` with guest port 80 forwarded to a free host port, and once the firmware prints
 * "listening on 80" runs `client` against that host port. Returns the run and what the client
 * gave (undefined if the firmware never got that far).
 */
export async function bootWithClient<T>(fw: Firmware, client: (port: number) => Promise<T>): Promise<{ run: QemuResult; answer: Promise<T> | undefined }> {
  const port = await freePort();
  let answer: Promise<T> | undefined;
  let seen = "";
  const run = await runQemu({
    board: fw.board,
    elf: fw.elf,
    timeoutS: 90,
    input: "",
    mapLine: loadLineMapper(fw.bundles),
    forwards: [{ protocol: "tcp", hostPort: port, guestPort: 80 }],
    onOutput: (text) => {
      seen += text;
      if (answer === undefined && seen.includes("listening on 80\n")) {
        answer = client(port);
        // Awaited by the caller after the run; a failure before then must not end the test process.
        answer.catch(() => undefined);
      }
    },
  });
  return { run, answer };
}

/**
 * Boots `fw` with port 80 forwarded, and requires: the NIC line `nic` first, a ping of 10.0.2.2,
 * 3000 bytes of every value (more than one segment, MSS 1460) echoed back intact, and exit 0.
 */
export async function expectPingAndEcho(fw: Firmware, nic: RegExp): Promise<void> {
  const data = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7) % 256));
  const { run: r, answer: echoed } = await bootWithClient(fw, (port) => exchange(port, data));
  assert.is(r.timedOut, false, r.output);
  assert.match(r.output, nic);
  assert.match(r.output, /\nping 10\.0\.2\.2 rtt \d+ ms\nlistening on 80\ntcp connection\n/);
  assert.match(r.output, /\ntcp closed closed after 3000 bytes\n/);
  assert.ok(echoed, r.output);
  const back = await echoed;
  assert.is(back.length, data.length);
  assert.ok(back.equals(data), "the echoed bytes differ from those sent");
  assert.is(r.code, 0, r.output + r.stderr);
}
