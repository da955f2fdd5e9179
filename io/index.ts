/**
 * The module apps import as "tsmetal": the IO classes and the services of the board the firmware
 * was built for. The board's services live in its loop unit (soc/<family>/loop-unit.ts, with the
 * interrupt controller that serial input needs), which board() loads on first use unless the
 * board module registered them itself.
 */
import { image } from "hal";
import { registeredBoard, type BoardServices } from "./board-services.ts";

export { ByteRing } from "./ring-buffer.ts";
export { Serial, DEFAULT_SERIAL_BUFFER_SIZE } from "./serial.ts";
export type { SerialFormat, SerialOptions, SerialOverflows, SerialReadableCallback } from "./serial.ts";
export { LineReader } from "./line-reader.ts";
export type { LineReaderOptions } from "./line-reader.ts";
export { registerBoard, serialOpener } from "./board-services.ts";
export type { BoardInfo, BoardServices, OpenDigitalOptions, OpenSerialOptions } from "./board-services.ts";
// The driver-facing interfaces, for apps that bring a driver of their own.
export type { DigitalPort } from "../drivers/interfaces/digital-port.ts";
export type { Surface } from "../drivers/interfaces/display.ts";
export type { SerialPort, SerialRxErrors } from "../drivers/interfaces/serial-port.ts";
export type { Watchdog } from "../drivers/interfaces/watchdog.ts";
export { Digital } from "./digital.ts";
export { Canvas, RGB } from "../drivers/video/graphics/canvas.ts";
// The network: stubs that load the image units "net" and "http" on first use.
export { network, serve, TCP, UDP, Listener } from "./network.ts";
export type { Handler, HttpServer, Network, NetworkOptions, ServeOptions, StaticIpv4 } from "./network.ts";
// The command table both the serial shell and SSH sessions run; the SSH server ("ssh" unit, on first use).
export { commandShell, helpLines, COMMAND_NOT_FOUND } from "./shell.ts";
export type { Command, Commands, CommandShell, Print } from "./shell.ts";
export { serveSsh } from "./ssh.ts";
// Files on the board's disk: a stub that loads the image unit "storage" on first use.
export { files, mount } from "./files.ts";
export type { BlockStore, Dirent, FileData, FileHandle, Files, FsErrorCode, OpenFlags, ReadResult, Stats, WriteResult } from "./files.ts";
// Live app updates: what a deployed app confirms (docs/updates.md; the agent is io/update/agent.ts).
export { update } from "./update/api.ts";
export type { ServeSshOptions, SshServer, SshSession, SessionHandler } from "./ssh.ts";

/** The loop unit's exports this module uses. */
interface LoopUnit {
  readonly services?: BoardServices;
}

/** The services of the board the firmware runs on. */
export function board(): BoardServices {
  const services = registeredBoard() ?? (image.load("loop") as LoopUnit).services;
  if (!services) throw new Error("tsmetal: this board offers no services (its loop unit exports none)");
  return services;
}
