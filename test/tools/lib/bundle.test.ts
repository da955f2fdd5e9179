import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import { bundleUnit } from "../../../tools/lib/bundle.ts";
import { loadBoard } from "../../../tools/lib/boards.ts";
import { inTempDir, writeIn } from "../../support/temp-dir.ts";

test('"tsmetal:board" gives the board\'s name and config as literals in the bundle, with no config object', () =>
  inTempDir("tsmetal-bundle-", async (dir) => {
    const entry = writeIn(dir, "facts.ts", 'import { name, config } from "tsmetal:board";\nexport const uart = config.consoleUart;\nexport const board = name;\n');
    const b = { ...loadBoard("usbarmory-mk2"), config: { consoleUart: 7 } };
    const out = await bundleUnit(b, "facts", entry, dir);
    const js = readFileSync(out.js, "utf8");
    assert.match(js, /var uart = 7\b/);
    assert.match(js, /var name = "usbarmory-mk2"/);
    assert.not.match(js, /config\[|config\.|var config/, "the enum object is gone");
  }));

test.run();
