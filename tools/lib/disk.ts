/**
 * `--disk <image>`: the QEMU arguments that attach a raw disk image to a board's card slot
 * (docs/storage.md), as board.json's qemu.disk names it (tools/lib/boards.ts QemuDisk):
 * "virtio-mmio" gets a virtio-blk-device on QEMU microvm's virtio-mmio bus (modern interface,
 * announced on the kernel command line, which needs acpi=off, as the network's); "sd" is
 * `-drive if=sd` (the Raspberry Pi machines' SD controller, the i.MX6UL EVK's uSDHC, sifive_u's SD
 * card on SPI2, hw/riscv/sifive_u.c). Checked before the build: a missing image or a board without
 * a slot is a UserError naming the boards that have one, and why this one has none (qemu.noDisk).
 */
import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { boardNames, loadBoard, type Board } from "./boards.ts";
import { UserError } from "./errors.ts";

export interface DiskArgs {
  /** The machine option when the disk needs another (microvm,acpi=off). */
  readonly machine?: string;
  readonly args: string[];
}

/** The virtio-mmio bus the disk goes on: bus 0 is the network's (board.json qemu.network). */
const MICROVM_DISK_BUS = "virtio-mmio-bus.1";

/** How board `board` attaches a disk under QEMU, or why it cannot. */
function slot(board: Board): ((file: string) => DiskArgs) | string {
  if (board.target.linux) return "a Linux userspace board has no card slot";
  const [machine, ...opts] = board.qemu.machine.split(",");
  switch (board.qemu.disk) {
    case "virtio-mmio":
      return (file) => ({
        machine: [machine, ...opts.filter((o) => !o.startsWith("acpi=")), "acpi=off"].join(","),
        args: ["-global", "virtio-mmio.force-legacy=false", "-drive", `if=none,id=disk0,format=raw,file=${file}`, "-device", `virtio-blk-device,drive=disk0,bus=${MICROVM_DISK_BUS}`],
      });
    case "sd":
      return (file) => ({ args: ["-drive", `if=sd,format=raw,file=${file}`] });
    case undefined:
      return board.qemu.noDisk ?? `its board.json names no card slot (qemu.disk) on QEMU's ${machine} machine`;
  }
}

/** Whether `name` has a slot under QEMU. */
export function hasDiskSlot(board: Board): boolean {
  return typeof slot(board) === "function";
}

/** QEMU's arguments for `--disk file` on `board`; throws a UserError for a missing file or a board with no slot. */
export function diskQemuArgs(board: Board, file: string): DiskArgs {
  const s = slot(board);
  if (typeof s === "string") {
    const withSlot = boardNames().filter((n) => hasDiskSlot(loadBoard(n)));
    throw new UserError(`--disk: board '${board.name}' has no disk slot under QEMU: ${s}; boards with one: ${withSlot.join(", ")}`);
  }
  const abs = path.resolve(file);
  if (!existsSync(abs) || !statSync(abs).isFile()) throw new UserError(`--disk ${file}: no such image file (make one with npm run disk -- --from <dir> --out ${file})`);
  if (statSync(abs).size % 512 !== 0 || statSync(abs).size === 0) throw new UserError(`--disk ${file}: ${statSync(abs).size} bytes is not a whole number of 512-byte blocks`);
  if (abs.includes(",")) throw new UserError(`--disk ${file}: QEMU cannot take a path with a comma in -drive`);
  return s(abs);
}
