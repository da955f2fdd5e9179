/**
 * A serial device as a byte channel for the host tools that talk to a board's console line
 * (npm run repl, npm run deploy): set raw at a speed with coreutils' stty, read through Node's tty
 * handle (which closing stops, where an fs read of a tty would hold the process until a byte
 * came) and written through a blocking descriptor of its own.
 */
import { spawnSync } from "node:child_process";
import { closeSync, constants, createWriteStream, existsSync, openSync } from "node:fs";
import { isatty, ReadStream } from "node:tty";
import { UserError } from "./errors.ts";

export interface SerialLine {
  write(data: Uint8Array): void;
  stop(): Promise<undefined>;
  /** Settles when the device goes away (a read error). */
  ended: Promise<undefined>;
}

/** Opens `port` raw at `baud`; `onText` gets what the board prints, `print` the line's errors. */
export function openSerialLine(port: string, baud: number, onText: (text: string) => void, print: (text: string) => void): SerialLine {
  if (!existsSync(port)) throw new UserError(`--port ${port}: no such device`);
  // coreutils' stty: raw (no line editing, no CR/LF translation, 8 bits), no echo, the speed.
  const stty = spawnSync("stty", ["-F", port, "raw", "-echo", String(baud)], { encoding: "utf8" });
  if (stty.status !== 0) throw new UserError(`stty -F ${port} raw -echo ${baud} failed: ${(stty.stderr || stty.error?.message || "").trim()}`);
  const fd = openSync(port, constants.O_RDWR | constants.O_NOCTTY);
  if (!isatty(fd)) {
    closeSync(fd);
    throw new UserError(`--port ${port} is not a terminal device (a serial port such as /dev/ttyUSB0)`);
  }
  const inp = new ReadStream(fd);
  // Writes on a blocking descriptor of their own: the tty handle made `fd` non-blocking.
  const out = createWriteStream("", { fd: openSync(port, constants.O_WRONLY | constants.O_NOCTTY) });
  inp.setEncoding("utf8").on("data", (t: string | Buffer) => onText(String(t)));
  let close: () => void = () => undefined;
  const ended = new Promise<undefined>((resolve) => {
    close = () => resolve(undefined);
    inp.on("error", (e) => {
      print(`tsmetal: ${port}: ${e.message}\n`);
      resolve(undefined);
    });
  });
  return {
    write: (d) => void out.write(d),
    ended,
    stop: async () => {
      inp.destroy();
      out.end();
      close();
      return undefined;
    },
  };
}
