/**
 * The commands of the tsmetal CLI with their options and help: `tsmetal <command> --help` prints
 * the command's usage and one line per option the parser accepts (a description is required for
 * each option by the type below), and `tsmetal --help` the list of commands; both exit 0.
 */
import { buildCommand, buildOptions } from "./build.ts";
import { qemuCommand, qemuOptions } from "./qemu.ts";
import { simCommand, simOptions } from "./sim.ts";
import { linuxCommand, linuxOptions } from "./linux.ts";
import { conformanceCommand, conformanceOptions } from "./conformance.ts";
import { flashCommand, flashOptions } from "./flash.ts";
import { boardsCommand } from "./boards.ts";
import { newCommand } from "./new.ts";
import { benchCommand, benchOptions } from "./bench.ts";
import { fuzzCommand, fuzzOptions } from "./fuzz.ts";
import { MAX_TIMEOUT_S, RUN_TIMEOUT_DEFAULT_S } from "../lib/options.ts";

interface OptionSpec {
  readonly type: "string" | "boolean";
  readonly short?: string;
  readonly multiple?: boolean;
}

export interface Command {
  readonly run: (argv: string[]) => Promise<number>;
  readonly summary: string;
  /** What follows `tsmetal <command>` besides the options (e.g. `<dir>`). */
  readonly operands?: string;
  /** The parser's options (parseOptions) with their descriptions, "<value>: text" for a string. */
  readonly options: Readonly<Record<string, OptionSpec>>;
  readonly help: Readonly<Record<string, string>>;
}

/** A command whose help names every option of `options`, checked by the compiler. */
const command = <O extends Record<string, OptionSpec>>(c: Omit<Command, "options" | "help"> & { options: O; help: { readonly [K in keyof O]: string } }): Command => c;

const build = {
  board: "<name>: the board (npm run boards lists them)",
  app: "<entry.ts>: the app's entry module (default firmware-template/src/main.ts)",
  out: "<dir>: where the build goes (default build/out/<board>-<app>-<hash>)",
  "enable-eval": "compile eval and new Function in",
  "memory-limit": "<bytes>: the engine's heap limit, e.g. 512k or 4m (at most the board's heap)",
  "max-job-ms": "<ms>: stop a job that runs longer, exit 7",
  define: "<NAME=VALUE>: replace NAME in the app's code with the string VALUE (repeatable)",
};
const runTimeout = `<s>: stop the run after this many seconds, exit 124; 0 for none (default: none when standard input is a terminal, else ${RUN_TIMEOUT_DEFAULT_S}; at most ${MAX_TIMEOUT_S})`;

export const commands: Readonly<Record<string, Command>> = {
  build: command({ run: buildCommand, summary: "type-check, bundle, compile and link a firmware image", options: buildOptions, help: build }),
  qemu: command({
    run: qemuCommand,
    summary: "build if needed and boot under QEMU; standard input is the console's input",
    options: qemuOptions,
    help: {
      ...build,
      board: "<name>: the board (default pizero)",
      timeout: runTimeout,
      screenshot: "<file.png>: save the last picture the display showed",
      forward: "<tcp|udp:HOSTPORT:GUESTPORT>: forward a host port to the guest's network (repeatable)",
    },
  }),
  sim: command({
    run: simCommand,
    summary: "run the firmware in Node over the peripheral models, in simulated time",
    options: simOptions,
    help: { board: "<name>: the board (default pizero)", app: build.app, timeout: runTimeout, "max-job-ms": build["max-job-ms"], define: build.define },
  }),
  linux: command({
    run: linuxCommand,
    summary: "build for a Linux board and run it as a host process",
    options: linuxOptions,
    help: {
      ...build,
      board: "<linux-amd64|linux-arm|linux-riscv64>: the board (default linux-amd64)",
      timeout: runTimeout,
      "allow-no-seccomp": "run even if the seccomp filter cannot be installed (else exit 8)",
    },
  }),
  conformance: command({
    run: conformanceCommand,
    summary: "run QuickJS's test files on a board against docs/compatibility.md",
    options: conformanceOptions,
    help: { board: "<name>: the board (default pizero)", timeout: "<s>: per test file (default 180)", "update-docs": "rewrite the board's column of docs/compatibility.md" },
  }),
  flash: command({
    run: flashCommand,
    summary: "build, then write the boot image to a card, disk image or folder, or load it over USB",
    options: flashOptions,
    help: {
      ...build,
      to: "<folder|image|/dev/sdX>: where to write",
      firmware: "<dir>: where the Raspberry Pi boot firmware files come from (docs/flashing.md)",
      yes: "(-y) do not ask before writing",
      "dry-run": "show the plan and stop",
      usb: "load an i.MX board over USB serial download (imx_usb)",
    },
  }),
  boards: command({ run: boardsCommand, summary: "list the boards with arch, SoC and QEMU machine", options: {}, help: {} }),
  new: command({ run: newCommand, summary: "create a firmware project from firmware-template/", operands: "<dir>", options: {}, help: {} }),
  bench: command({
    run: benchCommand,
    summary: "deterministic figures: image size, boot instructions, heap peak, idle and IRQ latency",
    options: benchOptions,
    help: { board: "<name>: the board (default pizero)", json: "print one JSON object", profile: "<n>: also print the n functions that ran the most instructions" },
  }),
  fuzz: command({
    run: fuzzCommand,
    summary: "damaged images must be refused with exit 2; generated JS must match Node",
    options: fuzzOptions,
    help: {
      board: "<name>: the board (default pizero)",
      seed: "<n>: the generator's seed (default 1)",
      iterations: "<n>: damaged images (default 80)",
      "js-iterations": "<n>: JS cases (default: --iterations)",
      region: "<name>[,<name>...]: image regions or js (default: all)",
      timeout: "<s>: per boot (default 20)",
    },
  }),
};

/** `tsmetal <name> --help`. */
export function commandHelp(name: string): string {
  const c = commands[name];
  const lines = [`usage: tsmetal ${name}${c.operands ? ` ${c.operands}` : ""}${Object.keys(c.options).length ? " [options]" : ""}`, `  ${c.summary}`];
  if (Object.keys(c.options).length) lines.push("options:");
  for (const [option, text] of Object.entries(c.help)) {
    const m = /^(<[^>]*>(?:\[[^\]]*\])?): (.*)$/.exec(text);
    lines.push(`  --${option}${m ? ` ${m[1]}` : ""}`.padEnd(34) + ` ${m ? m[2] : text}`);
  }
  lines.push("  --help, -h".padEnd(34) + " print this and exit");
  return lines.join("\n");
}

/** `tsmetal --help`: the commands. */
export function usage(): string {
  return [
    "usage: tsmetal <command> [options]   (npm run <command> -- [options])",
    ...Object.entries(commands).map(([name, c]) => `  ${name.padEnd(12)} ${c.summary}`),
    "tsmetal <command> --help lists a command's options.",
  ].join("\n");
}
