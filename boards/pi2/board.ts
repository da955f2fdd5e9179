/** Raspberry Pi 2 B: the BCM2836 with UART0 (GPIO 14/15, header pins 8/10) as the console. */
import { Bcm2836 } from "../../soc/bcm2836.ts";
import { installFirmwareConsole } from "../../hal/firmware-console.ts";

export const soc = new Bcm2836();

soc.uart0.init({ baud: 115200 });
installFirmwareConsole((text) => soc.uart0.writeString(text));
