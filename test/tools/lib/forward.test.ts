// --forward (tools/lib/forward.ts): specs parsed or refused with a message, boards without a
// network device refused naming those with one, the QEMU arguments a board's qemu.network fact
// gives; and through the CLI, refused before anything is built. parseOptions lets `multiple`
// options (only --forward) repeat: tools/lib/options.ts.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { networkQemuArgs, parseForward, parseForwards } from "../../../tools/lib/forward.ts";
import { parseOptions } from "../../../tools/lib/options.ts";
import { loadBoard } from "../../../tools/lib/boards.ts";
import { qemuArgs } from "../../../tools/lib/qemu.ts";
import { repoPath } from "../../../tools/lib/paths.ts";

const test = suite("--forward");

test("tcp and udp specs with ports 1 to 65535 parse", () => {
  assert.equal(parseForward("tcp:8080:80"), { protocol: "tcp", hostPort: 8080, guestPort: 80 });
  assert.equal(parseForward("udp:1:65535"), { protocol: "udp", hostPort: 1, guestPort: 65535 });
});

test("malformed specs are refused with the expected form", () => {
  for (const bad of ["8080:80", "tcp:8080", "tcp:0:80", "tcp:8080:65536", "sctp:1:2", "tcp:80:80:1", "tcp:-1:80", "tcp:8080:80 ", "TCP:1:2", "tcp:1e3:80", "tcp:127.0.0.1:8080:80"]) {
    assert.throws(() => parseForward(bad), (e: Error) => e.message.startsWith(`--forward ${bad}: expected tcp:<host port>:<guest port>`), bad);
  }
});

test("a board without a network device is refused naming the boards that have one", () => {
  assert.throws(
    () => parseForwards(loadBoard("pizero"), ["tcp:8080:80"]),
    (e: Error) => /^--forward: board 'pizero' has no network device under QEMU; boards with one: .*\bmicrovm\b/.test(e.message),
  );
  assert.equal(parseForwards(loadBoard("pizero"), []), []);
});

test("a host port forwarded twice is refused; two ports are two hostfwd entries bound to 127.0.0.1", () => {
  const microvm = loadBoard("microvm");
  assert.throws(() => parseForwards(microvm, ["tcp:8080:80", "tcp:8080:81"]), /host port tcp:8080 is forwarded more than once/);
  const forwards = parseForwards(microvm, ["tcp:8080:80", "udp:5353:53"]);
  const { machine, args } = networkQemuArgs(microvm, forwards);
  assert.is(machine, "microvm,acpi=off");
  assert.equal(args.slice(0, 2), ["-netdev", "user,id=n0,hostfwd=tcp:127.0.0.1:8080-:80,hostfwd=udp:127.0.0.1:5353-:53"]);
  assert.ok(args.includes("virtio-net-device,netdev=n0,bus=virtio-mmio-bus.0"));
  // The full command line: the network machine replaces the board's, and without forwards
  // nothing of the network is added.
  const withNet = qemuArgs(microvm, "fw.elf", [], forwards);
  assert.is(withNet[withNet.indexOf("-M") + 1], "microvm,acpi=off");
  assert.ok(withNet.indexOf("-netdev") < withNet.indexOf("-kernel"));
  const plain = qemuArgs(microvm, "fw.elf");
  assert.is(plain[plain.indexOf("-M") + 1], "microvm");
  assert.not.ok(plain.includes("-netdev"));
});

test("sifive_u's Cadence GEM joins slirp through the legacy -net nic option (the machine's built-in NIC)", () => {
  const sifive = loadBoard("sifive_u");
  const { machine, args } = networkQemuArgs(sifive, parseForwards(sifive, ["tcp:8080:80"]));
  assert.is(machine, "sifive_u");
  assert.equal(args, ["-netdev", "user,id=n0,hostfwd=tcp:127.0.0.1:8080-:80", "-net", "nic,model=cadence_gem,netdev=n0"]);
});

test("usbarmory-mk2-lan: slirp on the second -net nic, which QEMU's mcimx6ul-evk gives ENET2; the first, ENET1, on a restricted slirp of its own", () => {
  const lan = loadBoard("usbarmory-mk2-lan");
  const { machine, args } = networkQemuArgs(lan, parseForwards(lan, ["tcp:8080:80"]));
  assert.is(machine, "mcimx6ul-evk");
  assert.equal(args, [
    "-netdev", "user,id=n0,hostfwd=tcp:127.0.0.1:8080-:80",
    "-netdev", "user,id=enet1,restrict=on", "-net", "nic,model=imx.enet,netdev=enet1",
    "-net", "nic,model=imx.enet,netdev=n0",
  ]);
});

test("parseOptions lets a `multiple` option repeat and still refuses other repeats", () => {
  const opts = { forward: { type: "string" as const, multiple: true }, board: { type: "string" as const } };
  assert.equal(parseOptions(["--forward", "tcp:1:2", "--forward", "tcp:3:4"], opts).values.forward, ["tcp:1:2", "tcp:3:4"]);
  assert.throws(() => parseOptions(["--board", "a", "--board", "b"], opts), /--board is given more than once/);
  assert.throws(() => parseOptions(["--forward="], opts), /--forward needs a value/);
});

const cli = (args: string[]) =>
  spawnSync(process.execPath, [repoPath("bin/tsmetal.mjs"), ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 60_000 });

test("CLI: --forward on a board without a network device, or malformed, exit 1 before building", () => {
  for (const [args, re] of [
    [["qemu", "--board", "pi2", "--forward", "tcp:8080:80"], /^tsmetal: --forward: board 'pi2' has no network device under QEMU; boards with one: .*microvm/],
    [["qemu", "--board", "microvm", "--forward", "tcp:8080"], /^tsmetal: --forward tcp:8080: expected tcp:<host port>:<guest port>/],
  ] as const) {
    const r = cli([...args]);
    assert.is(r.status, 1, `${args.join(" ")}: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, re);
    assert.not.match(r.stderr, /engine:|firmware\.elf|\n\s+at /);
  }
});

test.run();
