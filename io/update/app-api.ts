/** The "tsmetal" a deployed app gets from the base (the names of io/update/api-names.ts). */
import { board, ByteRing, Serial, DEFAULT_SERIAL_BUFFER_SIZE, LineReader, registerBoard, serialOpener, Digital, commandShell, helpLines, COMMAND_NOT_FOUND, update } from "../index.ts";
import type { AppApiName } from "./api-names.ts";

export const appApi: Readonly<Record<AppApiName, unknown>> = {
  board,
  ByteRing,
  Serial,
  DEFAULT_SERIAL_BUFFER_SIZE,
  LineReader,
  registerBoard,
  serialOpener,
  Digital,
  commandShell,
  helpLines,
  COMMAND_NOT_FOUND,
  update,
};
