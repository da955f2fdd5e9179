/**
 * The module apps import as "tsmetal": the IO classes and the services of the board the firmware
 * was built for. The board's services live in its loop unit (boards/<name>/loop.ts, with the
 * interrupt controller that serial input needs), which board() loads on first use unless the
 * board module registered them itself.
 */
import { image } from "hal";
import { registeredBoard, type BoardServices } from "./board-services.ts";

export { ByteRing } from "./io/ring-buffer.ts";
export { Serial, DEFAULT_SERIAL_BUFFER_SIZE } from "./io/serial.ts";
export type { SerialFormat, SerialOptions, SerialOverflows, SerialPort, SerialReadableCallback } from "./io/serial.ts";
export { LineReader } from "./io/line-reader.ts";
export type { LineReaderOptions } from "./io/line-reader.ts";
export { registerBoard, serialOpener } from "./board-services.ts";
export type { BoardInfo, BoardServices, OpenDigitalOptions, OpenSerialOptions, Watchdog } from "./board-services.ts";
export { Digital } from "./io/digital.ts";
export { Canvas, RGB } from "./graphics/canvas.ts";

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
