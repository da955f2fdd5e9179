/**
 * The board module of the i.MX6UL/ULL boards (USB armory Mk II and Mk II LAN, MCIMX6ULL-EVK): the
 * UART board.json's config.consoleUart names (1-8) is the console.
 */
import { config } from "tsmetal:board";
import { Imx6ul } from "./imx6ul.ts";
import { installFirmwareConsole } from "../../runtime/firmware-console.ts";

const consoleUart = config.consoleUart;
if (typeof consoleUart !== "number") throw new TypeError("board.json: config.consoleUart must be the console's UART number (1-8)");

export const soc = new Imx6ul({ consoleUart });

soc.console.init({ baud: 115200 });
installFirmwareConsole((text) => soc.console.writeString(text));
