// Every board has its page under docs/boards/, and the page's facts section is what
// tools/docs/boards.ts makes from the board's definition now: board.json (pins, QEMU machine,
// disk slot, image) and its family's board() services. A board.json without "pins" is refused by name.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { existsSync, readFileSync } from "node:fs";
import { BEGIN, END, boardFacts, boardPage, boardPins, boardServices } from "../../../tools/docs/boards.ts";
import { boardNames, loadBoard } from "../../../tools/lib/boards.ts";
import { repoPath } from "../../../tools/lib/paths.ts";

const test = suite("board pages");

for (const name of boardNames()) {
  test(`${name}: docs/boards/${name}.md exists and its facts match boards/${name}/board.json`, () => {
    const file = repoPath("docs/boards", `${name}.md`);
    assert.ok(existsSync(file), `docs/boards/${name}.md is missing (npm run docs writes it)`);
    const page = readFileSync(file, "utf8");
    const section = page.slice(page.indexOf(BEGIN), page.indexOf(END) + END.length);
    assert.is(section, boardFacts(name), `docs/boards/${name}.md: facts are stale (npm run docs)`);
    const board = loadBoard(name);
    const pins = boardPins(name);
    for (const led of pins.leds) assert.ok(section.includes(`${led.name}: pin ${led.pin}, ${led.activeLow ? "active low" : "active high"}`), led.name);
    assert.ok(section.includes(pins.console) && section.includes(pins.padMux) && section.includes(pins.qemu));
    if (!board.target.linux) assert.ok(section.includes(`\`-M ${board.qemu.machine}\``));
    if (!board.target.linux) assert.ok(section.includes(board.qemu.disk ? "; disk with `--disk` (" : "; no disk slot under QEMU"), "the disk slot (board.json qemu.disk)");
  });
}

test("board() services are read from the family's services: a Pi has Digital and a display, a PC VM neither", () => {
  assert.equal(boardServices(loadBoard("pizero")), ["openSerial", "info", "watchdog", "openDigital", "framebuffer", "crypto.getRandomValues"]);
  const pc = boardServices(loadBoard("microvm"));
  assert.ok(pc.includes("network") && !pc.includes("openDigital") && !pc.includes("framebuffer"));
  // pi2's loop unit borrows bcm2835's services.
  assert.ok(boardServices(loadBoard("pi2")).includes("openDigital"));
});

test("a page's text outside the facts is kept; a page without facts gets them appended; a new page is made", () => {
  const page = `# Title\n\nIntro.\n\n${BEGIN}\nold facts\n${END}\n\n## More\n`;
  assert.is(boardPage("pizero", page), `# Title\n\nIntro.\n\n${boardFacts("pizero")}\n\n## More\n`);
  assert.is(boardPage("pizero", "# T\n"), `# T\n\n${boardFacts("pizero")}\n`);
  assert.match(boardPage("pi1", undefined), /^# `pi1`: .*\n\nWhat the boards of this family share, and more: \[raspberry-pi\.md\]\(raspberry-pi\.md\)\.\n\n<!-- board facts/);
});

test.run();
