/**
 * npm run repl -- [--board pizero] [--sim | --port /dev/ttyUSB0 --baud 115200]: a REPL on the device with
 * eval still off (docs/repl.md). The host transpiles and compiles each input to bytecode
 * (tools/lib/repl-compile.ts) and sends it in a frame; the REPL firmware's agent checks and runs
 * it (io/repl/agent.ts, engine/src/repl.c). Commands: .load <file.ts>, .help, .exit; Ctrl-C stops
 * a running input (twice at the prompt: leave); history in the user's cache folder.
 */
import { mkdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { loadBoard, DEFAULT_BOARD } from "../lib/boards.ts";
import { parseOptions } from "../lib/options.ts";
import { UserError } from "../lib/errors.ts";
import { displayPath } from "../lib/paths.ts";
import { isIncomplete } from "../lib/repl-compile.ts";
import { buildReplFirmware, replOverPort, replUnderLinux, replUnderQemu, type ReplTarget } from "../lib/repl-target.ts";
import { replUnderSim } from "../sim/repl.ts";
import { simMachineFor } from "../sim/run.ts";

export const replOptions = {
  board: { type: "string" },
  port: { type: "string" },
  baud: { type: "string" },
  sim: { type: "boolean", default: false },
} as const;

export const REPL_HELP = [
  "Each input is TypeScript, compiled on this machine and run on the device (no eval there).",
  "Top-level declarations persist between inputs; top-level await works.",
  ".load <file.ts>  run a file's code as one input",
  ".help            this text",
  ".exit            leave (also Ctrl-D, or Ctrl-C twice at the prompt)",
  "Ctrl-C           stop the running input; the firmware keeps running",
].join("\n");

const PROMPT = "> ", MORE = "... ";

/** The history file: $XDG_CACHE_HOME/tsmetal/repl_history, or ~/.cache/... */
export function historyFile(): string {
  const cache = process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache");
  return path.join(cache, "tsmetal", "repl_history");
}

function parseBaud(text: string | undefined, port: string | undefined): number {
  if (text === undefined) return 115200;
  if (port === undefined) throw new UserError("--baud is for --port (a serial device)");
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 50 || n > 4000000) throw new UserError(`--baud takes a line speed such as 115200; got '${text}'`);
  return n;
}

export async function replCommand(argv: string[]): Promise<number> {
  const { values } = parseOptions(argv, replOptions);
  const boardName = values.board ?? DEFAULT_BOARD;
  const board = loadBoard(boardName);
  const baud = parseBaud(values.baud, values.port);
  // Checked before anything is built, as every option.
  if (values.port !== undefined && board.target.linux) throw new UserError(`--port is for a board on a serial line; '${boardName}' is a Linux userspace board, run here as a process (npm run repl -- --board ${boardName})`);
  if (values.port !== undefined && !existsSync(values.port)) throw new UserError(`--port ${values.port}: no such device`);
  if (values.sim && values.port !== undefined) throw new UserError("--sim runs the board's machine here, --port talks to a real board: give one of them");
  if (values.sim && board.target.linux) {
    throw new UserError(`--sim: '${boardName}' is a Linux userspace board, which the simulator does not run (its register space is served to the real executable by npm run linux); npm run repl -- --board ${boardName} runs its REPL as a process`);
  }
  // The simulator's own refusal of a board with no machine, before anything is built.
  if (values.sim) await simMachineFor(board);
  const print = (t: string) => void process.stdout.write(t);
  const fw = values.sim ? undefined : await buildReplFirmware(boardName, (l) => void process.stderr.write(`${l}\n`));
  let target: ReplTarget;
  if (fw === undefined) {
    target = await replUnderSim(boardName, print);
    console.error(`tsmetal: REPL on ${boardName} in the simulator (.help for help)`);
    const first = await Promise.race([target.session.ready().then(() => "ready" as const), target.ended.then(() => "ended" as const)]);
    if (first === "ended") return endedBeforeReady(target);
  } else if (values.port !== undefined) {
    console.error(`tsmetal: the board must run the REPL firmware ${displayPath(fw.image)} (this build)`);
    target = replOverPort(values.port, baud, print);
  } else {
    const linux = board.target.linux;
    target = linux ? await replUnderLinux(fw, print) : await replUnderQemu(fw, print);
    const where = !linux ? "under QEMU" : linux.emulator ? `as a process under ${linux.emulator.command}` : "as a process";
    console.error(`tsmetal: REPL on ${boardName} ${where} (.help for help)`);
    const first = await Promise.race([target.session.ready().then(() => "ready" as const), target.ended.then(() => "ended" as const)]);
    if (first === "ended") return endedBeforeReady(target);
  }
  return interact(target);
}

