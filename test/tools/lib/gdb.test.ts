import { test } from "uvu";
import * as assert from "uvu/assert";
import { DEFAULT_GDB_PORT, gdbCommandLine, gdbQemuArgs, parseGdbPort, withGdbDefault, gdbBanner, gdbserverArgs, gdbserverChildExit, gdbBridge, isGdbserverLine, qemuUserGdbCommand, INHERITED_CLOSED_ARG } from "../../../tools/lib/gdb.ts";
import { repoPath } from "../../../tools/lib/paths.ts";
import { spawn } from "node:child_process";
import { closeSync, mkdtempSync, openSync, rmSync } from "node:fs";
import { connect, createServer, type Socket } from "node:net";
import { once } from "node:events";
import os from "node:os";
import path from "node:path";
import { freePort } from "../../../tools/lib/free-port.ts";

test("a bare --gdb takes the default port; a port, or --gdb=PORT, stays", () => {
  assert.equal(withGdbDefault(["--gdb"]), [`--gdb=${DEFAULT_GDB_PORT}`]);
  assert.equal(withGdbDefault(["--gdb", "--board", "pizero"]), [`--gdb=${DEFAULT_GDB_PORT}`, "--board", "pizero"]);
  assert.equal(withGdbDefault(["--gdb", "4444", "--board", "pizero"]), ["--gdb", "4444", "--board", "pizero"]);
  assert.equal(withGdbDefault(["--gdb=4444"]), ["--gdb=4444"]);
  assert.equal(withGdbDefault(["--", "--gdb"]), ["--", "--gdb"], "after -- nothing is an option");
});

test("--gdb's port is a whole number from 1 to 65535", () => {
  assert.is(parseGdbPort("1234"), 1234);
  assert.is(parseGdbPort("65535"), 65535);
  for (const bad of ["0", "65536", "-1", "12a", "1.5", ""]) assert.throws(() => parseGdbPort(bad), /--gdb takes a TCP port from 1 to 65535/, bad);
});

test("QEMU waits halted with its gdbstub on the loopback port", () => {
  assert.equal(gdbQemuArgs(4321), ["-S", "-gdb", "tcp:127.0.0.1:4321"]);
});

test("the gdb-multiarch line loads the ELF and our helper, then attaches", () => {
  const script = repoPath("tools/gdb/tsmetal.py");
  assert.is(gdbCommandLine("/b/firmware.elf", 1234), `gdb-multiarch /b/firmware.elf -ex 'source ${script}' -ex 'target remote :1234'`);
  assert.is(gdbCommandLine("/b b/it's.elf", 1234, 1, "/s/t.py"), `gdb-multiarch '/b b/it'\\''s.elf' -ex 'source /s/t.py' -ex 'target remote :1234'`);
});

test("a firmware on a later CPU cluster (sifive_u's U54s) is attached as that inferior, the ELF loaded there", () => {
  assert.is(
    gdbCommandLine("/b/firmware.elf", 1234, 2, "/s/t.py"),
    "gdb-multiarch -ex 'source /s/t.py' -ex 'target extended-remote :1234' -ex add-inferior -ex 'inferior 2' -ex 'attach 2' -ex 'file /b/firmware.elf'",
  );
  assert.match(gdbBanner("/b/firmware.elf", 99, "Ctrl-C ends QEMU", 2), /port 99 .*\n.*\n {2}gdb-multiarch -ex .*'attach 2'/);
});

test("linux --gdb: gdbserver runs the executable itself (no shell), once, speaking on its standard input and output", () => {
  assert.equal(gdbserverArgs("/b/firmware", ["--tsm-registers=3,4,5"]), ["--once", "--no-startup-with-shell", "stdio", "/b/firmware", "--tsm-registers=3,4,5"]);
});

