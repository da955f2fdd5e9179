/**
 * The network examples under QEMU's user-mode networking on the three boards with a network
 * device: microvm (virtio-net), mx6ullevk (i.MX ENET) and sifive_u (Cadence GEM); the last two
 * have no random source, so the default network warns and falls back to Math.random (API point 5).
 *
 * Host to firmware, through --forward (tools/lib/forward.ts, on a free host port):
 * - examples/http-server: GET / (the board named), /bytes?n= (content, bad n), a 1 MiB POST to
 *   /echo (SHA-256 both ways), 20 keep-alive clients × 50 requests, a silent half request timed
 *   out by the server and /stats then back to one connection (test/support/http-example-checks.ts);
 * - examples/udp-echo: datagrams to udp:H:7 come back unchanged.
 * Firmware to host (slirp's 10.0.2.2 is the host's 127.0.0.1):
 * - examples/fetch built with --define FETCH_URL=http://10.0.2.2:<port>/... of a Node server here:
 *   status, headers and SHA-256 printed and checked;
 * - test/fixtures/net/client.ts: DHCP, a ping of the gateway, DNS through a DNS server here (slirp's
 *   10.0.2.3 forwards to the host's resolver, which without internet answers nothing
 *   deterministic), a datagram to a UDP echo server here and back.
 * Every QEMU run has a timeout; a server firmware is stopped through runQemu's signal.
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import http from "node:http";
import dgram from "node:dgram";
import { createHash } from "node:crypto";
import { build } from "./boot.ts";
import { runQemu, type QemuResult } from "../../tools/lib/qemu.ts";
import { loadLineMapper } from "../../tools/lib/source-map.ts";
import { repoPath } from "../../tools/lib/paths.ts";
import type { Firmware } from "../../tools/lib/build.ts";
import type { Forward } from "../../tools/lib/forward.ts";
import { freePort } from "../support/net-boot.ts";
import { startDnsServer } from "../support/dns-server.ts";
import { checkBytes, checkEcho, checkKeepAlive, checkPage, checkSilentClient, stats, step } from "../support/http-example-checks.ts";

const example = (name: string): string => repoPath("examples", name, "main.ts");
const NO_RNG_WARNING = "network: this board has no random source; TCP sequence numbers, ports and DNS ids are predictable\n";
/** examples/http-server's timeouts (its `limits`). */
const SERVER_TIMEOUTS = { headerTimeoutMs: 5_000, idleTimeoutMs: 5_000 };

/**
 * Boots `fw` with `forwards`, waits for `ready` on the console, runs `exercise`, then stops QEMU
 * (the examples serve until stopped). The firmware must not have exited on its own.
 */
async function serveAndExercise<T>(fw: Firmware, forwards: Forward[], ready: RegExp, exercise: () => Promise<T>, timeoutS = 180): Promise<{ result: QemuResult; value: T }> {
  const stop = new AbortController();
  let seen = "";
  let started: Promise<unknown> | undefined;
  let failed = false;
  const run = runQemu({
    board: fw.board,
    elf: fw.elf,
    timeoutS,
    input: "",
    mapLine: loadLineMapper(fw.bundles),
    forwards,
    signal: stop.signal,
    onOutput: (text) => {
      seen += text;
      if (started === undefined && ready.test(seen)) {
        started = exercise().then(
          (v) => v,
          (e: unknown) => {
            failed = true;
            return e;
          },
        ).finally(() => stop.abort());
      }
    },
  });
  const result = await run;
  assert.ok(started, `the firmware never printed ${ready}:\n${result.output}${result.stderr}`);
  const outcome = await started;
  if (failed) {
    // The firmware's console tells why, when the failure was on its side.
    if (outcome instanceof Error) outcome.message += `\n--- firmware console:\n${result.output}`;
    throw outcome;
  }
  assert.ok(result.stopped, `the firmware ended by itself (exit ${result.code}):\n${result.output}${result.stderr}`);
  return { result, value: outcome as T };
}

