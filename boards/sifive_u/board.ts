/** QEMU sifive_u (FU540): UART0 at 0x10010000 is the console. */
import { Fu540 } from "../../soc/fu540.ts";
import { installFirmwareConsole } from "../../hal/firmware-console.ts";

export const soc = new Fu540();

soc.uart0.init({ baud: 115200 });
installFirmwareConsole((text) => soc.uart0.writeString(text));
