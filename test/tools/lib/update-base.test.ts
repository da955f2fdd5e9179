/** tools/lib/update-base.ts: the base's entry for each set of network transports, and the transports' options refused before a build. */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { agentEntry, buildUpdatableFirmware, UPDATE_AGENT } from "../../../tools/lib/update-base.ts";
import { repoPath } from "../../../tools/lib/paths.ts";

const APP = repoPath("test/fixtures/update/ticker.ts");
const ssh = { port: 22, hostKey: "k", authorizedKeys: "ssh-ed25519 AAAA x" };

test("one entry per set of transports: the agent alone, or the services first", () => {
  assert.is(agentEntry({}), UPDATE_AGENT);
  assert.is(agentEntry({ http: { port: 80 } }), repoPath("io/update/agent-http.ts"));
  assert.is(agentEntry({ ssh }), repoPath("io/update/agent-ssh.ts"));
  assert.is(agentEntry({ http: { port: 80 }, ssh }), repoPath("io/update/agent-http-ssh.ts"));
});

test("refused before anything is built: no network device, a bad port or path, one port for both, keep without a disk", async () => {
  const cases: [Parameters<typeof buildUpdatableFirmware>[0], RegExp][] = [
    [{ board: "pizero", app: APP, http: { port: 80 } }, /--update-http and --update-ssh need a network device; board 'pizero' has none under QEMU/],
    [{ board: "microvm", app: APP, http: { port: 0 } }, /--update-http: port 0 is not 1 to 65535/],
    [{ board: "microvm", app: APP, http: { port: 80, path: "update" } }, /--update-http: update path must start with "\/"/],
    [{ board: "microvm", app: APP, ssh: { ...ssh, port: 70000 } }, /--update-ssh: port 70000 is not 1 to 65535/],
    [{ board: "microvm", app: APP, http: { port: 22 }, ssh }, /--update-http and --update-ssh both take port 22/],
    [{ board: "firecracker", app: APP, keep: true }, /an updatable base that keeps its app on a card needs a disk; board 'firecracker' has none under QEMU/],
  ];
  for (const [o, why] of cases) {
    const e = await buildUpdatableFirmware(o).then(() => undefined, (x: unknown) => x);
    assert.match(String(e), why);
  }
});

test.run();
