/** io/shell.ts: the interpreter both the serial shell and SSH sessions run: dispatch, exit statuses, errors printed. */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { COMMAND_NOT_FOUND, commandShell, helpLines, type Commands } from "../../io/shell.ts";

const commands: Commands = {
  echo: { usage: "echo <words>", help: "print the words", run: (args, print) => print(args.join(" ")) },
  fail: { usage: "fail", help: "throw", run: () => { throw new RangeError("bad value"); } },
  status: { usage: "status <n>", help: "return n", run: ([n]) => Number(n) },
};

function run(line: string): { status: number; out: string[] } {
  const out: string[] = [];
  return { status: commandShell(commands).run(line, (l) => out.push(l)), out };
}

test("a command runs with its arguments and prints through print; status 0", () => {
  assert.equal(run("  echo  a   b "), { status: 0, out: ["a b"] });
});

test("an empty line does nothing, status 0", () => {
  assert.equal(run("   "), { status: 0, out: [] });
});

test("an unknown command: a message and status 127; a property of Object.prototype is no command", () => {
  assert.equal(run("frob x"), { status: COMMAND_NOT_FOUND, out: ["unknown command: frob (try help)"] });
  assert.is(run("constructor").status, COMMAND_NOT_FOUND);
});

test("a throwing command prints Name: message, status 1; a returned status is kept", () => {
  assert.equal(run("fail"), { status: 1, out: ["RangeError: bad value"] });
  assert.is(run("status 3").status, 3);
});

test("helpLines aligns usage and help", () => {
  assert.is(helpLines(commands)[0], `  ${"echo <words>".padEnd(22)} print the words`);
});

test.run();
