// npm run bench -- --app <entry.ts> [--profile N]: the user's own app measured boot to exit as
// JSON (tools/commands/bench-app.ts), and --profile's JS attribution naming the fixture's function
// and its .ts lines (tools/lib/js-profile.ts). On pizero; one QEMU run covers both.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { benchApp } from "../../tools/commands/bench-app.ts";
import { fixture } from "./boot.ts";

test("bench --app --profile: figures of the app, and its hot JS function at its .ts lines", async () => {
  const printed: string[] = [];
  const r = await benchApp("pizero", fixture("profile-hot.ts"), 3, (line) => printed.push(line));
  assert.equal(Object.keys(r).sort(), ["app", "board", "boot_insns", "bytecode_bytes", "heap_limit_bytes", "heap_peak_bytes", "image_bytes", "total_insns"]);
  assert.is(r.app, "test/fixtures/profile-hot.ts");
  // 20,000 rounds of the loop: millions of instructions, more than the hello world's ~1.2 million.
  assert.ok(r.total_insns > 5_000_000, String(r.total_insns));
  assert.ok(r.boot_insns !== null && r.boot_insns < r.total_insns, String(r.boot_insns));
  assert.ok(r.heap_peak_bytes > 10_000 && r.heap_peak_bytes < r.heap_limit_bytes, `${r.heap_peak_bytes} / ${r.heap_limit_bytes}`);
  assert.ok(r.image_bytes > r.bytecode_bytes && r.bytecode_bytes > 0);
  const text = printed.join("\n");
  const js = text.slice(text.indexOf("instructions by JS function"));
  // The hot function comes first, at its declaration, with its loop lines below it.
  const rows = js.split("\n").slice(1);
  assert.match(rows[0], /^ +\d+ {2}sumOfSquares \(test\/fixtures\/profile-hot\.ts:3\)$/, text);
  assert.match(rows[1], /^ +\d+ {2}test\/fixtures\/profile-hot\.ts:(5|6|7)$/, text);
  const hot = Number(/^ +(\d+)/.exec(rows[0])![1]);
  assert.ok(hot > r.total_insns / 2, `${hot} of ${r.total_insns}`);
});

test.run();
