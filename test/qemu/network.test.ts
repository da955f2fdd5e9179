import { suite } from "uvu";
import * as assert from "uvu/assert";
import { build, fixture } from "./boot.ts";
import { runQemu } from "../../tools/lib/qemu.ts";
import { loadLineMapper } from "../../tools/lib/source-map.ts";
import type { Firmware } from "../../tools/lib/build.ts";
import { expectPingAndEcho } from "../support/net-boot.ts";

// microvm's network device (soc/pc/network-unit.ts: virtio-net on the transport the boot command
// line announces) under QEMU's user-mode networking, as `npm run qemu -- --forward` attaches it
// (boards/microvm/board.json qemu.network): stacks/net pings slirp's gateway, and a host client
// reaches the firmware's TCP echo through a forwarded port. slirp accepts the host's connect at
// once, before the guest has answered: only bytes coming back prove the path.
const test = suite("network on microvm");
const board = "microvm";
let fw: Firmware;

test.before(async () => {
  fw = await build(fixture("net/echo.ts"), { board });
});

test("the firmware pings slirp's gateway and echoes a host client's bytes through --forward", () =>
  expectPingAndEcho(fw, /^nic 52:54:00:12:34:56 mtu 1500 link up\n/));

test("without a network device, board().network() is an error naming what QEMU needs, exit 1", async () => {
  const r = await runQemu({ board: fw.board, elf: fw.elf, timeoutS: 60, input: "", mapLine: loadLineMapper(fw.bundles), onOutput: () => {} });
  assert.match(r.output, /Error: board "microvm": no network device \(the boot command line announces no virtio-mmio device\): run with --forward/);
  assert.match(r.output, /-netdev user,id=n0 -device virtio-net-device,netdev=n0,bus=virtio-mmio-bus\.0/);
  assert.not.match(r.output, /^nic /m);
  assert.is(r.code, 1);
});

test("hal.cpu.commandLine() is the PVH command line, a too-long one is an error, and network() refuses a device outside the board's window", async () => {
  const cl = await build(fixture("net/command-line.ts"), { board });
  const run = (append: string) =>
    runQemu({ board: cl.board, elf: cl.elf, timeoutS: 60, input: "", mapLine: loadLineMapper(cl.bundles), onOutput: () => {}, extraArgs: ["-append", append] });
  // Outside 0xfeb00000..0xfeb03000 (board.json config): unmapped, it would page-fault.
  let r = await run("console=x virtio_mmio.device=512@0xfe000000:5");
  assert.match(r.output, /^cmdline "console=x virtio_mmio.device=512@0xfe000000:5"\n/);
  assert.match(r.output, /\nnetwork RangeError: board "microvm": the boot command line announces a virtio-mmio device at 0xfe000000 \(512 bytes\), outside the board's virtio-mmio window 0xfeb00000\.\.0xfeb03000/);
  assert.is(r.code, 0, r.output);
  // 2048 bytes is the most the HAL copies; beyond, an error rather than a cut line.
  r = await run("a".repeat(2048));
  assert.match(r.output, /^cmdline "a{2048}"\n/);
  r = await run("a".repeat(2049));
  assert.match(r.output, /^cmdline RangeError: cpu\.commandLine: the boot command line is longer than this board copies\n/);
  // Bytes that are not printable ASCII read as spaces, each (é is two in UTF-8): the JS string
  // is always valid.
  r = await run("a\tb\x7fc\xe9d");
  assert.match(r.output, /^cmdline "a b c {2}d"\n/);
  // A malformed announcement is named.
  r = await run("virtio_mmio.device=512@nowhere:5");
  assert.match(r.output, /\nnetwork RangeError: virtio_mmio\.device=512@nowhere:5: malformed/);
  assert.is(r.code, 0, r.output);
});

// Firecracker puts its virtio-mmio devices from 0xd0000000, 4 KiB each, interrupts 5..23
// (boards/firecracker/board.json config and memoryMap). Firecracker is not in Debian: under QEMU
// nothing sits at that address, so an announcement there must be read without a page fault and
// found to be no network card, while one at QEMU's own transport address is refused as outside.
test("firecracker: its virtio-mmio window 0xd0000000 is mapped and accepted, QEMU's is refused", async () => {
  const cl = await build(fixture("net/command-line.ts"), { board: "firecracker" });
  const run = (append: string) =>
    runQemu({ board: cl.board, elf: cl.elf, timeoutS: 60, input: "", mapLine: loadLineMapper(cl.bundles), onOutput: () => {}, extraArgs: ["-append", append] });
  let r = await run("virtio_mmio.device=4K@0xd0000000:5 virtio_mmio.device=4K@0xd0012000:23");
  assert.match(r.output, /\nnetwork Error: board "firecracker": no network device \(none of the 2 virtio-mmio devices of the boot command line is a network card\)/);
  assert.is(r.code, 0, r.output);
  r = await run("virtio_mmio.device=4K@0xd0013000:24");
  assert.match(r.output, /\nnetwork RangeError: board "firecracker": the boot command line announces a virtio-mmio device at 0xd0013000 \(4096 bytes\), outside the board's virtio-mmio window 0xd0000000\.\.0xd0013000/);
  r = await run("virtio_mmio.device=512@0xfeb00000:5");
  assert.match(r.output, /\nnetwork RangeError: board "firecracker": the boot command line announces a virtio-mmio device at 0xfeb00000/);
  assert.is(r.code, 0, r.output);
});

test.run();

// sifive_u's network device (soc/fu540/network-unit.ts: the FU540's Cadence GEM, PLIC source 53),
// attached by boards/sifive_u/board.json qemu.network. The FU540 has no random source, so the
// firmware is echo.ts behind a Math.random stand-in for crypto (test/fixtures/net/echo-without-rng.ts).
const sifive = suite("network on sifive_u");

sifive("sifive_u: the firmware pings slirp's gateway and echoes a host client's bytes through --forward", async () =>
  expectPingAndEcho(await build(fixture("net/echo-without-rng.ts"), { board: "sifive_u" }), /^nic 52:54:00:12:34:56 mtu 1500 link up\n/));

sifive.run();
