/**
 * The tsmetal command line: build, qemu, sim, linux, conformance, flash, boards, new, bench, fuzz. `npm run <command> -- [options]`.
 */
import { UserError } from "./lib/errors.ts";
import { commandHelp, commands, usage } from "./commands/index.ts";

/** --help or -h anywhere before a "--" that ends the options. */
const wantsHelp = (args: string[]): boolean => {
  const end = args.indexOf("--");
  return (end < 0 ? args : args.slice(0, end)).some((a) => a === "--help" || a === "-h");
};

async function main(): Promise<number> {
  const [name, ...rest] = process.argv.slice(2);
  if (name === "--help" || name === "-h" || name === "help") {
    console.log(usage());
    return 0;
  }
  const command = name && Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!command) {
    console.error(name ? `tsmetal: unknown command '${name}'\n${usage()}` : usage());
    return 2;
  }
  if (wantsHelp(rest)) {
    console.log(commandHelp(name));
    return 0;
  }
  return command.run(rest);
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
      const name = process.argv[2];
      console.error(`tsmetal: ${e.message}\n${Object.hasOwn(commands, name) ? commandHelp(name) : usage()}`);
      process.exitCode = 2;
    } else {
      console.error(e);
      process.exitCode = 1;
    }
  },
);

