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
