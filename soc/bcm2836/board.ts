/** The board module of the BCM2836 boards (Pi 2 B): UART0 (GPIO 14/15, header pins 8/10) is the console. */
import { Bcm2836 } from "./bcm2836.ts";
import { installFirmwareConsole } from "../../runtime/firmware-console.ts";

export const soc = new Bcm2836();

soc.uart0.init({ baud: 115200 });
installFirmwareConsole((text) => soc.uart0.writeString(text));
