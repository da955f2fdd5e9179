/** The kernel's view of an SD card reader, for the flash tests (tools/lib/flash/block-device.ts). */
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { SystemRoots } from "../../tools/lib/flash/block-device.ts";

/**
 * A fake sysfs/procfs under `root` (a fresh folder): sdz (removable card, partitions sdz1 and
 * sdz2) laid out like the kernel's. `set` rewrites a file of the disk's sysfs folder, or of proc/.
 */
export function fakeSystem(root: string): SystemRoots & { set: (file: string, text: string) => void } {
  const sys = path.join(root, "sys");
  const proc = path.join(root, "proc");
  const disk = path.join(sys, "devices/platform/usb/host0/block/sdz");
  const write = (file: string, text: string) => {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
  };
  write(path.join(disk, "removable"), "1\n");
  write(path.join(disk, "ro"), "0\n");
  write(path.join(disk, "size"), "31116288\n");
  write(path.join(disk, "queue/logical_block_size"), "512\n");
  mkdirSync(path.join(disk, "holders"));
  for (const p of ["sdz1", "sdz2"]) {
    write(path.join(disk, p, "partition"), p.slice(3) + "\n");
    mkdirSync(path.join(disk, p, "holders"));
  }
  mkdirSync(path.join(sys, "block"), { recursive: true });
  symlinkSync("../devices/platform/usb/host0/block/sdz", path.join(sys, "block/sdz"));
  mkdirSync(path.join(sys, "class/block"), { recursive: true });
  symlinkSync("../../devices/platform/usb/host0/block/sdz", path.join(sys, "class/block/sdz"));
  symlinkSync("../../devices/platform/usb/host0/block/sdz/sdz1", path.join(sys, "class/block/sdz1"));
  write(path.join(proc, "mounts"), "/dev/sdy2 / ext4 rw,relatime 0 0\nproc /proc proc rw 0 0\ntmpfs /tmp tmpfs rw 0 0\n");
  write(path.join(proc, "swaps"), "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n");
  return { sys, proc, set: (file, text) => write(file.startsWith("proc/") ? path.join(root, file) : path.join(disk, file), text) };
}
