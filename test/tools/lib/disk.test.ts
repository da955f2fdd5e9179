// --disk (tools/lib/disk.ts): the QEMU arguments per board as board.json's qemu.disk names the slot
// (virtio-blk on microvm's bus 1 beside the network's bus 0, -drive if=sd on the Pi, i.MX and
// sifive_u machines), clear errors for a board without a slot, a missing or odd-sized image; and
// through the CLI, refused before any build. `npm run disk` (tools/commands/disk.ts) makes an
// image mtools reads.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { execFileSync, spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { diskQemuArgs } from "../../../tools/lib/disk.ts";
import { parseForwards } from "../../../tools/lib/forward.ts";
import { loadBoard } from "../../../tools/lib/boards.ts";
import { qemuArgs } from "../../../tools/lib/qemu.ts";
import { repoPath } from "../../../tools/lib/paths.ts";
import { inTempDir } from "../../support/temp-dir.ts";

const test = suite("--disk");

test("microvm: a virtio-blk-device on virtio-mmio-bus.1 with acpi=off, beside the network", () =>
  inTempDir("disk-args-", (dir) => {
    const img = path.join(dir, "card.img");
    writeFileSync(img, Buffer.alloc(1 << 20));
    const microvm = loadBoard("microvm");
    const d = diskQemuArgs(microvm, img);
    assert.is(d.machine, "microvm,acpi=off");
    assert.equal(d.args, ["-global", "virtio-mmio.force-legacy=false", "-drive", `if=none,id=disk0,format=raw,file=${img}`, "-device", "virtio-blk-device,drive=disk0,bus=virtio-mmio-bus.1"]);
    const both = qemuArgs(microvm, "fw.elf", [], parseForwards(microvm, ["tcp:8080:80"]), img);
    assert.is(both[both.indexOf("-M") + 1], "microvm,acpi=off");
    assert.ok(both.includes("virtio-net-device,netdev=n0,bus=virtio-mmio-bus.0"));
    assert.ok(both.includes("virtio-blk-device,drive=disk0,bus=virtio-mmio-bus.1"));
    const plain = qemuArgs(microvm, "fw.elf");
    assert.not.ok(plain.some((a) => a.includes("virtio-blk")));
    for (const b of ["pizero", "pi2", "usbarmory-mk2", "mx6ullevk", "sifive_u"]) {
      assert.equal(diskQemuArgs(loadBoard(b), img), { args: ["-drive", `if=sd,format=raw,file=${img}`] }, b);
    }
  }));

test("boards without a slot, missing and odd-sized images are refused with what to do", () =>
  inTempDir("disk-bad-", (dir) => {
    const img = path.join(dir, "card.img");
    writeFileSync(img, Buffer.alloc(4096));
    for (const b of ["cloud-hypervisor", "firecracker", "linux-amd64"]) {
      assert.throws(() => diskQemuArgs(loadBoard(b), img), (e: Error) => e.message.startsWith(`--disk: board '${b}' has no disk slot under QEMU: `) && /boards with one: .*microvm/.test(e.message), b);
    }
    assert.throws(() => diskQemuArgs(loadBoard("microvm"), path.join(dir, "none.img")), /no such image file \(make one with npm run disk/);
    const odd = path.join(dir, "odd.img");
    writeFileSync(odd, Buffer.alloc(1000));
    assert.throws(() => diskQemuArgs(loadBoard("microvm"), odd), /1000 bytes is not a whole number of 512-byte blocks/);
  }));

test("the slot is board.json's qemu.disk, not the QEMU machine's name", () =>
  inTempDir("disk-fact-", (dir) => {
    const img = path.join(dir, "card.img");
    writeFileSync(img, Buffer.alloc(4096));
    const uefi = loadBoard("uefi-x64");
    assert.equal(diskQemuArgs({ ...uefi, qemu: { ...uefi.qemu, disk: "sd" } }, img), { args: ["-drive", `if=sd,format=raw,file=${img}`] });
    const pizero = loadBoard("pizero");
    assert.throws(() => diskQemuArgs({ ...pizero, qemu: { ...pizero.qemu, disk: undefined } }, img), /board 'pizero' has no disk slot under QEMU: its board\.json names no card slot \(qemu\.disk\) on QEMU's raspi0 machine/);
    const microvm = loadBoard("microvm");
    const d = diskQemuArgs({ ...microvm, qemu: { ...microvm.qemu, machine: "microvm,rtc=off,acpi=on" } }, img);
    assert.is(d.machine, "microvm,rtc=off,acpi=off", "the board's machine options kept, acpi off");
    assert.throws(() => diskQemuArgs(loadBoard("firecracker"), img), /has no disk slot under QEMU: QEMU's microvm transports sit at 0xfeb00000, outside this board's virtio-mmio window \(0xd0000000\); give its VMM a drive instead/);
  }));

test("the CLI: --disk refused before the build; npm run disk makes an image mtools reads", () =>
  inTempDir("disk-cli-", (dir) => {
    const cli = repoPath("bin/tsmetal.mjs");
    const r = spawnSync("node", [cli, "qemu", "--board", "cloud-hypervisor", "--disk", "x.img", "--timeout", "5"], { encoding: "utf8" });
    assert.is(r.status, 1, r.stderr);
    assert.match(r.stderr, /--disk: board 'cloud-hypervisor' has no disk slot/);
    assert.not.match(r.stderr + r.stdout, /engine|text\+rodata/);
    const src = path.join(dir, "src");
    execFileSync("mkdir", ["-p", path.join(src, "sub")]);
    writeFileSync(path.join(src, "sub", "b.txt"), "deep");
    const out = path.join(dir, "card.img");
    const made = spawnSync("node", [cli, "disk", "--from", src, "--out", out, "--size", "4M", "--fat", "12"], { encoding: "utf8" });
    assert.is(made.status, 0, made.stderr);
    assert.is(execFileSync("mtype", ["-i", out, "::/sub/b.txt"], { env: { ...process.env, MTOOLS_SKIP_CHECK: "1" } }).toString(), "deep");
    const again = spawnSync("node", [cli, "disk", "--out", out], { encoding: "utf8" });
    assert.is(again.status, 1);
    assert.match(again.stderr, /exists; remove it first/);
  }));

test.run();
