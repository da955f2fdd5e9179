/**
 * A command table and its interpreter, for every console a firmware offers: the serial shell
 * (examples/shell, over LineReader) and SSH sessions (serveSsh) run the same table, so that help
 * and the dispatcher cannot disagree and a command behaves the same on either. A command prints
 * through the `print` it is given, never console.log, so that its output goes to whoever asked.
 */

/** Prints one line (without its line end) to the console that ran the command. */
export type Print = (line: string) => void;

/** One command of a command shell: its usage, one line of help, and what it runs. */
export interface Command {
  /** How to call it, as `help` shows: "peek <addr>". */
  readonly usage: string;
  /** One line of what it does. */
  readonly help: string;
  /** Runs it; a thrown error is printed as "Name: message" with exit status 1. Returns nothing (status 0) or an exit status. */
  readonly run: (args: readonly string[], print: Print) => void | number;
}

/** A command shell's commands by name. */
export type Commands = Readonly<Record<string, Command>>;

/** Exit statuses as POSIX shells give them (XCU 2.8.2): 127 for a command not found. */
export const COMMAND_NOT_FOUND = 127;

/** An interpreter of command lines over a set of commands, from commandShell(). */
export interface CommandShell {
  readonly commands: Commands;
  /** Runs one line; errors are printed, never thrown. Returns its exit status (0 for an empty line). */
  run(line: string, print: Print): number;
}

/** The interpreter over `commands`: words split on white space, the first names the command. */
export function commandShell(commands: Commands): CommandShell {
  return {
    commands,
    run(line, print) {
      const [name, ...args] = line.trim().split(/\s+/);
      if (!name) return 0;
      const command = Object.prototype.hasOwnProperty.call(commands, name) ? commands[name] : undefined;
      if (!command) {
        print(`unknown command: ${name} (try help)`);
        return COMMAND_NOT_FOUND;
      }
      try {
        // print's own result never passes for a status: `run: (a, print) => print(x)` returns it.
        const status = command.run(args, (text) => void print(text));
        return typeof status === "number" ? status : 0;
      } catch (e) {
        print(e instanceof Error ? `${e.name}: ${e.message}` : `error: ${String(e)}`);
        return 1;
      }
    },
  };
}

/** The usage and help of each command, one line each, aligned (what a `help` command prints). */
export function helpLines(commands: Commands): string[] {
  return Object.keys(commands).map((name) => `  ${commands[name].usage.padEnd(22)} ${commands[name].help}`);
}