/** Sends each datagram to 127.0.0.1:port and waits for it back (up to 3 tries, 2 s each: UDP may drop). */
async function udpRoundTrips(port: number, datagrams: Buffer[]): Promise<void> {
  const sock = dgram.createSocket("udp4");
  await new Promise<void>((r) => sock.bind(0, "127.0.0.1", () => r()));
  try {
    for (const d of datagrams) {
      let back: Buffer | undefined;
      for (let attempt = 0; attempt < 3 && back === undefined; attempt++) {
        back = await new Promise<Buffer | undefined>((resolve) => {
          const timer = setTimeout(() => done(undefined), 2000);
          const onMessage = (m: Buffer) => {
            if (m.equals(d)) done(m);
          };
          const done = (m: Buffer | undefined) => {
            clearTimeout(timer);
            sock.off("message", onMessage);
            resolve(m);
          };
          sock.on("message", onMessage);
          sock.send(d, port, "127.0.0.1");
        });
      }
      assert.ok(back, `a ${d.length}-byte datagram did not come back in 3 tries`);
    }
  } finally {
    sock.close();
  }
}

/** A Node HTTP server on 127.0.0.1 serving one body at /blob, with a header of its own, chunked (Node's default without a length). */
async function blobServer(body: Buffer): Promise<{ port: number; requests: http.IncomingHttpHeaders[]; close(): Promise<void> }> {
  const requests: http.IncomingHttpHeaders[] = [];
  const server = http.createServer((req, res) => {
    requests.push(req.headers);
    if (req.url !== "/blob") res.writeHead(404).end("not here\n");
    else res.writeHead(200, { "content-type": "application/octet-stream", "x-tsmetal-test": "blob" }).end(body);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const port = (server.address() as { port: number }).port;
  return { port, requests, close: () => new Promise((r) => server.close(() => r())) };
}

function networkSuite(board: string, randomSource: boolean): void {
  const test = suite(`network examples on ${board}`);
  const warning = (output: string) => {
    if (randomSource) assert.not.ok(output.includes(NO_RNG_WARNING), output);
    else assert.ok(output.includes(NO_RNG_WARNING), `no random-source warning:\n${output}`);
  };

  test("http-server: the page, /bytes, a 1 MiB echo, 20 keep-alive clients × 50 requests, a silent client timed out", async () => {
    const fw = await build(example("http-server"), { board });
    const port = await freePort();
    const { result, value } = await serveAndExercise(fw, [{ protocol: "tcp", hostPort: port, guestPort: 80 }], /http-server listening on http:\/\/10\.0\.2\.15:80\n/, async () => {
      await step("GET /", () => checkPage(port, board, "10.0.2.15"));
      await step("GET /bytes", () => checkBytes(port));
      await step("POST /echo", () => checkEcho(port));
      const keepAlive = await step("keep-alive clients", () => checkKeepAlive(port));
      const silent = await step("a silent client", () => checkSilentClient(port, { ...SERVER_TIMEOUTS, slackMs: 3_000 }));
      return { keepAlive, silent, stats: await stats(port) };
    });
    warning(result.output);
    // Every request answered, none failed: 1 + 6 + 8 + 2 + 1 (the echo) + 1000 + the /stats polls.
    assert.is(value.stats.server.errors, 0);
    assert.ok(value.stats.server.requests >= 1018, JSON.stringify(value.stats));
    assert.not.match(result.output, /Error|failed/, result.output);
  });

  test("udp-echo: datagrams sent to the forwarded port 7 come back unchanged", async () => {
    const fw = await build(example("udp-echo"), { board });
    const port = await freePort();
    const datagrams = [Buffer.from("x"), Buffer.from("hello, tsmetal\n"), Buffer.from(Array.from({ length: 1472 }, (_, i) => (i * 13) & 0xff))];
    const { result } = await serveAndExercise(fw, [{ protocol: "udp", hostPort: port, guestPort: 7 }], /udp-echo on 10\.0\.2\.15:7\n/, () => udpRoundTrips(port, datagrams));
    warning(result.output);
  });

  test("fetch: a URL given with --define, from a Node server on the host: status, headers, SHA-256", async () => {
    const body = Buffer.from(Array.from({ length: 100_000 }, (_, i) => (i * 31 + (i >> 8)) & 0xff));
    const server = await blobServer(body);
    try {
      const url = `http://10.0.2.2:${server.port}/blob`;
      const fw = await build(example("fetch"), { board, defines: { FETCH_URL: url } });
      const r = await runQemu({ board: fw.board, elf: fw.elf, timeoutS: 120, input: "", mapLine: loadLineMapper(fw.bundles), forwards: [], onOutput: () => {} });
      assert.is(r.timedOut, false, r.output);
      const lines = r.output.split("\n");
      const sha = createHash("sha256").update(body).digest("hex");
      for (const line of [`fetch ${url}`, "status 200 OK", "header x-tsmetal-test: blob", "header transfer-encoding: chunked", `body 100000 bytes sha256 ${sha}`]) {
        assert.ok(lines.includes(line), `no line "${line}" in:\n${r.output}${r.stderr}`);
      }
      assert.ok(lines.indexOf(`fetch ${url}`) < lines.indexOf("status 200 OK"), r.output);
      assert.is(r.code, 0, r.output + r.stderr);
      warning(r.output);
      assert.is(server.requests.length, 1);
      assert.is(server.requests[0]["user-agent"], "tsmetal");
      assert.is(server.requests[0].host, `10.0.2.2:${server.port}`);
    } finally {
      await server.close();
    }
  });

  if (board === "microvm") {
    test("fetch: a refused connection is 'fetch failed' with its cause, exit 1; a build without FETCH_URL says how to give one", async () => {
      const closed = await freePort();
      const fw = await build(example("fetch"), { board, defines: { FETCH_URL: `http://10.0.2.2:${closed}/` } });
      const r = await runQemu({ board: fw.board, elf: fw.elf, timeoutS: 60, input: "", mapLine: loadLineMapper(fw.bundles), forwards: [], onOutput: () => {} });
      assert.match(r.output, /^fetch failed: TypeError: fetch failed/m, r.output);
      assert.match(r.output, /^ {2}\[cause\]: ConnectionClosedError: connection refused$/m, r.output);
      assert.not.match(r.output, /^status /m);
      assert.is(r.code, 1, r.output);
      const none = await build(example("fetch"), { board });
      const n = await runQemu({ board: none.board, elf: none.elf, timeoutS: 60, input: "", mapLine: loadLineMapper(none.bundles), forwards: [], onOutput: () => {} });
      assert.match(n.output, /^fetch failed: Error: no URL: build with --define FETCH_URL=http:\/\/<host>\[:<port>\]\/<path>$/m, n.output);
      assert.is(n.code, 1, n.output);
    });
  }

  test("client: DHCP, a ping of the gateway, DNS through the test's server, UDP to the host and back", async () => {
    const dns = await startDnsServer({ "files.tsmetal.test": "10.0.2.2" });
    const echo = dgram.createSocket("udp4");
    echo.on("message", (m, from) => echo.send(m, from.port, from.address));
    await new Promise<void>((r) => echo.bind(0, "127.0.0.1", () => r()));
    try {
      const fw = await build(repoPath("test/fixtures/net/client.ts"), { board, defines: { DNS_PORT: String(dns.port), UDP_PORT: String(echo.address().port) } });
      const r = await runQemu({ board: fw.board, elf: fw.elf, timeoutS: 120, input: "", mapLine: loadLineMapper(fw.bundles), forwards: [], onOutput: () => {} });
      assert.is(r.timedOut, false, r.output);
      const expected = [
        /^address 10\.0\.2\.15 gateway 10\.0\.2\.2 dns 10\.0\.2\.3$/m,
        /^ping 10\.0\.2\.2 rtt \d+ ms$/m,
        /^resolved files\.tsmetal\.test 10\.0\.2\.2\nresolved missing\.tsmetal\.test NXDOMAIN$/m,
        new RegExp(`^udp echo from 10\\.0\\.2\\.2:${echo.address().port} 300 bytes intact$`, "m"),
      ];
      for (const re of expected) assert.match(r.output, re, `no ${re} in:\n${r.output}${r.stderr}`);
      assert.is(r.code, 0, r.output + r.stderr);
      assert.equal(dns.asked, ["files.tsmetal.test", "missing.tsmetal.test"]);
      warning(r.output);
    } finally {
      await dns.close();
      echo.close();
    }
  });

  test.run();
}

networkSuite("microvm", true);
networkSuite("mx6ullevk", false);
networkSuite("sifive_u", false);
