import { suite } from "uvu";
import * as assert from "uvu/assert";
import { execFile } from "node:child_process";
import https from "node:https";
import net from "node:net";
import { build, fixture } from "./boot.ts";
import { runQemu } from "../../tools/lib/qemu.ts";
import { loadLineMapper } from "../../tools/lib/source-map.ts";
import { freePort } from "../support/net-boot.ts";
import { testKeys } from "../support/tls/keys.ts";
import { clientHello, record } from "../support/tls/session.ts";

// HTTPS from the firmware (serve({ port: 443, tls }), test/fixtures/net/https.ts) on microvm under
// slirp, against the clients people use: Debian's openssl s_client (each cipher suite asked for in
// turn, a HelloRetryRequest forced by offering a P-256 share first, TLS 1.2 refused), curl
// --cacert, Node's https with the certificate as CA; and a malformed ClientHello answered with
// decode_error. One boot; the clients run one after the other, GET /exit ends it.
const test = suite("HTTPS on microvm");

function run(cmd: string, args: readonly string[], input = ""): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const child = execFile(cmd, args, { timeout: 60_000, encoding: "utf8" }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === "number" ? err.code : 1) : 0, out: stdout + stderr });
    });
    child.stdin?.end(input);
  });
}

const request = (path: string) => `GET ${path} HTTP/1.1\r\nHost: device.test\r\nConnection: close\r\n\r\n`;

function sClient(port: number, ca: string, extra: readonly string[], path = "/"): Promise<{ code: number; out: string }> {
  return run("openssl", ["s_client", "-connect", `127.0.0.1:${port}`, "-servername", "device.test", "-CAfile", ca, "-alpn", "http/1.1", "-ign_eof", ...extra], request(path));
}

function nodeGet(port: number, ca: string, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const r = https.get({ host: "127.0.0.1", servername: "localhost", port, path, ca, timeout: 30_000 }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => (text += d));
      res.on("end", () => resolve(`${res.statusCode} ${text}`));
    });
    r.on("timeout", () => r.destroy(new Error("no answer in 30 s")));
    r.on("error", reject);
  });
}

/** Sends raw bytes and collects what comes back until the firmware closes. */
function raw(port: number, bytes: Uint8Array): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const s = net.connect(port, "127.0.0.1", () => s.write(bytes));
    s.setTimeout(30_000, () => s.destroy(new Error("no close in 30 s")));
    s.on("data", (d: Buffer) => chunks.push(d));
    s.on("error", reject);
    s.on("close", () => resolve(Buffer.concat(chunks)));
  });
}

test("openssl s_client (both suites, HRR), curl and Node's https get answers; TLS 1.2 and a malformed ClientHello get their alerts", async () => {
  const keys = testKeys("ed25519");
  const fw = await build(fixture("net/https.ts"), { board: "microvm", defines: { TLS_CERT: keys.cert, TLS_KEY: keys.key } });
  assert.ok(fw.bundles.some((b) => b.unit === "tls"), "the tls unit is in the image");
  const port = await freePort();
  const results: Record<string, string> = {};
  let clients: Promise<void> | undefined;
  let seen = "";
  const qemu = runQemu({
    board: fw.board,
    elf: fw.elf,
    timeoutS: 240,
    input: "",
    mapLine: loadLineMapper(fw.bundles),
    forwards: [{ protocol: "tcp", hostPort: port, guestPort: 443 }],
    onOutput: (text) => {
      seen += text;
      if (clients === undefined && seen.includes("listening on 443\n")) {
        clients = (async () => {
          const aes = await sClient(port, keys.certPath, ["-tls1_3", "-ciphersuites", "TLS_AES_128_GCM_SHA256"], "/aes");
          results.aes = aes.out;
          const chacha = await sClient(port, keys.certPath, ["-tls1_3", "-ciphersuites", "TLS_CHACHA20_POLY1305_SHA256"], "/chacha");
          results.chacha = chacha.out;
          const hrr = await sClient(port, keys.certPath, ["-tls1_3", "-groups", "P-256:X25519", "-msg"], "/hrr");
          results.hrr = hrr.out;
          const tls12 = await sClient(port, keys.certPath, ["-tls1_2"]);
          results.tls12 = `${tls12.code} ${tls12.out}`;
          const bad = clientHello({ compression: [] });
          results.malformed = (await raw(port, record(22, bad))).toString("hex");
          const curl = await run("curl", ["-sS", "--max-time", "60", "--cacert", keys.certPath, `https://localhost:${port}/curl`]);
          results.curl = `${curl.code} ${curl.out}`;
          results.node = await nodeGet(port, keys.cert, "/node").catch((e: Error) => e.message);
          results.exit = await nodeGet(port, keys.cert, "/exit").catch((e: Error) => e.message);
        })();
        clients.catch(() => undefined);
      }
    },
  });
  const r = await qemu;
  assert.ok(clients, r.output);
  await clients;
  assert.is(r.timedOut, false, r.output);
  assert.match(results.aes, /Cipher is TLS_AES_128_GCM_SHA256/);
  assert.match(results.aes, /Verify return code: 0 \(ok\)/);
  assert.match(results.aes, /ALPN protocol: http\/1.1/);
  assert.match(results.aes, /hello over TLS \/aes/);
  assert.match(results.chacha, /Cipher is TLS_CHACHA20_POLY1305_SHA256/);
  assert.match(results.chacha, /hello over TLS \/chacha/);
  // The server's first ServerHello is the HelloRetryRequest: the client sends a second ClientHello.
  assert.match(results.hrr, />>> [^\n]*ClientHello\n[\s\S]*<<< [^\n]*ServerHello\n[\s\S]*>>> [^\n]*ClientHello\n[\s\S]*<<< [^\n]*ServerHello\n/, results.hrr);
  assert.match(results.hrr, /hello over TLS \/hrr/);
  assert.match(results.tls12, /alert protocol version/);
  // A plaintext fatal alert: 15 0303 0002 02 32 (decode_error: no compression methods).
  assert.is(results.malformed, "15030300020232");
  assert.is(results.curl, "0 hello over TLS /curl\n");
  assert.is(results.node, "200 hello over TLS /node\n");
  assert.is(results.exit, "200 hello over TLS /exit\n");
  const lines = r.output.split("\n");
  assert.ok(lines.includes("tls handshake device.test http/1.1 TLS_AES_128_GCM_SHA256 0x807"), r.output);
  assert.ok(lines.includes("tls handshake device.test http/1.1 TLS_CHACHA20_POLY1305_SHA256 0x807"), r.output);
  assert.ok(lines.includes("tls alert sent protocol_version"), r.output);
  assert.ok(lines.includes("tls alert sent decode_error"), r.output);
  // curl (ALPN offered) and Node's https (none): the suite is the client's first choice we have.
  assert.ok(lines.some((l) => /^tls handshake localhost http\/1\.1 TLS_(AES_128_GCM|CHACHA20_POLY1305)_SHA256 0x807$/.test(l)), r.output);
  assert.ok(lines.some((l) => /^tls handshake localhost null TLS_(AES_128_GCM|CHACHA20_POLY1305)_SHA256 0x807$/.test(l)), r.output);
  assert.is(r.code, 0, r.output + r.stderr);
});