async function endedBeforeReady(target: ReplTarget): Promise<number> {
  const r = await target.ended;
  if (r?.stderr.trim()) process.stderr.write(r.stderr);
  console.error("tsmetal: the REPL firmware ended before it was ready");
  return r?.code || 1;
}

/** Reads inputs from standard input (a terminal or a pipe) until .exit or its end. */
async function interact(target: ReplTarget): Promise<number> {
  const { session } = target;
  const tty = process.stdin.isTTY === true;
  const file = historyFile();
  const history = tty && existsSync(file) ? readFileSync(file, "utf8").split("\n").filter(Boolean).reverse() : [];
  const rl = readline.createInterface({ input: process.stdin, output: process.stdout, terminal: tty, history, historySize: 1000, prompt: PROMPT });
  const saveHistory = () => {
    if (!tty) return;
    try {
      mkdirSync(path.dirname(file), { recursive: true });
      const lines = (rl as unknown as { history: string[] }).history;
      writeFileSync(file, [...lines].reverse().join("\n") + "\n");
    } catch {
      // History is a convenience: a read-only cache folder must not end the session.
    }
  };
  let exitCode: number | undefined;
  let pendingCtrlC = false;
  let buffer = "";
  const queue: string[] = [];
  let working = false;
  let closed = false;
  let finish: (code: number) => void = () => undefined;
  const done = new Promise<number>((resolve) => (finish = resolve));

  const handle = async (line: string): Promise<void> => {
    const trimmed = line.trim();
    if (buffer === "" && trimmed.startsWith(".")) {
      const [cmd, ...rest] = trimmed.split(/\s+/);
      if (cmd === ".exit") return void (exitCode = 0);
      if (cmd === ".help") return void console.log(REPL_HELP);
      if (cmd === ".load") {
        const f = rest.join(" ");
        if (!f) return void console.log("usage: .load <file.ts>");
        let src: string;
        try {
          src = readFileSync(path.resolve(f), "utf8");
        } catch (e) {
          return void console.log(`.load: cannot read ${f}: ${(e as Error).message}`);
        }
        return run(src, displayPath(path.resolve(f)));
      }
      return void console.log(`unknown command ${cmd} (.help lists them)`);
    }
    buffer += (buffer ? "\n" : "") + line;
    if (buffer.trim() === "") return void (buffer = "");
    return run(buffer, undefined, true);
  };
  const run = async (src: string, name?: string, fromPrompt = false): Promise<void> => {
    try {
      await session.evaluate(src, name);
      buffer = "";
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      if (fromPrompt && isIncomplete(message) && tty) return; // more lines follow
      buffer = "";
      console.log(e instanceof UserError ? message : `tsmetal: ${message}`);
    }
  };
  const pump = async (): Promise<void> => {
    if (working) return;
    working = true;
    while (queue.length && exitCode === undefined) {
      await handle(queue.shift()!);
    }
    working = false;
    if (exitCode !== undefined || (closed && !queue.length)) return finish(exitCode ?? 0);
    rl.setPrompt(buffer ? MORE : PROMPT);
    if (tty) rl.prompt();
  };
  rl.on("line", (line) => {
    // Piped input has no terminal to press Ctrl-C in: a line holding only ETX stands for it.
    if (line === "\x03") {
      if (session.busy) session.interrupt();
      return;
    }
    pendingCtrlC = false;
    queue.push(line);
    void pump();
  });
  rl.on("SIGINT", () => {
    if (session.busy) return session.interrupt();
    if (buffer) {
      buffer = "";
      process.stdout.write("\n");
      rl.setPrompt(PROMPT);
      return rl.prompt();
    }
    if (pendingCtrlC) return finish(0);
    pendingCtrlC = true;
    process.stdout.write("\n(press Ctrl-C again or type .exit to leave)\n");
    rl.prompt();
  });
  rl.on("close", () => {
    closed = true;
    void pump();
  });
  void target.ended.then((r) => {
    if (exitCode !== undefined || closed) return;
    if (r?.stderr.trim()) process.stderr.write(r.stderr);
    console.error(`tsmetal: the REPL firmware ended (exit ${r?.code ?? "?"})`);
    exitCode = r?.code || 1;
    finish(exitCode);
  });
  if (tty) rl.prompt();
  const code = await done;
  saveHistory();
  rl.close();
  const ended = await target.stop();
  // Our own stop is not a failure; the firmware ending by itself was reported above.
  return exitCode ?? (ended && !ended.stopped ? ended.code : code);
}
