/**
 * The board module of the Linux boards: the firmware as a Linux process; standard output is the
 * console (docs/boards/linux.md).
 */
import { installFirmwareConsole } from "../../runtime/firmware-console.ts";
import { hostConsoleWriter } from "./host.ts";

installFirmwareConsole(hostConsoleWriter());
