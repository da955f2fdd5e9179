/**
 * The firmware's `console`: every method formats like Node's console.log and writes one line to
 * the single output stream (the serial console), so warn/error are not separated from log.
 * The formatter is passed in: boards use runtime/firmware-console.ts, which keeps the full formatter
 * out of the boot path; host tests pass runtime/format/format.ts's formatArgs directly.
 */

/** Same shape as TsmetalConsole in runtime/globals.d.ts (which tests compiled against Node cannot see). */
export interface FirmwareConsole {
  log(...args: unknown[]): void;
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
  debug(...args: unknown[]): void;
}

export type ArgsFormatter = (args: readonly unknown[]) => string;

/** A console writing each formatted line, "\n"-terminated, through `write`. */
export function createConsole(write: (text: string) => void, formatArgs: ArgsFormatter): FirmwareConsole {
  // One closure for all methods: they differ only in Node's choice of stream.
  const print = (...args: unknown[]): void => {
    write(formatArgs(args) + "\n");
  };
  return { log: print, info: print, warn: print, error: print, debug: print };
}

/** Install the console as `globalThis.console`. */
export function installConsole(write: (text: string) => void, formatArgs: ArgsFormatter): void {
  // Cast: under the test tsconfig globalThis.console is Node's Console type.
  (globalThis as unknown as { console: FirmwareConsole }).console = createConsole(write, formatArgs);
}
