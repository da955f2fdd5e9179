// The update agent's soft restart and its card (docs/updates.md, "The soft restart", "Kept for the
// next boot"), on pizero and microvm with a FAT image in the card slot:
// 1. a signed version 2 replaces the built-in app 1 by a restart: nothing app 1 left behind (its
//    global, its interrupt handler, its interval) is there for app 2; app 2 confirms and is kept;
// 2. a new QEMU run on the same image runs app 2 from the card, and refuses version 1 (rollback);
// 3. with the kept unit damaged by the host (mtools), the base says why it refuses it and runs its
//    built-in app 1, and still refuses version 2 (the floor survives on the card).
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { repoPath } from "../../tools/lib/paths.ts";
import { buildUpdatableFirmware, type UpdatableFirmware } from "../../tools/lib/update-base.ts";
import { updatableUnderQemu } from "../../tools/lib/deploy-target.ts";
import { compileApp, wrapAppImage } from "../../tools/lib/app-unit.ts";
import { makeUpdateKeys, readPrivateKey } from "../../tools/lib/update-keys.ts";
import { UNIT_HEADER_SIZE } from "../../io/update/unit.ts";
import { KEPT_UNIT } from "../../io/update/keep.ts";
import { fsck, mget, mkfs, mput } from "../support/fat-image.ts";

const test = suite("update: soft restart and the card");
const APP = repoPath("test/fixtures/update/reset-check.ts");
const keys = mkdtempSync(path.join(os.tmpdir(), "tsmetal-update-keep-"));
const own = makeUpdateKeys(path.join(keys, "own"));

test.after(() => rmSync(keys, { recursive: true, force: true }));

/** An agent line awaited for at most a minute: a missing one fails the test instead of hanging it. */
async function within(p: Promise<string>, out: string, ms = 60_000): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no such answer from the agent within ${ms} ms:\n${out}`)), ms)));
  late.catch(() => undefined);
  try {
    return await Promise.race([p, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** One QEMU run of `fw` on `disk`: `body` deploys and watches; the run is stopped afterwards. */
async function run(fw: UpdatableFirmware, disk: string, body: (t: ReturnType<typeof updatableUnderQemu>, seen: (re: RegExp, from?: number) => Promise<string>, out: () => string) => Promise<void>): Promise<void> {
  let text = "";
  const t = updatableUnderQemu(fw, (s) => (text += s), 240, [], undefined, disk);
  /** Resolves with the output after `from` once it matches `re` (a minute at most). */
  const seen = async (re: RegExp, from = 0): Promise<string> => {
    for (let i = 0; i < 600 && !re.test(text.slice(from)); i++) await new Promise((r) => setTimeout(r, 100));
    assert.match(text.slice(from), re, text);
    return text.slice(from);
  };
  try {
    await body(t, seen, () => text);
  } finally {
    await t.stop();
  }
}

for (const board of ["pizero", "microvm"]) {
  test(`${board}: a restart leaves nothing of the old app; the confirmed app is kept on the card, rollback refused after a reboot`, async () => {
    const img = mkfs(path.join(keys, `${board}.img`), 16, 16 * 1024);
    const fw = await buildUpdatableFirmware({ board, app: APP, updateKey: own.publicKey, confirmMs: 4000, keep: true });
    const key = readPrivateKey(own.privateKey);
    const image = await compileApp(APP);
    const v2 = wrapAppImage(image, { version: 2, base: fw.base, privateKey: key });
    const v1 = wrapAppImage(image, { version: 1, base: fw.base, privateKey: key });

    await run(fw, img, async (t, seen, out) => {
      const first = await seen(/^app 1 took irq line (\d+)$/m);
      const line = /^app 1 took irq line (\d+)$/m.exec(first)![1];
      await seen(/^app 1 tick 2$/m);
      const before = out().length;
      assert.equal(await t.session.send(v2), { ok: true, version: 2 }, out());
      const after = await seen(/^app 2 running; found global (\S+); irq lines ([\d,]*)$/m, before);
      const [, global, lines] = /^app 2 running; found global (\S+); irq lines ([\d,]*)$/m.exec(after)!;
      assert.is(global, "undefined", out());
      assert.not.ok(lines.split(",").includes(line), `app 1's irq line ${line} still has a handler: ${lines}\n${out()}`);
      await within(t.session.waitFor(/^kept 2$/), out());
      const switched = out().indexOf("app 2 running");
      await seen(/^app 2 tick 3$/m, switched);
      assert.not.match(out().slice(switched), /^app 1 (tick|irq)/m, out());
    });
    assert.equal(new Uint8Array(mget(img, KEPT_UNIT)), v2);
    assert.ok(fsck(img).clean, fsck(img).output);

    await run(fw, img, async (t, seen, out) => {
      await seen(/^tsmetal: running app 2, kept on the card$/m);
      await seen(/^app 2 running; found global undefined/m);
      const r = await t.session.send(v1);
      assert.equal(r.ok, false, out());
      if (!r.ok) assert.match(r.why, /version 1 is not above the running version 2 \(rollback refused\)/);
      await seen(/^app 2 tick 2$/m, out().lastIndexOf("(rollback refused)"));
    });

    const damaged = v2.slice();
    damaged[UNIT_HEADER_SIZE + 40] ^= 0x10;
    mput(img, KEPT_UNIT, damaged, keys);
    await run(fw, img, async (t, seen, out) => {
      await seen(/^tsmetal: the app kept on the card was refused: unit body checksum mismatch \(damaged\); running the built-in app 1$/m);
      await seen(/^app 1 tick 2$/m);
      const r = await t.session.send(v2);
      assert.equal(r.ok, false, out());
      if (!r.ok) assert.match(r.why, /version 2 is not above the highest confirmed version 2 \(rollback refused\)/);
      await seen(/^app 1 tick 4$/m);
    });
  });
}

test.run();
