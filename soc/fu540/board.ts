/** The board module of the FU540 boards (QEMU sifive_u): UART0 at 0x10010000 is the console. */
import { Fu540 } from "./fu540.ts";
import { installFirmwareConsole } from "../../runtime/firmware-console.ts";

export const soc = new Fu540();

soc.uart0.init({ baud: 115200 });
installFirmwareConsole((text) => soc.uart0.writeString(text));
