/**
 * `--disk <image>`: the QEMU arguments that attach a raw disk image to a board's card slot
 * (docs/storage.md). By QEMU machine: microvm's virtio-mmio bus gets a virtio-blk-device (modern
 * interface, announced on the kernel command line, which needs acpi=off, as the network's);
 * the Raspberry Pi machines (raspi0/1ap/2b: their SD controller), the i.MX6UL EVK (uSDHC) and
 * sifive_u (the SD card on SPI2, hw/riscv/sifive_u.c) take `-drive if=sd`. Checked before the
 * build: a missing image or a board without a slot is a UserError naming the boards that have one.
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
  const config = (board.config ?? {}) as Record<string, unknown>;
  const machine = board.qemu.machine.split(",")[0];
  if (machine === "microvm") {
    if (config.noNetwork !== undefined) return "its VMM has no virtio-mmio transport (virtio-blk there is a PCI device)";
    // QEMU's microvm puts its transports at 0xfeb00000; a board mapping another window (Firecracker's) cannot see them.
    if (Number(config.virtioMmioBase) !== 0xfeb0_0000) return `QEMU's microvm transports sit at 0xfeb00000, outside this board's virtio-mmio window (${String(config.virtioMmioBase)}); give its VMM a drive instead (docs/storage.md)`;
    const opts = board.qemu.machine.split(",").slice(1).filter((o) => !o.startsWith("acpi="));
    return (file) => ({
      machine: ["microvm", ...opts, "acpi=off"].join(","),
      args: ["-global", "virtio-mmio.force-legacy=false", "-drive", `if=none,id=disk0,format=raw,file=${file}`, "-device", `virtio-blk-device,drive=disk0,bus=${MICROVM_DISK_BUS}`],
    });
  }
  if (/^raspi/.test(machine) || machine === "mcimx6ul-evk" || machine === "sifive_u") {
    return (file) => ({ args: ["-drive", `if=sd,format=raw,file=${file}`] });
  }
  return `QEMU's ${machine} machine has no card slot tsmetal knows`;
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
