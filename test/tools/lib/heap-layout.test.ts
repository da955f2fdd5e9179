// The heap's range from board.json (tools/lib/heap-layout.ts): a larger dmaSize takes its bytes
// from the top of the heap, as the linker scripts place the DMA region under the stacks.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { heapLayout } from "../../../tools/lib/heap-layout.ts";
import { loadBoard } from "../../../tools/lib/boards.ts";

test("the heap ends below the DMA region, whose size is board.json dmaSize", () => {
  for (const name of ["microvm", "pizero", "sifive_u"]) {
    const b = loadBoard(name);
    const one = heapLayout(b);
    const four = heapLayout({ ...b, dmaSize: 0x400000 });
    assert.is(one.start, b.loadAddress + b.imageMax, name);
    assert.is(one.end - four.end, 0x300000, name);
    assert.ok(four.maxLimit < one.maxLimit, name);
  }
});

test.run();
