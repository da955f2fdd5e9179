/**
 * The board module of the PC-like VMs (QEMU microvm, Firecracker, Cloud Hypervisor): the 16550 on
 * COM1 is the console.
 */
import { PcLegacy } from "./pc-legacy.ts";
import { installFirmwareConsole } from "../../runtime/firmware-console.ts";

export const soc = new PcLegacy();

soc.com1.init({ baud: 115200 });
installFirmwareConsole((text) => soc.com1.writeString(text));
