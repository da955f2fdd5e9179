/** tools/lib/deploy-http.ts against Node HTTP servers standing in for the device: verdicts, refusals, a refused connection, a silent server. */
import { test } from "uvu";
import * as assert from "uvu/assert";
import http from "node:http";
import net from "node:net";
import type { AddressInfo } from "node:net";
import { deployOverHttp } from "../../../tools/lib/deploy-http.ts";
import { freePort } from "../../../tools/lib/free-port.ts";

async function device(answer: (req: http.IncomingMessage, body: Buffer, res: http.ServerResponse) => void): Promise<{ port: number; close: () => void }> {
  const server = http.createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on("data", (d: Buffer) => parts.push(d));
    req.on("end", () => answer(req, Buffer.concat(parts), res));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { port: (server.address() as AddressInfo).port, close: () => server.close() };
}

const unit = new Uint8Array(1000).fill(3);

test("PUT with the unit and its Content-Length; 200 accepted <n> is the verdict", async () => {
  let seen = "";
  const d = await device((req, body, res) => {
    seen = `${req.method} ${req.url} ${req.headers["content-length"]} ${body.length}`;
    res.end("accepted 7\n");
  });
  try {
    assert.equal(await deployOverHttp(unit, { host: "127.0.0.1", port: d.port, path: "/fw", timeoutMs: 5000 }), { ok: true, version: 7 });
    assert.is(seen, "PUT /fw 1000 1000");
  } finally {
    d.close();
  }
});

test("a 4xx answer: the device's reason with its status", async () => {
  const d = await device((_req, _body, res) => {
    res.statusCode = 422;
    res.end("refused: bad signature: not signed with this base's key, or altered\n");
  });
  try {
    assert.equal(await deployOverHttp(unit, { host: "127.0.0.1", port: d.port, path: "/update", timeoutMs: 5000 }), { ok: false, why: "HTTP 422: bad signature: not signed with this base's key, or altered" });
  } finally {
    d.close();
  }
});

test("a refused connection says so and what to check", async () => {
  const port = await freePort();
  const r = await deployOverHttp(unit, { host: "127.0.0.1", port, path: "/update", timeoutMs: 5000 });
  assert.equal(r, { ok: false, why: `connection to http://127.0.0.1:${port}/update refused (is the base running with --update-http, and its port forwarded?)` });
});

test("a device that never answers: a timeout, not a hang", async () => {
  const sockets: net.Socket[] = [];
  const server = net.createServer((s) => {
    sockets.push(s);
    s.resume();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  try {
    const t0 = Date.now();
    assert.equal(await deployOverHttp(unit, { host: "127.0.0.1", port, path: "/update", timeoutMs: 300 }), { ok: false, why: `no answer from http://127.0.0.1:${port}/update within 0.3 s` });
    assert.ok(Date.now() - t0 < 3000);
  } finally {
    for (const s of sockets) s.destroy();
    server.close();
  }
});

test("a 200 without a verdict line is not taken for a switch", async () => {
  const d = await device((_req, _body, res) => res.end("hello\n"));
  try {
    const r = await deployOverHttp(unit, { host: "127.0.0.1", port: d.port, path: "/", timeoutMs: 5000 });
    assert.equal(r, { ok: false, why: `unexpected answer from http://127.0.0.1:${d.port}/: hello` });
  } finally {
    d.close();
  }
});

test.run();
