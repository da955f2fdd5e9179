/**
 * Data synced before a reset survives it (docs/storage.md "Persistence across a reset"): the
 * firmware (test/fixtures/storage/persist.ts) writes files, syncs some, starts the watchdog and
 * lets it reset the board; QEMU runs with reboots allowed (-action reboot=reset after runQemu's
 * -no-reboot, the later option winning), so the same image boots again with the same card, which
 * is mounted and read back. On pizero QEMU's BCM2835 PM block resets at the watchdog's start
 * (hw/misc/bcm2835_powermgt.c resets on any RSTC write with WRCFG full reset), on usbarmory-mk2
 * the i.MX WDOG counts the timeout down (hw/watchdog/wdt_imx2.c). Afterwards the host checks the
 * image: fsck.vfat -n clean, the synced files' bytes as written, an unsynced write there when a
 * later operation flushed the FAT (its directory entry goes with it, or fsck would find lost
 * clusters), lost whole when nothing did.
 */
import { suite } from "uvu";
import * as assert from "uvu/assert";
import path from "node:path";
import { build, fixture } from "./boot.ts";
import { runQemu } from "../../tools/lib/qemu.ts";
import { loadLineMapper } from "../../tools/lib/source-map.ts";
import { fsck, mget, mkfs } from "../support/fat-image.ts";
import { inTempDir } from "../support/temp-dir.ts";

const test = suite("storage across a watchdog reset");

function fnv(b: Uint8Array): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < b.length; i++) h = Math.imul(h ^ b[i], 0x01000193);
  return (h >>> 0).toString(16).padStart(8, "0");
}

/** The fixture's pattern(seed). */
function pattern(seed: number, n = 100_000): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

for (const board of ["pizero", "usbarmory-mk2"]) {
  test(`${board}: written, synced, reset by the watchdog, rebooted: the card mounts again, synced data read back, fsck clean`, () =>
    inTempDir("storage-reset-", async (dir) => {
      // 16 MiB: QEMU's SD card model takes sizes that are powers of two.
      const img = mkfs(path.join(dir, "card.img"), 16, 16384);
      const fw = await build(fixture("storage/persist.ts"), { board });
      const r = await runQemu({
        board: fw.board,
        elf: fw.elf,
        timeoutS: 120,
        input: "",
        disk: img,
        extraArgs: ["-action", "reboot=reset"],
        mapLine: loadLineMapper(fw.bundles),
        onOutput: () => {},
      });
      assert.is(r.timedOut, false, r.output);
      assert.is(r.output, [
        "boot 1: writing",
        "boot 1: synced, starting the watchdog",
        "boot 2: reading",
        `synced.bin 100000 ${fnv(pattern(1))}`,
        // The handle's second line was never synced: its size on the card is the synced one.
        'journal.txt "line 1, synced\\n"',
        // Never synced, but marker.txt's writeFile flushed the FAT after the first write, and the
        // entry with it; the second write's clusters never reached the card's FAT: that is lost.
        `loose.bin 100000 ${fnv(pattern(2))}`,
        'marker.txt "after loose.bin\'s first write\\n"',
        "done",
        "",
      ].join("\n"), r.stderr);
      assert.is(r.code, 0, r.stderr);
      const verdict = fsck(img);
      assert.ok(verdict.clean, verdict.output);
      assert.is(fnv(mget(img, "/persist/synced.bin")), fnv(pattern(1)));
      assert.is(mget(img, "/persist/journal.txt").toString(), "line 1, synced\n");
      assert.is(fnv(mget(img, "/persist/loose.bin")), fnv(pattern(2)));
    }));
}

test.run();
