/**
 * stacks/tls/connection.ts against Node's TLS 1.3 client over loopback TCP: both cipher suites,
 * Ed25519 and ECDSA P-256 certificates verified by Node against the certificate as CA, SNI and
 * ALPN, server- and client-side KeyUpdate, 200 KB each way, close_notify; a TLS 1.2-only client
 * gets protocol_version; and HTTPS through stacks/http's server with Node's https.get.
 */
import https from "node:https";
import net from "node:net";
import tls from "node:tls";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { serve } from "../../../stacks/http/server.ts";
import { Response } from "../../../stacks/http/response.ts";
import { TlsConnection, type TlsHandshakeInfo } from "../../../stacks/tls/connection.ts";
import { loadCredentials } from "../../../stacks/tls/credentials.ts";
import { testKeys } from "../../support/tls/keys.ts";
import { NodeSocketConnection, nodeServerNet } from "../../support/tls/node-socket.ts";

const random = (n: number) => crypto.getRandomValues(new Uint8Array(n));

interface EchoServer {
  port: number;
  handshakes: TlsHandshakeInfo[];
  alerts: string[];
  connections: TlsConnection[];
  close(): void;
}

/** An echo server: every byte read is written back; the client's close_notify is answered with ours. */
async function echoServer(algorithm: "ed25519" | "p256", updateKeysFirst = false): Promise<EchoServer> {
  const k = testKeys(algorithm);
  const credentials = loadCredentials(k.cert, k.key);
  const out: EchoServer = { port: 0, handshakes: [], alerts: [], connections: [], close: () => server.close() };
  const server = net.createServer((socket) => {
    const c = new TlsConnection(new NodeSocketConnection(socket), {
      credentials,
      random,
      onHandshake: (info) => {
        out.handshakes.push(info);
        if (updateKeysFirst) c.session.updateKeys(true);
      },
      onAlert: (a, sent) => out.alerts.push(`${sent ? "sent" : "received"} ${a.message}`),
    });
    out.connections.push(c);
    const pending: Uint8Array[] = [];
    const flush = () => {
      while (pending.length > 0) {
        const n = c.write(pending[0]);
        if (n < pending[0].length) {
          pending[0] = pending[0].subarray(n);
          return;
        }
        pending.shift();
      }
    };
    c.events = {
      onReadable: () => {
        pending.push(c.read());
        flush();
      },
      onWritable: flush,
      onEnd: () => c.close(),
    };
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  out.port = (server.address() as net.AddressInfo).port;
  return out;
}

function connect(port: number, ca: string, o: tls.ConnectionOptions = {}): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    const s = tls.connect({ port, host: "127.0.0.1", servername: "device.test", ca, ALPNProtocols: ["http/1.1"], minVersion: "TLSv1.3", ...o }, () => resolve(s));
    s.once("error", reject);
  });
}

/** Sends `data`, ends, and collects everything until the server's close. */
function roundTrip(s: tls.TLSSocket, data: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const got: Buffer[] = [];
    let total = 0;
    s.on("data", (d: Buffer) => {
      got.push(d);
      total += d.length;
      if (total === data.length) s.end();
    });
    s.on("end", () => resolve(Buffer.concat(got)));
    s.on("error", reject);
    s.write(data);
  });
}

for (const algorithm of ["ed25519", "p256"] as const) {
  for (const suite of ["TLS_AES_128_GCM_SHA256", "TLS_CHACHA20_POLY1305_SHA256"]) {
    test(`Node's TLS 1.3 client: ${algorithm} certificate, ${suite}, SNI, ALPN, 200 KB echoed`, async () => {
      const server = await echoServer(algorithm);
      try {
        const s = await connect(server.port, testKeys(algorithm).cert, { ciphers: suite });
        assert.is(s.getProtocol(), "TLSv1.3");
        assert.is(s.getCipher().standardName, suite);
        assert.is(s.alpnProtocol, "http/1.1");
        assert.ok(s.authorized, "Node verified the certificate chain and name");
        const data = Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 7) & 0xff));
        const back = await roundTrip(s, data);
        assert.ok(back.equals(data), `echo of ${back.length} bytes, ${data.length} sent`);
        assert.equal(server.handshakes[0], { serverName: "device.test", alpn: "http/1.1", cipherSuite: suite, signatureScheme: algorithm === "ed25519" ? 0x0807 : 0x0403 });
        assert.equal(server.alerts, []);
      } finally {
        server.close();
      }
    });
  }
}

test("a KeyUpdate from the server that asks for the client's: data flows on under the new keys both ways", async () => {
  const server = await echoServer("ed25519", true);
  try {
    const s = await connect(server.port, testKeys("ed25519").cert);
    const data = Buffer.alloc(50_000, 0x5a);
    assert.ok((await roundTrip(s, data)).equals(data));
    assert.equal(server.alerts, []);
  } finally {
    server.close();
  }
});

test("a TLS 1.2-only client gets protocol_version", async () => {
  const server = await echoServer("ed25519");
  try {
    const err = await connect(server.port, testKeys("ed25519").cert, { minVersion: "TLSv1.2", maxVersion: "TLSv1.2" }).then(
      () => null,
      (e: NodeJS.ErrnoException) => e,
    );
    assert.ok(err, "the handshake must fail");
    assert.match(String(err?.code), /PROTOCOL_VERSION/);
    assert.match(server.alerts[0], /^sent protocol_version/);
  } finally {
    server.close();
  }
});

test("a client that does not trust the certificate refuses it; the server's connection ends quietly, no handshake completed", async () => {
  const server = await echoServer("ed25519");
  try {
    const err = await connect(server.port, testKeys("p256").cert).then(
      () => null,
      (e: Error) => e,
    );
    assert.match(String(err?.message), /self-signed certificate|unable to verify/);
    for (let i = 0; i < 50 && server.connections[0]?.state !== "CLOSED"; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(server.handshakes, [], "the client's Finished never came");
    assert.is(server.connections[0].state, "CLOSED");
    assert.equal(server.alerts, [], "Node drops the connection after the handshake without an alert");
  } finally {
    server.close();
  }
});

test("HTTPS: stacks/http's serve() with `secure` answers Node's https.get, keep-alive over one TLS connection", async () => {
  const k = testKeys("p256");
  const credentials = loadCredentials(k.cert, k.key);
  const netShim = nodeServerNet();
  const names: (string | null)[] = [];
  const server = serve(
    { net: netShim, port: 443, secure: (conn) => new TlsConnection(conn, { credentials, random, onHandshake: (i) => names.push(i.serverName) }) },
    async (req) => new Response(`hello ${new URL(req.url).pathname} ${req.method === "POST" ? (await req.text()).length : 0}`),
  );
  const port = await netShim.listening;
  const agent = new https.Agent({ keepAlive: true, maxSockets: 1, ca: k.cert });
  const get = (path: string, body?: string) =>
    new Promise<string>((resolve, reject) => {
      const r = https.request({ host: "127.0.0.1", servername: "localhost", port, path, agent, method: body ? "POST" : "GET" }, (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (d: string) => (text += d));
        res.on("end", () => resolve(`${res.statusCode} ${text}`));
      });
      r.on("error", reject);
      r.end(body);
    });
  try {
    assert.is(await get("/a"), "200 hello /a 0");
    assert.is(await get("/b", "x".repeat(40_000)), "200 hello /b 40000");
    assert.equal(names, ["localhost"], "two requests, one handshake");
    assert.is(server.stats.accepted, 1);
  } finally {
    agent.destroy();
    await server.shutdown();
    netShim.close();
  }
});

test.run();