test("gdbserver's own lines are told from the firmware's console on its standard error", () => {
  for (const l of ["stdin/stdout redirected", "Process /b/firmware created; pid = 20221", "Remote debugging using stdio", "Child exited with status 1", "Killing process(es): 20221"]) {
    assert.ok(isGdbserverLine(l), l);
  }
  for (const l of ["average 2", "Uncaught RangeError: not a number: 'x'", "    at checkReading (test/fixtures/debug-throw.ts:5)"]) assert.not.ok(isGdbserverLine(l), l);
});

test("the firmware's own end is read from gdbserver's report (gdbserver exits 0 either way)", () => {
  // gdbserver 13.1's words (Debian bookworm), as it printed them for test/fixtures/debug-throw.ts.
  assert.equal(gdbserverChildExit("Process /b/firmware created; pid = 9509\nListening on port 23456\nRemote debugging from host 127.0.0.1, port 59802\n\nChild exited with status 1\n"), { code: 1, signal: null });
  assert.equal(gdbserverChildExit("Child terminated with signal = 0x9 (SIGKILL)\n"), { code: null, signal: 9 });
  assert.is(gdbserverChildExit("Listening on port 1234\n"), undefined);
});

test("linux --gdb under qemu-user: bash closes every descriptor above 5, then execs the emulator with its stub on the socket", async () => {
  const [command, args] = qemuUserGdbCommand("/usr/bin/qemu-arm-static", "/tmp/x/gdbstub", "/b/firmware", ["--tsm-registers=3,4,5"]);
  assert.is(command, "bash");
  assert.equal(args.slice(3), ["/usr/bin/qemu-arm-static", "-g", "/tmp/x/gdbstub", "/b/firmware", "--tsm-registers=3,4,5", INHERITED_CLOSED_ARG]);
  // The script itself, with ls in the emulator's place: it sees fds 0-5 only, though fds 6, 7
  // and 12 were inherited (bash's redirections reach above 9, dash's do not).
  const script = args[1];
  const fds = [6, 7, 12].map(() => openSync("/dev/null", "r"));
  try {
    const child = spawn("bash", ["-c", script, "t", "ls", "/proc/self/fd"], { stdio: ["ignore", "pipe", "pipe", "pipe", "pipe", "pipe", fds[0], fds[1], ...Array(4).fill("ignore"), fds[2]] });
    let out = "";
    child.stdout!.setEncoding("utf8").on("data", (c: string) => (out += c));
    await once(child, "close");
    // ls's own directory descriptor is the one above 5 it may show.
    const listed = out.split(/\s+/).filter(Boolean).map(Number).filter((n) => n > 5);
    assert.ok(listed.length <= 1 && !listed.some((n) => n === 7 || n === 12), out);
  } finally {
    fds.forEach((fd) => closeSync(fd));
  }
});

/** The message `p` rejects with (failing if it resolves). */
async function failure(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error("expected a rejection");
}

test("the gdb bridge offers the stub's Unix socket on the loopback port only, and refuses a port in use", async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "tsmetal-gdb-test-"));
  const socket = path.join(dir, "gdbstub");
  const stub = createServer((c) => c.on("data", (d) => c.write(`echo:${d}`)));
  await new Promise<void>((r) => stub.listen(socket, r));
  const port = await freePort();
  const bridge = await gdbBridge(port, socket, () => false);
  try {
    const c: Socket = connect(port, "127.0.0.1");
    c.write("$g#67");
    const [reply] = (await once(c.setEncoding("utf8"), "data")) as [string];
    assert.is(reply, "echo:$g#67");
    c.destroy();
    assert.match(await failure(gdbBridge(port, socket, () => false)), /--gdb \d+: the port is in use on 127.0.0.1/);
  } finally {
    bridge.close();
    stub.close();
    rmSync(dir, { recursive: true, force: true });
  }
  // An emulator that ended before its socket appeared is said so, not waited on.
  assert.match(await failure(gdbBridge(port, path.join(dir, "never"), () => true)), /the emulator ended before its gdbstub was ready/);
});

test.run();
