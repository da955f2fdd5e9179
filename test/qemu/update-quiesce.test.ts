// Devices are stopped before the soft restart (docs/updates.md, "Devices are stopped before the
// restart"; drivers/interfaces/bus-master.ts): on microvm a base with --update-http runs an app
// that checks 256 KiB of heap pattern every tick (test/fixtures/update/churn.ts) while the host
// floods the NIC with UDP datagrams through a slirp forward. Two HTTP deploys under the flood
// switch apps: each restart first stops (resets) the virtio-net device and says so, the new app
// runs with its pattern intact, the kept bytes pass the engine's check, and the network the base
// sets up again after the restart takes the second deploy.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { createSocket } from "node:dgram";
import { repoPath } from "../../tools/lib/paths.ts";
import { buildUpdatableFirmware } from "../../tools/lib/update-base.ts";
import { updatableUnderQemu } from "../../tools/lib/deploy-target.ts";
import { compileApp, wrapAppImage } from "../../tools/lib/app-unit.ts";
import { deployOverHttp } from "../../tools/lib/deploy-http.ts";
import { freePort } from "../../tools/lib/free-port.ts";

const test = suite("devices stopped before the restart");
const CHURN = repoPath("test/fixtures/update/churn.ts");

test("microvm: HTTP deploys under a UDP flood stop the NIC first; the new apps run intact and the network comes back", async () => {
  const fw = await buildUpdatableFirmware({ board: "microvm", app: CHURN, confirmMs: 30_000, http: { port: 80 } });
  const httpPort = await freePort();
  const udpPort = await freePort();
  let out = "";
  const t = updatableUnderQemu(fw, (s) => (out += s), 600, [], [
    { protocol: "tcp", hostPort: httpPort, guestPort: 80 },
    // The discard port: nothing listens there, every datagram is received by the NIC and dropped by the stack.
    { protocol: "udp", hostPort: udpPort, guestPort: 9 },
  ]);
  const seen = async (re: RegExp, from = 0): Promise<void> => {
    for (let i = 0; i < 1800 && !re.test(out.slice(from)); i++) await new Promise((r) => setTimeout(r, 100));
    assert.match(out.slice(from), re, `${sent} datagrams sent\n${out}`);
  };
  const sock = createSocket("udp4");
  sock.on("error", () => undefined);
  let sent = 0;
  const payload = Buffer.alloc(1400, 0x5a);
  // Up to 1,000 datagrams a second (Node's shortest interval), as many as the TCG guest's
  // receive path keeps up with while its app still ticks.
  const flood = setInterval(() => sock.send(payload, udpPort, "127.0.0.1", () => sent++), 1);
  try {
    await seen(/^update: PUT http:\/\/10\.0\.2\.15:80\/update$/m);
    await seen(/^app 1 tick 2 intact/m);
    const image = await compileApp(CHURN);
    const http = (version: number) => deployOverHttp(wrapAppImage(image, { version, base: fw.base }), { host: "127.0.0.1", port: httpPort, path: "/update", timeoutMs: 240_000 });
    for (const version of [2, 3]) {
      const mark = out.length;
      const r = await http(version);
      assert.ok(r.ok, `deploy of ${version}: ${r.ok ? "" : r.why}\n${out}`);
      await seen(/^tsmetal: stopped VirtioNet at 0x[0-9a-f]{8} for the restart$/m, mark);
      await seen(new RegExp(`^app ${version} running$`, "m"), mark);
      await seen(new RegExp(`^app ${version} tick 3 intact`, "m"), mark);
    }
    assert.ok(sent > 1000, `only ${sent} datagrams were sent`);
    assert.not.match(out, /CHANGED|lost or damaged|refused|cannot restart|did not stop/, out);
    assert.not.match(out.slice(out.lastIndexOf("app 3 running")), /^app [12] tick/m, out);
  } finally {
    clearInterval(flood);
    sock.close();
    await t.stop();
  }
});

test.run();
