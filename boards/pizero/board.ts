/** Raspberry Pi Zero: the BCM2835 with UART0 (GPIO 14/15, header pins 8/10) as the console. */
import { Bcm2835 } from "../../soc/bcm2835.ts";
import { installFirmwareConsole } from "../../hal/firmware-console.ts";

export const soc = new Bcm2835();

soc.uart0.init({ baud: 115200 });
installFirmwareConsole((text) => soc.uart0.writeString(text));
