/**
 * The board module of the BCM2835 boards (Pi Zero, Pi 1 A+/B+): UART0, the PL011 on GPIO 14/15
 * (header pins 8/10), is the console.
 */
import { Bcm2835 } from "./bcm2835.ts";
import { installFirmwareConsole } from "../../runtime/firmware-console.ts";

export const soc = new Bcm2835();

soc.uart0.init({ baud: 115200 });
installFirmwareConsole((text) => soc.uart0.writeString(text));
