/** linux-amd64: the firmware as a Linux process; standard output is the console (docs/boards/linux.md). */
import { installFirmwareConsole } from "../../hal/firmware-console.ts";
import { hostConsoleWriter } from "../../soc/linux-host.ts";

installFirmwareConsole(hostConsoleWriter());
