/**
 * The tsmetal command line: build, qemu, sim, linux, conformance, flash, boards, new, bench, fuzz. `npm run <command> -- [options]`.
 */
import { parseArgs } from "node:util";
import { UserError } from "./lib/errors.ts";
import { buildCommand } from "./commands/build.ts";
import { qemuCommand } from "./commands/qemu.ts";
import { flashCommand } from "./commands/flash.ts";
import { boardsCommand } from "./commands/boards.ts";
import { newCommand } from "./commands/new.ts";
import { benchCommand } from "./commands/bench.ts";
import { simCommand } from "./commands/sim.ts";
import { linuxCommand } from "./commands/linux.ts";
import { conformanceCommand } from "./commands/conformance.ts";
import { fuzzCommand } from "./commands/fuzz.ts";

const commands: Record<string, (argv: string[]) => Promise<number>> = {
  build: buildCommand,
  qemu: qemuCommand,
  sim: simCommand,
  linux: linuxCommand,
  conformance: conformanceCommand,
  flash: flashCommand,
  boards: boardsCommand,
  new: newCommand,
  bench: benchCommand,
  fuzz: fuzzCommand,
};

const usage = `usage: tsmetal <command> [options]
  build  --board <name> [--app <entry.ts>] [--out <dir>] [--enable-eval]
  qemu   [--board <name>] [--app <entry.ts>] [--timeout <s>] [--screenshot <file.png>]
  sim    [--board <name>] [--app <entry.ts>] [--timeout <s>]
  linux  [--board linux-amd64|linux-arm|linux-riscv64] [--app <entry.ts>] [--timeout <s>]
  conformance [--board <name>] [--timeout <s>] [--update-docs]
  flash  --board <name> --to <folder|image|/dev/sdX> [--app <entry.ts>] [--firmware <dir>] [--yes] [--dry-run]
  boards
  new    <dir>
  bench  --board <name> [--json]
  fuzz   [--board <name>] [--seed <n>] [--iterations <n>] [--region <name>[,<name>...]] [--timeout <s>]`;

async function main(): Promise<number> {
  const [name, ...rest] = process.argv.slice(2);
  const command = name ? commands[name] : undefined;
  if (!command) {
    console.error(name ? `tsmetal: unknown command '${name}'\n${usage}` : usage);
    return 2;
  }
  return command(rest);
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    if (e instanceof UserError) {
      console.error(`tsmetal: ${e.message}`);
      process.exitCode = e.exitCode;
    } else if (e instanceof Error && (e as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
      console.error(`tsmetal: ${e.message}\n${usage}`);
      process.exitCode = 2;
    } else {
      console.error(e);
      process.exitCode = 1;
    }
  },
);

