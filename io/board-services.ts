/**
 * Board services: what a board offers apps through "tsmetal"'s board(). Kept apart from
 * io/index.ts, which imports the native module, so host tests can load it.
 */
import { Serial, type SerialFormat, type SerialReadableCallback } from "./serial.ts";
import type { SerialPort } from "../drivers/interfaces/serial-port.ts";
import type { IrqRouter } from "hal";
import type { Digital, DigitalReadableCallback } from "./digital.ts";
import type { Canvas } from "../drivers/video/graphics/canvas.ts";
import type { Watchdog } from "../drivers/interfaces/watchdog.ts";
import type { NetworkInterface } from "../drivers/interfaces/network-interface.ts";
import type { BlockStore } from "../stacks/fat/block-store.ts";

/** Options of board().openSerial(): as SerialOptions, without the port and interrupt the board supplies. */
export interface OpenSerialOptions {
  readonly format?: SerialFormat;
  readonly bufferSize?: number;
  readonly onReadable?: SerialReadableCallback;
  /** Whether the open port keeps the firmware running (default true). */
  readonly keepAlive?: boolean;
}

/** Facts about the board as its firmware reports them (what a board cannot tell is absent). */
export interface BoardInfo {
  readonly board: string;
  /** Revision code (Raspberry Pi: the firmware's board revision). */
  readonly revision?: number;
  /** Serial number as a hexadecimal string. */
  readonly serial?: string;
  /** RAM the CPU owns. */
  readonly memory?: { readonly base: number; readonly size: number };
  /** Clock rates in Hz by name ("arm", "core", "uart", ...). */
  readonly clocks?: Readonly<Record<string, number>>;
  /** What feeds crypto.getRandomValues() (PC boards: "rdrand", "efi-rng" or "rdrand+efi-rng"). */
  readonly random?: string;
}

/** Options of board().openDigital(): the pin (numbered as the board's page says), its mode, and for inputs the edges to report. */
export interface OpenDigitalOptions {
  /** The pin number as the board's page numbers it (docs/boards/: the LEDs there; i.MX: 32 * (n - 1) + m for GPIOn_IOm). */
  readonly pin: number;
  /** Digital.Input, Digital.InputPullUp, Digital.InputPullDown or Digital.Output. */
  readonly mode: number;
  /** Inputs: Digital.Rising, Digital.Falling or both (a bit mask); needed by onReadable. */
  readonly edge?: number;
  /** Called after an edge of `edge` on the pin (from the event loop, not interrupt context). */
  readonly onReadable?: DigitalReadableCallback;
}

/** What a board offers apps, from tsmetal's board(). Optional members are what some boards lack. */
export interface BoardServices {
  /** The board's name: its folder under boards/. */
  readonly name: string;
  /** Opens the console UART for interrupt-driven input (exclusive: a second open before close() throws). */
  openSerial(options?: OpenSerialOptions): Serial;
  /** Facts about the board: revision, serial number, memory, clocks (what it can tell). */
  info?(): BoardInfo;
  /** The board's watchdog, where it has one: a starved watchdog resets the board. */
  readonly watchdog?: Watchdog;
  /** Resets the board now, as a power cycle would (PC boards; under QEMU the run ends with exit code 6). */
  reboot?(): never;
  /** A GPIO pin as an ECMA-419 Digital (exclusive until closed). */
  openDigital?(options: OpenDigitalOptions): Digital;
  /** The display, set up on first call; later calls return the same canvas. */
  framebuffer?(options?: { readonly width?: number; readonly height?: number; readonly depth?: 32 | 16 }): Canvas;
  /**
   * The board's Ethernet interface (the first network device the machine has), for a stack such
   * as stacks/net: started on the first call, its interrupt handled by the event loop (which it
   * keeps running); later calls return the same interface. Throws an Error naming what the
   * machine needs when it has no network device (docs/boards/microvm.md, "Network").
   */
  network?(): NetworkInterface;
  /**
   * The board's disk (its card slot; virtio-blk on the VMs), a block device of
   * drivers/block/block-device.ts: started on the first call, later calls return the same one.
   * Throws an Error naming what the machine needs when it has none (docs/storage.md).
   */
  disk?(): BlockStore;
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
