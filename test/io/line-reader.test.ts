import { test } from "uvu";
import * as assert from "uvu/assert";
import { MemoryBus } from "../../models/memory-bus.ts";
import { Pl011 } from "../../drivers/uart/pl011.ts";
import { Pl011Model } from "../../models/uart/pl011.ts";
import { Serial, type SerialFormat } from "../../io/serial.ts";
import { LineReader, type LineReaderOptions } from "../../io/line-reader.ts";
import { FakeIrq } from "../support/fake-irq.ts";

const BASE = 0x2020_1000;
const LINE = 57;

/** A LineReader on a Serial on a modelled PL011; `type` delivers each string or byte array in FIFO-sized bursts. */
function setup(options: Partial<LineReaderOptions> = {}, format: SerialFormat = "buffer") {
  const bus = new MemoryBus({ logLimit: 1000 });
  const irq = new FakeIrq(LINE);
  const model = new Pl011Model(bus, BASE, { fifoDepth: 16, onInterrupt: (level) => (irq.level = level) });
  const uart = new Pl011({ base: BASE, clockHz: 48_000_000, bus });
  uart.init();
  const serial = new Serial({ port: uart, irq, line: LINE, format });
  const lines: string[] = [];
  const reader = new LineReader({ serial, onLine: (l) => lines.push(l), ...options });
  const type = (...reads: Array<string | number[]>) => {
    for (const r of reads) {
      const bytes = typeof r === "string" ? Array.from(new TextEncoder().encode(r)) : r;
      for (let i = 0; i < bytes.length; i += 16) {
        assert.is(model.receive(bytes.slice(i, i + 16)), Math.min(16, bytes.length - i), "all entered the FIFO");
        model.receiveTimeout();
        irq.run();
      }
    }
  };
  /** What the terminal has been sent, as text; cleared. */
  const screen = () => {
    const text = new TextDecoder().decode(model.transmittedBytes());
    model.transmitted.length = 0;
    return text;
  };
  return { serial, reader, lines, type, screen, model };
}

test("CR, LF and CRLF each end one line, also when CRLF is split across reads", () => {
  const { lines, type } = setup({ echo: false });
  type("one\rtwo\nthree\r\nfour\r", "\nfive\r\r\n\n");
  assert.equal(lines, ["one", "two", "three", "four", "five", "", ""]);
  type("six");
  assert.equal(lines.length, 7, "no line end yet");
  type("\n");
  assert.equal(lines[7], "six");
});

test("echo: typed characters, a new line on Enter, and the prompt first and after each line", () => {
  const { lines, type, screen } = setup({ prompt: "> " });
  assert.is(screen(), "> ");
  type("ls -l");
  assert.is(screen(), "ls -l");
  type("\r");
  assert.equal(lines, ["ls -l"]);
  assert.is(screen(), "\r\n> ");
});

test("the prompt comes after onLine returns, so the line's output comes before it", () => {
  const s: ReturnType<typeof setup> = setup({ prompt: "$ ", onLine: (l) => s.serial.write(new TextEncoder().encode(`[${l}]\r\n`)) });
  s.screen();
  s.type("hi\r");
  assert.is(s.screen(), "hi\r\n[hi]\r\n$ ");
});

test("backspace and DEL erase the last character on screen and in the line; nothing to erase is ignored", () => {
  const { lines, type, screen } = setup();
  type("\b", "abc\b", [0x7f], "d\r");
  assert.equal(lines, ["ad"]);
  assert.is(screen(), "abc\b \b\b \bd\r\n");
  type("é\x7f!\r");
  assert.equal(lines[1], "!", "a multi-byte character is erased whole");
});

test("without echo nothing is written and control characters stay in the line", () => {
  const { lines, type, screen } = setup({ echo: false, prompt: "" });
  type("a\bb\x1b[A\r");
  assert.equal(lines, ["a\bb\x1b[A"]);
  assert.is(screen(), "");
});

test("with echo, other control characters and escape sequences (arrow keys) are ignored", () => {
  const { lines, type, screen } = setup();
  type("a\x1b[A\x1b[1;5Cb\x1bOD\x01c\x1bxd\r");
  assert.equal(lines, ["abcd"]);
  assert.is(screen(), "abcd\r\n");
});

test("UTF-8 split across reads is joined, and echoed as typed", () => {
  const { lines, type, screen } = setup();
  const bytes = Array.from(new TextEncoder().encode("é€😀x"));
  type(...bytes.map((b) => [b]));
  type("\r");
  assert.equal(lines, ["é€😀x"]);
  assert.is(screen(), "é€😀x\r\n");
});

test("broken UTF-8 becomes U+FFFD, and a line end inside a sequence still ends the line", () => {
  const { lines, type } = setup({ echo: false });
  type([0xc3, 0x41, 0xff, 0xe2, 0x82, 0x0d], [0xed, 0xa0, 0x80, 0x0a], [0xf0, 0x9f], [0x98, 0x80, 0x0a]);
  assert.equal(lines, ["\ufffdA\ufffd\ufffd", "\ufffd\ufffd\ufffd", "😀"]);
});

test("maxLength: longer lines are cut and counted, the terminal rings; the next line is whole", () => {
  const { lines, type, screen, reader } = setup({ maxLength: 4 });
  type("abcdefg\r");
  assert.equal(lines, ["abcd"]);
  assert.is(reader.truncated, 1);
  assert.is(screen(), "abcd\x07\x07\x07\r\n");
  type("wxyz\r", "😀😀😀😀😀\r");
  assert.equal(lines.slice(1), ["wxyz", "😀😀😀😀"], "counted in characters, not bytes or UTF-16 units");
  assert.is(reader.truncated, 2);
  assert.throws(() => setup({ maxLength: 0 }), RangeError);
});

test("a serial in number format works too", () => {
  const { lines, type } = setup({ echo: false }, "number");
  type("ab\r\ncd\n");
  assert.equal(lines, ["ab", "cd"]);
});

test("close: no more lines and no prompt; the serial stays open; closing from onLine stops at once", () => {
  const { lines, type, serial, reader, screen } = setup({ prompt: "> " });
  screen();
  reader.close();
  assert.is(serial.onReadable, undefined);
  type("ab\r");
  assert.equal(lines, []);
  assert.is(screen(), "");
  assert.ok(!serial.closed);
  const got: string[] = [];
  const s = setup({ prompt: "> ", echo: false, onLine: (l) => { got.push(l); r.close(); } });
  const r = s.reader;
  s.screen();
  s.type("first\rsecond\r");
  assert.equal(got, ["first"]);
  assert.is(s.screen(), "");
});

test.run();
