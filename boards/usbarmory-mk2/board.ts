/** USB armory Mk II: i.MX6ULZ with UART2 (the debug accessory's console) as the console. */
import { Imx6ul } from "../../soc/imx6ul.ts";
import { installFirmwareConsole } from "../../hal/firmware-console.ts";

export const soc = new Imx6ul({ consoleUart: 2 });

soc.console.init({ baud: 115200 });
installFirmwareConsole((text) => soc.console.writeString(text));
