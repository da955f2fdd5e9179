/** Cloud Hypervisor (x86-64 PVH guest; under QEMU: microvm): the legacy 16550 on COM1 is the console. */
import { PcLegacy } from "../../soc/pc-legacy.ts";
import { installFirmwareConsole } from "../../hal/firmware-console.ts";

export const soc = new PcLegacy();

soc.com1.init({ baud: 115200 });
installFirmwareConsole((text) => soc.com1.writeString(text));
