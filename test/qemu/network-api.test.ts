import { suite } from "uvu";
import * as assert from "uvu/assert";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { build, fixture } from "./boot.ts";
import { runQemu } from "../../tools/lib/qemu.ts";
import { loadLineMapper } from "../../tools/lib/source-map.ts";
import { bootWithClient } from "../support/net-boot.ts";

// The app-facing network API on microvm under QEMU's user-mode networking (slirp), as `npm run
// qemu -- --forward` attaches it: the "tsmetal" stubs network()/serve() and the web globals
// Response and fetch load the image units "net" and "http" (and through them the family's
// "network" unit, the web units they use), DHCP takes slirp's first lease (10.0.2.15), and the
// host talks to the firmware through a forwarded port, and the firmware to the host's server
// through slirp's gateway 10.0.2.2. The plumbing only: the examples and the boards matrix are
// test/qemu's other network tests.
const test = suite("the network API on microvm");
const board = "microvm";

/** GET http://127.0.0.1:port/ from the host: status and body. */
function get(port: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: "127.0.0.1", port, path: "/", timeout: 20_000 }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error(`no answer from the firmware on 127.0.0.1:${port} in 20 s`)));
    req.on("error", reject);
  });
}

test("serve() on network()'s DHCP address answers a host client through --forward; nine units in the image", async () => {
  const fw = await build(fixture("net/serve-hello.ts"), { board });
  // More units than the old limit of 8 (TSM_MAX_UNITS): the firmware, its shared and loop units,
  // and what the network API brought in.
  assert.equal(fw.bundles.map((b) => b.unit).sort(), ["abort", "encoding", "format", "http", "loop", "main", "net", "network", "url"]);
  const { run: r, answer } = await bootWithClient(fw, get);
  assert.is(r.timedOut, false, r.output);
  assert.is(r.output, "address 10.0.2.15\nlistening on 80\n");
  assert.ok(answer, r.output);
  assert.equal(await answer, { status: 200, body: "hello" });
  assert.is(r.code, 0, r.output + r.stderr);
});

test("the global fetch() takes the default network by itself and reads a host server's answer through 10.0.2.2", async () => {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(`${req.method} ${req.url} ${req.headers["user-agent"]}`);
    res.writeHead(200, { "content-type": "text/plain" });
    res.end(`hello from the host, ${req.method} ${req.url}`);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const port = (server.address() as AddressInfo).port;
    const fw = await build(fixture("net/fetch-host.ts"), { board, defines: { FETCH_PORT: String(port) } });
    // fetch named, nothing loaded by the app: "http" by the global, "net" by the http unit, and
    // "network" because "net" is in.
    assert.ok(["http", "net", "network"].every((u) => fw.bundles.some((b) => b.unit === u)), fw.bundles.map((b) => b.unit).join(" "));
    const r = await runQemu({ board: fw.board, elf: fw.elf, timeoutS: 90, input: "", mapLine: loadLineMapper(fw.bundles), forwards: [], onOutput: () => {} });
    assert.is(r.timedOut, false, r.output);
    assert.is(r.output, "status 200 text/plain\nbody hello from the host, GET /hello?from=guest\n");
    assert.equal(requests, ["GET /hello?from=guest tsmetal"]);
    assert.is(r.code, 0, r.output + r.stderr);
  } finally {
    server.close();
  }
});

test("bad input to serve() and fetch() is a clear error at once, and fetch without a network device says so", async () => {
  const fw = await build(fixture("net/api-errors.ts"), { board });
  const r = await runQemu({ board: fw.board, elf: fw.elf, timeoutS: 60, input: "", mapLine: loadLineMapper(fw.bundles), onOutput: () => {} });
  assert.is(r.timedOut, false, r.output);
  const lines = r.output.split("\n");
  assert.equal(lines.slice(0, 5), [
    "serve port RangeError: serve: port must be an integer 1..65535, not 0",
    'serve option TypeError: serve: unknown option "net" (options: port, hostname, signal, limits, onError, onListen, tls)',
    "serve handler TypeError: serve: the handler must be a function, not \"hi\"",
    'fetch url TypeError: Request: cannot parse URL "not a url" (a relative URL needs a base, which has none here)',
    "fetch https TypeError: fetch failed: https: is not supported yet (https://10.0.2.2/)",
  ]);
  assert.match(lines[5], /^fetch no nic TypeError: fetch failed: .*board "microvm": no network device/);
  assert.is(r.code, 0, r.output + r.stderr);
});

test.run();
