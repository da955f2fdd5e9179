/**
 * An interactive shell on the console UART, like TamaGo's example console: type `help`.
 * Input is interrupt-driven (io/serial.ts); the open serial keeps the firmware running until
 * `exit`.
 */
import { board, LineReader } from "tsmetal";
import { execute } from "./commands.ts";

const serial = board().openSerial();
console.log(`tsmetal shell on ${board().name}; type help`);
new LineReader({ serial, prompt: "> ", onLine: execute });
