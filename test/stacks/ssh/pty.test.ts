/** stacks/ssh/pty.ts: the line discipline's echo, line ends, erase, Ctrl-C, Ctrl-D and escape sequences. */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { LineDiscipline, crlf } from "../../../stacks/ssh/pty.ts";

function run(input: string) {
  let echo = "";
  const lines: string[] = [];
  const events: string[] = [];
  const d = new LineDiscipline({ write: (t) => (echo += t), onLine: (l) => lines.push(l), onInterrupt: () => events.push("int"), onEnd: () => events.push("end") });
  d.input(new TextEncoder().encode(input));
  return { echo, lines, events };
}

test("typed characters are echoed; CR, LF and CR LF each end one line", () => {
  const r = run("ab\rcd\nef\r\n");
  assert.equal(r.lines, ["ab", "cd", "ef"]);
  assert.is(r.echo, "ab\r\ncd\r\nef\r\n");
});

test("DEL and BS erase a character (and echo the erase), Ctrl-U the line", () => {
  const r = run("abx\x7fc\bd\r" + "zz\x15q\r");
  assert.equal(r.lines, ["abd", "q"]);
  assert.ok(r.echo.includes("\b \b"));
});

test("Ctrl-C drops the line; Ctrl-D ends only on an empty line", () => {
  const r = run("abc\x03x\x04\r\x04");
  assert.equal(r.lines, ["x"]);
  assert.equal(r.events, ["int", "end"]);
  assert.ok(r.echo.includes("^C\r\n"));
});

test("escape sequences (arrow keys) are swallowed, not echoed or kept", () => {
  const r = run("a\x1b[Ab\x1bOC\r");
  assert.equal(r.lines, ["ab"]);
  assert.is(r.echo, "ab\r\n");
});

test("UTF-8 split across reads is one character", () => {
  let echo = "";
  const lines: string[] = [];
  const d = new LineDiscipline({ write: (t) => (echo += t), onLine: (l) => lines.push(l), onInterrupt: () => {}, onEnd: () => {} });
  const bytes = new TextEncoder().encode("é\r");
  d.input(bytes.subarray(0, 1));
  d.input(bytes.subarray(1));
  assert.equal(lines, ["é"]);
});

test("crlf turns lone LFs into CR LF, leaving CR LF alone", () => {
  assert.is(crlf("a\nb\r\nc"), "a\r\nb\r\nc");
});

test.run();
