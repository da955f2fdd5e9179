import { test } from "uvu";
import * as assert from "uvu/assert";
import { heapAtExitScript, parseHeapAtExit } from "../../../tools/lib/app-bench.ts";
import { loadBoard } from "../../../tools/lib/boards.ts";

test("gdb stops at tsm_exit and prints the allocator's peak and the JS limit", () => {
  const s = heapAtExitScript({ elf: "/b/firmware.elf", board: loadBoard("pizero") }, 1234);
  assert.match(s, /^file \/b\/firmware\.elf\ntarget remote :1234\nbreak tsm_exit\ncontinue\n/m);
  assert.match(s, /printf "tsmetal-heap %u %u\\n", 'alloc\.c'::heap\.stats\.peak, 'heap\.c'::js_limit\ndetach\n$/);
});

test("on sifive_u gdb attaches to the U54 cluster before loading the ELF", () => {
  const s = heapAtExitScript({ elf: "/b/firmware.elf", board: loadBoard("sifive_u") }, 1234);
  assert.match(s, /target extended-remote :1234\nadd-inferior\ninferior 2\nattach 2\nfile \/b\/firmware\.elf\nbreak tsm_exit/);
});

test("the heap figures are read from gdb's output, or null without them", () => {
  assert.equal(parseHeapAtExit("Breakpoint 1, tsm_exit (code=0)\ntsmetal-heap 93264 436421760\n"), { peak: 93264, limit: 436421760 });
  assert.is(parseHeapAtExit("Remote connection closed"), null);
});

test.run();
