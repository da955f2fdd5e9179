// GPT set-up and compare register sequences (QEMU runs the GPT too: test/qemu/imx6.test.ts).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { ImxGpt } from "../../../drivers/timer/imx-gpt.ts";
import { MemoryBus } from "../../../models/memory-bus.ts";
import { selfClearing, writes } from "../../support/register-writes.ts";

test("GPT: reset, prescaler for 1 MHz from 66 MHz, free-running from ipg; compare 1 relative to CNT", () => {
  const bus = new MemoryBus();
  selfClearing(bus, 0x0209_8000, 1 << 15);
  bus.write32(0x0209_8024, 0xffff_fff0); // CNT near the wrap
  bus.clearLog();
  const gpt = new ImxGpt({ base: 0x0209_8000, clockHz: 66_000_000, bus });
  gpt.init({ hz: 1_000_000 });
  assert.is(gpt.hz, 1_000_000);
  assert.equal(writes(bus, 0x0209_8000).slice(0, 6), ["0=0", "0=8000", "c=0", "4=41", "8=3f", "0=242"]);
  bus.clearLog();
  gpt.setCompare(0x20);
  assert.equal(writes(bus, 0x0209_8000), ["10=10", "8=1", "c=1"], "OCR1 wraps modulo 2^32");
  assert.throws(() => gpt.setCompare(0), RangeError);
  assert.throws(() => new ImxGpt({ base: 0x0209_8000, clockHz: 66_000_000, bus }).init({ hz: 1 }), RangeError);
});

test.run();
