import { test } from "uvu";
import * as assert from "uvu/assert";
import { DEFAULT_DMA_SIZE, boardNames, loadBoard, parseConfig, parseDmaSize, parseFamily, parseQemuDisk } from "../../../tools/lib/boards.ts";
import { repoPath } from "../../../tools/lib/paths.ts";
import { UserError } from "../../../tools/lib/errors.ts";

test("boards are read from board.json with addresses parsed", () => {
  assert.ok(boardNames().includes("pizero"));
  const b = loadBoard("pizero");
  assert.is(b.loadAddress, 0x8000);
  assert.is(b.qemu.machine, "raspi0");
  assert.is(b.target.cc.debianPackage, "gcc-arm-none-eabi");
});

test("an unknown board is a UserError naming the known ones", () => {
  try {
    loadBoard("pi9");
    assert.unreachable("should have thrown");
  } catch (e) {
    assert.instance(e, UserError);
    assert.match((e as Error).message, /unknown board 'pi9'.*pi1, pi2, pizero/);
  }
  assert.throws(() => loadBoard("../pizero"), /unknown board/);
});

test("dmaSize: 1 MiB unless board.json says otherwise; whole MiB from 1 to 256 MiB or refused", () => {
  assert.is(DEFAULT_DMA_SIZE, 0x100000);
  assert.is(loadBoard("microvm").dmaSize, DEFAULT_DMA_SIZE);
  assert.is(parseDmaSize("x", undefined), 0x100000);
  assert.is(parseDmaSize("x", "0x400000"), 0x400000);
  for (const bad of ["0x80000", "0x180000", "0", "0x20000000", "-1", "big"]) {
    assert.throws(() => parseDmaSize("x", bad), /boards\/x\/board\.json: (dmaSize must be a whole number of MiB|dmaSize must be an address)/, bad);
  }
});

test("a board is board.json facts: its family's board module and loop unit serve it", () => {
  for (const name of ["pizero", "pi1"]) {
    const b = loadBoard(name);
    assert.is(b.family, "bcm2835");
    assert.is(b.module, repoPath("soc/bcm2835/board.ts"));
    assert.is(b.loopModule, repoPath("soc/bcm2835/loop-unit.ts"));
  }
  assert.equal(loadBoard("usbarmory-mk2").config, { consoleUart: 2 });
  assert.equal(loadBoard("mx6ullevk").config, { consoleUart: 1, enet: 1, enetPhy: 2 });
  assert.equal(loadBoard("sifive_u").config, {});
});

test("family must name a folder of soc/; config values are strings or finite numbers under identifiers", () => {
  assert.is(parseFamily("x", "imx6ul"), "imx6ul");
  for (const bad of ["nope", "../soc", "", 3, undefined]) {
    assert.throws(() => parseFamily("x", bad), /family must name a folder of soc\/ \(.*bcm2835.*\)/, String(bad));
  }
  assert.equal(parseConfig("x", undefined), {});
  assert.equal(parseConfig("x", { a: 1, b: "two" }), { a: 1, b: "two" });
  for (const bad of [[], "x", null, { a: true }, { a: Infinity }, { "a-b": 1 }, { a: { b: 1 } }]) {
    assert.throws(() => parseConfig("x", bad), /boards\/x\/board\.json: config/, JSON.stringify(bad));
  }
});

test("qemu.disk: the card slot is a board.json fact (virtio-mmio on microvm, sd on the Pi, i.MX and sifive_u machines), checked", () => {
  const slots = Object.fromEntries(boardNames().map((n) => [n, loadBoard(n).qemu.disk ?? "none"]));
  assert.equal(slots, {
    "cloud-hypervisor": "none", firecracker: "none", "linux-amd64": "none", "linux-arm": "none", "linux-riscv64": "none",
    microvm: "virtio-mmio", mx6ullevk: "sd", pi1: "sd", pi2: "sd", pizero: "sd", sifive_u: "sd", "uefi-x64": "none",
    "usbarmory-mk2": "sd", "usbarmory-mk2-lan": "sd",
  });
  assert.match(loadBoard("firecracker").qemu.noDisk ?? "", /outside this board's virtio-mmio window/);
  const microvm = { virtioMmioBase: "0xfeb00000" };
  assert.equal(parseQemuDisk("x", { machine: "raspi0", disk: "sd" }, {}), { disk: "sd" });
  assert.equal(parseQemuDisk("x", { machine: "microvm,rtc=off", disk: "virtio-mmio" }, microvm), { disk: "virtio-mmio" });
  assert.equal(parseQemuDisk("x", { machine: "q35" }, {}), { noDisk: undefined });
  assert.equal(parseQemuDisk("x", { machine: "q35", noDisk: "why" }, {}), { noDisk: "why" });
  const bad: Array<[{ machine: string; disk?: unknown; noDisk?: unknown }, Record<string, string>, RegExp]> = [
    [{ machine: "raspi0", disk: "usb" }, {}, /qemu\.disk must be "virtio-mmio" or "sd", got "usb"/],
    [{ machine: "raspi0", disk: true }, {}, /qemu\.disk must be/],
    [{ machine: "q35", disk: "virtio-mmio" }, microvm, /qemu\.disk "virtio-mmio" is QEMU microvm's bus, not "q35"'s/],
    [{ machine: "microvm", disk: "virtio-mmio" }, { virtioMmioBase: "0xd0000000" }, /needs config\.virtioMmioBase 0xfeb00000.*got 0xd0000000/],
    [{ machine: "raspi0", disk: "sd", noDisk: "why" }, {}, /qemu\.disk and qemu\.noDisk exclude each other/],
    [{ machine: "q35", noDisk: "" }, {}, /qemu\.noDisk must be a non-empty string/],
    [{ machine: "q35", noDisk: 3 }, {}, /qemu\.noDisk must be a non-empty string/],
  ];
  for (const [qemu, config, message] of bad) assert.throws(() => parseQemuDisk("x", qemu, config), (e: Error) => e.message.startsWith("boards/x/board.json: ") && message.test(e.message), JSON.stringify(qemu));
});

test.run();
