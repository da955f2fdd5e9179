// Live, signed app updates over the serial line (docs/updates.md), on pizero and microvm: a base
// built with a public key runs its built-in app (version 1); units that are unsigned, signed with
// another key, tampered with, built for another base, older, truncated or corrupted are each
// refused with a message on both sides while app 1 keeps ticking; a good unit sent over a line
// that drops and damages frames replaces the app, which prints its version; an app that never
// calls update.confirm() is rolled back to the previous one.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { repoPath } from "../../tools/lib/paths.ts";
import { buildUpdatableFirmware } from "../../tools/lib/update-base.ts";
import { updatableUnderQemu } from "../../tools/lib/deploy-target.ts";
import { buildAppUnit, compileApp, wrapAppImage } from "../../tools/lib/app-unit.ts";
import { makeUpdateKeys, readPrivateKey } from "../../tools/lib/update-keys.ts";
import { UNIT_HEADER_SIZE } from "../../io/update/unit.ts";

const test = suite("update");
const TICKER = repoPath("test/fixtures/update/ticker.ts");
const NO_CONFIRM = repoPath("test/fixtures/update/no-confirm.ts");
const keys = mkdtempSync(path.join(os.tmpdir(), "tsmetal-update-test-"));
const own = makeUpdateKeys(path.join(keys, "own"));
const other = makeUpdateKeys(path.join(keys, "other"));

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

for (const board of ["pizero", "microvm"]) {
  test(`${board}: refusals keep the old app, a signed unit replaces it, no confirm rolls back`, async () => {
    const fw = await buildUpdatableFirmware({ board, app: TICKER, updateKey: own.publicKey, confirmMs: 4000 });
    let out = "";
    const t = updatableUnderQemu(fw, (s) => (out += s), 240);
    /** Resolves once the output after `from` matches `re`. */
    const seen = async (re: RegExp, from = 0): Promise<void> => {
      for (let i = 0; i < 600 && !re.test(out.slice(from)); i++) await new Promise((r) => setTimeout(r, 100));
      assert.match(out.slice(from), re, out);
    };
    /** Refused with `why`, the device printing it too, and app `v` still ticking afterwards. */
    const refused = async (unit: Uint8Array, why: RegExp, v: number) => {
      const r = await t.session.send(unit);
      assert.is(r.ok, false, out);
      if (!r.ok) assert.match(r.why, why, out);
      const mark = out.length;
      await seen(new RegExp(`^app ${v} tick \\d+$`, "m"), mark);
      return r;
    };
    try {
      await within(t.session.waitFor(/^ready 1$/), out);
      await seen(/^app 1 running$/m);
      await seen(/^app 1 tick 2$/m);
      const key = readPrivateKey(own.privateKey);
      const base = fw.base;
      const image = await compileApp(TICKER);
      const good = wrapAppImage(image, { version: 2, base, privateKey: key });

      await refused(wrapAppImage(image, { version: 2, base }), /unsigned unit/, 1);
      assert.match(out, /tsmetal: update refused: unsigned unit.*; app 1 keeps running/);
      await refused(wrapAppImage(image, { version: 2, base, privateKey: readPrivateKey(other.privateKey) }), /bad signature/, 1);
      const tampered = good.slice();
      tampered[60] ^= 0x01;
      await refused(tampered, /bad signature/, 1);
      await refused(wrapAppImage(image, { version: 2, base: { ...base, baseFingerprint: "00".repeat(16) }, privateKey: key }), /unit built for base 0{32}, this base is/, 1);
      await refused(good.subarray(0, good.length - 100), /truncated unit/, 1);
      const corrupted = good.slice();
      corrupted[UNIT_HEADER_SIZE + 40] ^= 0x04;
      await refused(corrupted, /body checksum mismatch/, 1);

      // A line that drops the 2nd frame and damages the 4th: resent from the device's offset.
      const r = await t.session.send(good, 1500, (frame, n) => {
        if (n === 1) return undefined;
        if (n !== 3) return frame;
        const d = frame.slice();
        d[d.length - 1] ^= 0xff;
        return d;
      });
      assert.equal(r, { ok: true, version: 2 }, out);
      await seen(/^app 2 running$/m);
      await within(t.session.waitFor(/^confirmed 2$/), out);
      // Lines come in bursts: look after the new app's first line, not after the answer.
      const switched = out.lastIndexOf("app 2 running");
      await seen(/^app 2 tick 2$/m, switched);
      // The old app's timers were cancelled at the switch.
      assert.not.match(out.slice(switched), /^app 1 tick/m, out);

      await refused(wrapAppImage(image, { version: 1, base, privateKey: key }), /version 1 is not above the running version 2 \(rollback refused\)/, 2);

      const unconfirmed = await buildAppUnit({ app: NO_CONFIRM, version: 3, base, privateKey: key });
      const before3 = out.length;
      assert.equal(await t.session.send(unconfirmed), { ok: true, version: 3 }, out);
      await seen(/^app 3 running, not confirming$/m, before3);
      await within(t.session.waitFor(/^rollback 3 to 2: not confirmed within 4000 ms$/), out);
      await seen(/^app 3 running, not confirming$[\s\S]*^app 2 running$[\s\S]*^app 2 tick 2$/m, before3);
      const back = out.lastIndexOf("app 2 running");
      assert.not.match(out.slice(back), /^app 3 tick/m, out);
    } finally {
      await t.stop();
    }
  });
}

test.run();