test("a P-256 certificate: openssl s_client verifies it and gets an answer", async () => {
  const keys = testKeys("p256");
  const fw = await build(fixture("net/https.ts"), { board: "microvm", defines: { TLS_CERT: keys.cert, TLS_KEY: keys.key } });
  const port = await freePort();
  let client: Promise<{ code: number; out: string }> | undefined;
  let seen = "";
  const r = await runQemu({
    board: fw.board,
    elf: fw.elf,
    timeoutS: 180,
    input: "",
    mapLine: loadLineMapper(fw.bundles),
    forwards: [{ protocol: "tcp", hostPort: port, guestPort: 443 }],
    onOutput: (text) => {
      seen += text;
      if (client === undefined && seen.includes("listening on 443\n")) {
        client = sClient(port, keys.certPath, ["-tls1_3"], "/exit");
        client.catch(() => undefined);
      }
    },
  });
  assert.ok(client, r.output);
  const c = await client;
  assert.match(c.out, /Verify return code: 0 \(ok\)/);
  assert.match(c.out, /hello over TLS \/exit/);
  assert.ok(r.output.split("\n").some((l) => /^tls handshake device\.test http\/1\.1 TLS_\w+ 0x403$/.test(l)), r.output);
  assert.is(r.code, 0, r.output + r.stderr);
});

test("bad tls options are a TypeError naming the problem, before the port or the network is touched", async () => {
  const fw = await build(fixture("net/https-errors.ts"), { board: "microvm", defines: { TLS_CERT: testKeys("ed25519").cert, TLS_KEY: testKeys("p256").key } });
  const r = await runQemu({ board: fw.board, elf: fw.elf, timeoutS: 60, input: "", mapLine: loadLineMapper(fw.bundles), onOutput: () => {} });
  assert.is(r.timedOut, false, r.output);
  assert.equal(r.output.split("\n").slice(0, 5), [
    'tls string TypeError: serve: tls must be an object ({ cert, key }), not "x"',
    "tls no key TypeError: serve: tls.key must be PEM text, a Uint8Array or an ArrayBuffer, not undefined",
    'tls option TypeError: serve: unknown tls option "ca" (options: cert, key, onHandshake, onAlert)',
    'tls cert TypeError: tls.cert: no PEM block "CERTIFICATE" and not DER',
    "tls mismatch TypeError: tls.key is p256 but the certificate's key is ed25519",
  ]);
  assert.is(r.code, 0, r.output + r.stderr);
});

test("a firmware that serves plain HTTP has no tls unit", async () => {
  const fw = await build(fixture("net/serve-hello.ts"), { board: "microvm" });
  assert.not.ok(fw.bundles.some((b) => b.unit === "tls"), fw.bundles.map((b) => b.unit).join(" "));
});

test.run();
