/**
 * Serial echo: each line received on the console UART is sent back, numbered, through ECMA-419
 * Serial (board().openSerial()) and the LineReader without terminal echo (lines as received,
 * CR, LF or CRLF ending each). The open serial keeps the firmware running; the line "exit" closes
 * it, and with nothing left to do the firmware exits 0.
 */
import { board, LineReader } from "tsmetal";

const serial = board().openSerial();
let count = 0;
console.log(`serial-echo on ${board().name}: each line comes back; "exit" ends`);
const reader = new LineReader({
  serial,
  echo: false,
  onLine(line) {
    if (line === "exit") {
      console.log(`serial-echo: ${count} line${count === 1 ? "" : "s"}`);
      reader.close();
      serial.close();
      return;
    }
    count++;
    console.log(`${count}: ${line}`);
  },
});
