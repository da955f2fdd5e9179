import { test } from "uvu";
import * as assert from "uvu/assert";
import { DEFAULT_GDB_PORT, gdbCommandLine, gdbQemuArgs, parseGdbPort, withGdbDefault, gdbBanner, gdbserverArgs, gdbserverChildExit } from "../../../tools/lib/gdb.ts";
import { repoPath } from "../../../tools/lib/paths.ts";

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

test("linux --gdb: gdbserver runs the executable itself (no shell), once, on the loopback port", () => {
  assert.equal(gdbserverArgs(4321, "/b/firmware", ["--tsm-registers=3,4,5"]), ["--once", "--no-startup-with-shell", "127.0.0.1:4321", "/b/firmware", "--tsm-registers=3,4,5"]);
});

test("the firmware's own end is read from gdbserver's report (gdbserver exits 0 either way)", () => {
  // gdbserver 13.1's words (Debian bookworm), as it printed them for test/fixtures/debug-throw.ts.
  assert.equal(gdbserverChildExit("Process /b/firmware created; pid = 9509\nListening on port 23456\nRemote debugging from host 127.0.0.1, port 59802\n\nChild exited with status 1\n"), { code: 1, signal: null });
  assert.equal(gdbserverChildExit("Child terminated with signal = 0x9 (SIGKILL)\n"), { code: null, signal: 9 });
  assert.is(gdbserverChildExit("Listening on port 1234\n"), undefined);
});

test.run();
