import { test } from "uvu";
import * as assert from "uvu/assert";
import { parseVirtioMmioDevices } from "../../../drivers/virtio/cmdline.ts";

test("QEMU microvm (acpi=off) and Firecracker command lines", () => {
  // What QEMU 7.2's microvm appends (hw/i386/microvm.c: "virtio_mmio.device=512@0x%lx:%d").
  assert.equal(parseVirtioMmioDevices("earlyprintk=ttyS0 virtio_mmio.device=512@0xfeb00000:5 virtio_mmio.device=512@0xfeb00200:6"), [
    { base: 0xfeb0_0000, size: 512, irq: 5 },
    { base: 0xfeb0_0200, size: 512, irq: 6 },
  ]);
  // Firecracker: 4K windows from 0xd0000000, interrupts from 5.
  assert.equal(parseVirtioMmioDevices("console=ttyS0 reboot=k panic=1 pci=off virtio_mmio.device=4K@0xd0000000:5"), [{ base: 0xd000_0000, size: 4096, irq: 5 }]);
});

test("Linux's syntax: suffixes, C numbers, an optional id, '-' for '_', nothing after '--'", () => {
  assert.equal(parseVirtioMmioDevices("virtio-mmio.device=1K@0x100b0000:48:7"), [{ base: 0x100b_0000, size: 1024, irq: 48, id: 7 }]);
  assert.equal(parseVirtioMmioDevices("virtio_mmio.device=0x200@4272947200:10"), [{ base: 0xfeb0_0000, size: 512, irq: 10 }]);
  assert.equal(parseVirtioMmioDevices("virtio_mmio.device=1m@010:3"), [{ base: 8, size: 0x10_0000, irq: 3 }]);
  assert.equal(parseVirtioMmioDevices("  init=/sbin/init -- virtio_mmio.device=512@0x1000:5"), []);
  assert.equal(parseVirtioMmioDevices(""), []);
  assert.equal(parseVirtioMmioDevices("virtio_mmio.devices=512@0x1000:5 xvirtio_mmio.device=512@0x1000:5"), []);
});

test("malformed entries are errors that say which and what is expected", () => {
  for (const bad of ["512@0xfeb00000", "512@0xfeb00000:0", "512@0xfeb00000:5x", "@0xfeb00000:5", "512@:5", "512X@0x1000:5", "0@0x1000:5", "512@09:5", "512@0x1000:5:"]) {
    assert.throws(() => parseVirtioMmioDevices(`virtio_mmio.device=${bad}`), (e: unknown) =>
      e instanceof RangeError && e.message.startsWith(`virtio_mmio.device=${bad}: `) && e.message.includes("<size>@<base>:<irq>[:<id>]"), bad);
  }
});

test.run();
