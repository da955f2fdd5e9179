/** Globals the tsmetal runtime provides on the target (ES2020 library plus these). */
interface TsmetalConsole {
  log(...args: unknown[]): void;
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
  debug(...args: unknown[]): void;
}
declare var console: TsmetalConsole;
