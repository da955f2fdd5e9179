/** MCIMX6ULL-EVK: i.MX6ULL with UART1 (the USB debug port) as the console. */
import { Imx6ul } from "../../soc/imx6ul.ts";
import { installFirmwareConsole } from "../../hal/firmware-console.ts";

export const soc = new Imx6ul({ consoleUart: 1 });

soc.console.init({ baud: 115200 });
installFirmwareConsole((text) => soc.console.writeString(text));
