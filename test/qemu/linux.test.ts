import { suite } from "uvu";
import * as assert from "uvu/assert";
import { spawn, spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { build, fixture } from "./boot.ts";
import { nodeOutput } from "../support/node-output.ts";
import { templateLines } from "../support/template-output.ts";
import { defaultApp, type Firmware } from "../../tools/lib/build.ts";
import { runLinux, exitCodeOf, ALLOW_NO_SECCOMP_ARG } from "../../tools/lib/linux.ts";
import { REGISTERS_ARG } from "../../tools/lib/linux-registers.ts";
import { loadLineMapper } from "../../tools/lib/source-map.ts";
import { repoPath } from "../../tools/lib/paths.ts";

// The Linux userspace boards (docs/boards/linux.md): the firmware as a static Linux executable,
// run directly (linux-amd64) or under qemu-user (linux-arm, linux-riscv64).
const test = suite("Linux userspace boards");
const boards = ["linux-amd64", "linux-arm", "linux-riscv64"];

const run = async (app: string, board: string, timeoutS = 60, input: string | Buffer = "", inputAfter?: string) => {
  const fw = await build(app, { board });
  return runLinux({ board: fw.board, executable: fw.image, timeoutS, input, inputAfter, mapLine: loadLineMapper(fw.bundles), onOutput: () => {} });
};

/** 64 KiB that are not periodic within a FIFO's length, and their FNV-1a hash (uart-checksum.ts). */
const serialInput = Buffer.from(Array.from({ length: 64 * 1024 }, (_, i) => (i * 7 + (i >> 8)) & 0xff));
const fnv1a = (bytes: Uint8Array) => {
  let h = 0x811c9dc5;
  for (const b of bytes) h = Math.imul(h ^ b, 0x01000193);
  return (h >>> 0).toString(16);
};

const cli = (args: string[]) =>
  spawnSync(process.execPath, [repoPath("bin/tsmetal.mjs"), ...args], { cwd: repoPath(), encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

let es2020: string;
test.before(async () => {
  es2020 = await nodeOutput(fixture("es2020.ts"));
});

for (const board of boards) {
  test(`${board}: the template prints its lines and exits 0`, async () => {
    const r = await run(defaultApp(), board);
    assert.is(r.output, templateLines.join("\n") + "\n");
    assert.is(r.code, 0);
  });

  test(`${board}: the ES2020 sample prints exactly Node's output`, async () => {
    const r = await run(fixture("es2020.ts"), board);
    assert.fixture(r.output, es2020);
    assert.is(r.code, 0);
  });

  test(`${board}: the exit code is the process's exit status`, async () => {
    const r = await run(fixture("exit-code.ts"), board);
    assert.is(r.output, "exiting with 42\n");
    assert.is(r.code, 42);
  });

  test(`${board}: an uncaught exception names the TypeScript file and line, exit 1`, async () => {
    const r = await run(fixture("uncaught.ts"), board);
    assert.match(r.output, /^reading 21\.5\nUncaught Error: bad sensor reading 'oops'\n/);
    assert.match(r.output, /at parseReading \(test\/fixtures\/uncaught\.ts:4\)/);
    assert.is(r.code, 1);
  });

  test(`${board}: deep recursion is a catchable stack overflow on the layout's stack, exit 1`, async () => {
    const r = await run(fixture("stack-overflow.ts"), board);
    assert.match(r.output, /^recursing\nUncaught InternalError: stack overflow\n/);
    assert.match(r.output, /at deeper \(test\/fixtures\/stack-overflow\.ts:2\)/);
    assert.is(r.code, 1);
  });

  test(`${board}: microtasks run before timers and between them; 10,000 chained timers`, async () => {
    const m = await run(fixture("loop/microtasks.ts"), board);
    assert.is(m.output, "sync,promise,microtask,timeout,t1,t1-promise,t1-microtask,t2\n");
    assert.is(m.code, 0);
    const c = await run(fixture("loop/chain.ts"), board);
    assert.is(c.output, "chained 10000\n");
    assert.is(c.code, 0);
  });

  test(`${board}: timers wait for the host's monotonic clock`, async () => {
    const r = await run(fixture("loop/host-sleep.ts"), board);
    assert.is(r.output, "first true date true\nsecond true\n");
    assert.is(r.code, 0);
  });

  test(`${board}: the clock (1 GHz), Date.now() from the documented epoch, setTime`, async () => {
    const r = await run(fixture("loop/clock.ts"), board);
    assert.match(r.output, /^starts at epoch true\nmonotonic true sub-ms true\ntimeOrigin true\nhz 1000000000\nset 2026-11-24T12:00\nadvanced true\n/);
    assert.is(r.code, 0);
  });

  test(`${board}: an access where the simulated register space has no device is a fault with its address, exit 4`, async () => {
    const r = await run(fixture("null-read.ts"), board);
    assert.match(r.output, /^reading\n\ntsmetal: CPU fault: data abort at address 0x0+ \(read: no register there in the simulated register space\)\n$/);
    assert.not.match(r.output, /must not get here/);
    assert.is(r.code, 4);
  });

  test(`${board}: board().openSerial() receives 64 KiB intact on the simulated PL011, interrupt-driven`, async () => {
    const r = await run(fixture("loop/uart-checksum.ts"), board, 120, serialInput);
    assert.is(r.output, `ready\nreceived 65536 fnv1a ${fnv1a(serialInput)} overruns 0\n`);
    assert.is(r.code, 0);
  });

  test(`${board}: the example shell, asleep at its prompt, wakes for typed commands (the interrupt notification); its UART is line 57`, async () => {
    const r = await run(repoPath("examples/shell/main.ts"), board, 60, "help\rirq\rexit 5\r", "> ");
    // The prompt and echo come through the UART, the commands' output through standard output.
    assert.match(r.output, new RegExp(`^tsmetal shell on ${board}; type help\n`));
    assert.match(r.output, /> help\r\n/);
    assert.match(r.output, /\n {2}uptime +time since the clock started\n/);
    assert.match(r.output, /\nline 57: [1-9]\d*\n/);
    assert.match(r.output, /> exit 5\r\n$/);
    assert.is(r.code, 5);
  });
}

test("an unmapped write is a fault too, with its address (linux-amd64)", async () => {
  const r = await run(fixture("unmapped-write.ts"), "linux-amd64");
  assert.is(r.output, "writing\n\ntsmetal: CPU fault: data abort at address 0x0000000010002000 (write: no register there in the simulated register space)\n");
  assert.is(r.code, 4);
});

test("without npm run linux's pipes the executable still runs: the template, and a register access is a fault (linux-amd64)", async () => {
  const template = await build(defaultApp(), { board: "linux-amd64" });
  const t = spawnSync(template.image, [], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], env: {} });
  assert.is(t.stdout, templateLines.join("\n") + "\n");
  assert.is(t.status, 0);
  const read = await build(fixture("null-read.ts"), { board: "linux-amd64" });
  const f = spawnSync(read.image, [], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], env: {} });
  assert.is(f.stdout, "reading\n\ntsmetal: CPU fault: data abort at address 0x0000000000000000 (no register space: the executable runs without npm run linux's models)\n");
  assert.is(f.status, 4);
});

