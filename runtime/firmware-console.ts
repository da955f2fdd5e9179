/**
 * The console boards install: primitives are formatted on the spot (runtime/format/format-primitives.ts);
 * anything else loads the full Node-style formatter (runtime/format/format.ts) from the image unit "format"
 * the first time it is needed, so it costs neither boot time nor heap until then.
 */
import { image } from "hal";
import { installConsole } from "./console.ts";
import { formatPrimitives } from "./format/format-primitives.ts";
import type * as Format from "./format/format.ts";

let full: typeof Format | undefined;

function formatArgs(args: readonly unknown[]): string {
  const quick = formatPrimitives(args);
  if (quick !== undefined) return quick;
  full ??= image.load("format") as typeof Format;
  return full.formatArgs(args);
}

export function installFirmwareConsole(write: (text: string) => void): void {
  installConsole(write, formatArgs);
}
