/**
 * Board services: what a board offers apps through "tsmetal"'s board(). Kept apart from
 * hal/index.ts, which imports the native module, so host tests can load it.
 */
import { Serial, type SerialFormat, type SerialPort, type SerialReadableCallback } from "./io/serial.ts";
import type { IrqRouter } from "hal";

export interface OpenSerialOptions {
  readonly format?: SerialFormat;
  readonly bufferSize?: number;
  readonly onReadable?: SerialReadableCallback;
  /** Whether the open port keeps the firmware running (default true). */
  readonly keepAlive?: boolean;
}

/** What a board offers apps; its board module registers it with registerBoard(). */
export interface BoardServices {
  readonly name: string;
  /** Opens the console UART for interrupt-driven input (exclusive: a second open before close() throws). */
  openSerial(options?: OpenSerialOptions): Serial;
}

let registered: BoardServices | undefined;

/** Called at most once, by a board module or the board's loop unit. */
export function registerBoard(services: BoardServices): void {
  if (registered) throw new Error(`tsmetal: board "${registered.name}" is already registered; cannot register "${services.name}"`);
  registered = services;
}

/** The services a board module registered, if one did. */
export function registeredBoard(): BoardServices | undefined {
  return registered;
}

/**
 * For board modules: an openSerial() over `port` on interrupt `line` that refuses a second open
 * until the Serial it returned has been closed.
 */
export function serialOpener(port: SerialPort, irq: IrqRouter, line: number, portName = "serial port"): BoardServices["openSerial"] {
  let current: Serial | undefined;
  return (options = {}) => {
    if (current && !current.closed) throw new Error(`tsmetal: the ${portName} is already open; close() it first`);
    current = new Serial({ ...options, port, irq, line });
    return current;
  };
}