test("a register read (hal.mmio at 0x40000000) reports that address, exit 4", async () => {
  const r = await run(fixture("loop/data-abort.ts"), "linux-amd64");
  assert.match(r.output, /^reading\n\ntsmetal: CPU fault: data abort at address 0x0000000040000000 \(read: /);
  assert.is(r.code, 4);
});

test("running out of the memory limit exits 3 with a message (linux-amd64)", async () => {
  const fw = await build(fixture("out-of-memory.ts"), { board: "linux-amd64", memoryLimit: 1024 * 1024 });
  const r = await runLinux({ board: fw.board, executable: fw.image, timeoutS: 60, input: "", mapLine: loadLineMapper(fw.bundles), onOutput: () => {} });
  assert.match(r.output, /^allocating\nUncaught InternalError: out of memory\n/);
  assert.is(r.code, 3);
});

test("the timeout stops the process: 124", async () => {
  const r = await run(fixture("loop/one-hour.ts"), "linux-amd64", 2);
  assert.ok(r.timedOut);
  assert.is(r.code, 124);
});

test("signals map to exit codes: faults to 4, others to 128 + n, exits pass through", () => {
  assert.equal(exitCodeOf(7, null), { code: 7 });
  assert.is(exitCodeOf(null, "SIGILL").code, 4);
  assert.is(exitCodeOf(null, "SIGSYS").code, 4);
  assert.is(exitCodeOf(null, "SIGKILL").code, 137);
});

/** Runs the linux-amd64 executable with `shell` around it (sh -c, "$0" is the executable). */
function shell(fw: Firmware, script: string, extraFd = false) {
  return spawn("/bin/sh", ["-c", script, fw.image], { stdio: ["ignore", "pipe", "pipe", ...(extraFd ? (["pipe"] as const) : [])], env: {} });
}

test("sleeping costs no CPU time: a 1.5 s program under a 1 s CPU limit", async () => {
  const fw = await build(fixture("loop/host-sleep.ts"), { board: "linux-amd64" });
  const child = shell(fw, 'ulimit -t 1 && exec "$0"');
  let out = "";
  child.stdout!.on("data", (c: Buffer) => (out += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.on("close", (c) => resolve(c)));
  assert.is(out, "first true date true\nsecond true\n");
  assert.is(code, 0);
});

test("descriptors beyond 0..2 are closed before the firmware runs (linux-amd64)", async () => {
  const fw = await build(fixture("loop/host-sleep.ts"), { board: "linux-amd64" });
  // The shell's exec passes fd 3 (a pipe) and whatever else it holds on to the executable.
  const child = shell(fw, 'exec "$0"', true);
  child.stdio[3]!.on("data", () => {});
  const fds = await new Promise<string[]>((resolve) => child.stdout!.once("data", () => resolve(readdirSync(`/proc/${child.pid}/fd`))));
  const code = await new Promise<number | null>((resolve) => child.on("close", (c) => resolve(c)));
  assert.equal(fds.sort(), ["0", "1", "2"]);
  assert.is(code, 0);
});

test("with the register space, fds 3-5 are kept and every other descriptor is closed (linux-amd64)", async () => {
  const fw = await build(fixture("loop/host-sleep.ts"), { board: "linux-amd64" });
  const child = spawn(fw.image, [REGISTERS_ARG], { stdio: ["ignore", "pipe", "pipe", "pipe", "pipe", "pipe", "pipe"], env: {} });
  const fds = await new Promise<string[]>((resolve) => child.stdout!.once("data", () => resolve(readdirSync(`/proc/${child.pid}/fd`))));
  const code = await new Promise<number | null>((resolve) => child.on("close", (c) => resolve(c)));
  assert.equal(fds.sort(), ["0", "1", "2", "3", "4", "5"]);
  assert.is(code, 0);
});

test("a seccomp filter allows the firmware only its few system calls (linux-amd64)", async () => {
  const fw = await build(fixture("loop/host-sleep.ts"), { board: "linux-amd64" });
  const child = shell(fw, 'exec "$0"');
  // Read once the first timer has fired: the engine is running by then.
  const status = await new Promise<string>((resolve) =>
    child.stdout!.once("data", () => resolve(readFileSync(`/proc/${child.pid}/status`, "utf8"))),
  );
  await new Promise((resolve) => child.on("close", resolve));
  assert.match(status, /\nNoNewPrivs:\s+1\n/);
  assert.match(status, /\nSeccomp:\s+2\n/);
});

// Issue "Hardening" 8: where the filter cannot be installed the firmware said nothing and ran on.
// qemu-x86_64 refuses a guest's PR_SET_SECCOMP (EINVAL), as on the ARM and RISC-V boards.
test("without its seccomp filter the firmware refuses to run, exit 8, unless allowed (linux-amd64 under qemu-x86_64)", async () => {
  const fw = await build(fixture("exit-code.ts"), { board: "linux-amd64" });
  const refused = spawnSync("qemu-x86_64-static", [fw.image], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], env: {} });
  assert.is(refused.stdout, "");
  assert.match(refused.stderr, /^tsmetal: the seccomp filter could not be installed \(prctl refused it, errno 22\): refusing to run without it; npm run linux --allow-no-seccomp/);
  assert.is(refused.status, 8);
  const allowed = spawnSync("qemu-x86_64-static", [fw.image, ALLOW_NO_SECCOMP_ARG], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], env: {} });
  assert.is(allowed.stdout, "exiting with 42\n");
  assert.match(allowed.stderr, /^tsmetal: warning: no seccomp filter \(prctl refused it, errno 22\): the firmware runs without system call filtering/);
  assert.is(allowed.status, 42);
  // npm run linux allows it under qemu-user (linux-arm), and the warning reaches its standard error.
  const arm = await run(fixture("exit-code.ts"), "linux-arm");
  assert.is(arm.code, 42);
  assert.match(arm.stderr, /^tsmetal: warning: no seccomp filter /);
  // The option is accepted; natively the filter is installed, so nothing is said.
  const cliRun = cli(["linux", "--board", "linux-amd64", "--app", fixture("exit-code.ts"), "--allow-no-seccomp"]);
  assert.is(cliRun.stdout, "exiting with 42\n");
  assert.not.match(cliRun.stderr, /seccomp/);
  assert.is(cliRun.status, 42);
});

test("npm run linux streams the console and returns the firmware's exit code", () => {
  const r = cli(["linux", "--board", "linux-riscv64", "--app", fixture("exit-code.ts"), "--timeout", "60"]);
  assert.is(r.stdout, "exiting with 42\n");
  assert.is(r.status, 42);
});

test("npm run linux refuses a board that is not a Linux board, and npm run qemu a Linux board", () => {
  const l = cli(["linux", "--board", "pizero", "--app", fixture("exit-code.ts")]);
  assert.is(l.status, 1);
  assert.match(l.stderr, /'pizero' is not a Linux userspace board .*Linux boards: linux-amd64, linux-arm, linux-riscv64/);
  const q = cli(["qemu", "--board", "linux-amd64", "--app", fixture("exit-code.ts")]);
  assert.is(q.status, 1);
  assert.match(q.stderr, /'linux-amd64' is a Linux userspace board: run it with npm run linux/);
});

test.run();
