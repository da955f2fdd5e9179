// The whole image under a check (engine/src/blob.h, snapshot.c; docs/build-pipeline.md): damage
// the old checks could not see — an aligned 00000000 word turned FFFFFFFF, a byte of the engine
// snapshot, a unit name or the payload length, bytes after the image — is refused with exit 2.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { bootEdited } from "./image-edit.ts";
import { imageLayout, SNAPSHOT_HEADER_SIZE, snapshotLayout } from "../../tools/lib/image-format.ts";

const test = suite("image integrity on the target");

// Uses every unit: the firmware, "format" (an object) and "loop" (a timer); exits 0.
const app = "image-fuzz.ts";
const refusedImage = (why: string) => `tsmetal: refusing bytecode image: ${why}\n`;

for (const board of ["pizero", "sifive_u"]) {
  test(`${board}: the unmodified image runs every unit (control)`, async () => {
    const r = await bootEdited("integrity-control", { board, app });
    assert.is(r.output, "image fuzz 42\n{ unit: 'format', list: [ 1, 2, 3 ] }\ntimer fired\n");
    assert.is(r.code, 0);
  });

  test(`${board}: an aligned 00000000 word of the firmware unit turned FFFFFFFF is refused, exit 2`, async () => {
    const r = await bootEdited("integrity-word", {
      board,
      app,
      image: (img) => {
        const main = imageLayout(img).units[0];
        // The first aligned zero word inside the bytecode itself (not its padding).
        let at = main.offset;
        while (at + 4 <= main.offset + main.length && img.readUInt32LE(at) !== 0) at += 4;
        assert.ok(at + 4 <= main.offset + main.length, "the firmware unit has an aligned zero word");
        img.writeUInt32LE(0xffffffff, at);
      },
    });
    assert.is(r.output, refusedImage("firmware unit checksum mismatch (corrupt image)"));
    assert.is(r.code, 2);
  });

  test(`${board}: a flipped byte in the engine snapshot is refused before it is restored, exit 2`, async () => {
    const r = await bootEdited("integrity-snapshot", {
      board,
      app,
      snapshot: (snap) => {
        // A byte of the saved heap, past the header and .data/.bss.
        const { dataLength } = snapshotLayout(snap);
        const heap = SNAPSHOT_HEADER_SIZE + dataLength;
        snap[heap + Math.floor((snap.length - heap) / 2)] ^= 0x04;
      },
    });
    assert.is(r.output, "tsmetal: refusing the engine snapshot: checksum mismatch (corrupt image)\n");
    assert.is(r.code, 2);
  });

  test(`${board}: a truncated engine snapshot is refused, exit 2`, async () => {
    const r = await bootEdited("integrity-snapshot-cut", { board, app, snapshot: (snap) => snap.subarray(0, snap.length - 8) });
    assert.is(r.output, "tsmetal: refusing the engine snapshot: its size disagrees with its header (truncated or corrupt image)\n");
    assert.is(r.code, 2);
  });

  test(`${board}: a damaged unit name is refused at boot (not "no clock" later), exit 2`, async () => {
    const r = await bootEdited("integrity-name", {
      board,
      app,
      image: (img) => {
        const loop = imageLayout(img).units.find((u) => u.name === "loop");
        assert.ok(loop, "the image has a loop unit");
        img[loop.entry + 1] ^= 0x20; // "loop" -> "lOop"
      },
    });
    assert.is(r.output, refusedImage("header or unit table checksum mismatch (corrupt image)"));
    assert.is(r.code, 2);
  });

  test(`${board}: a payload length that leaves out the last unit is refused, exit 2`, async () => {
    const r = await bootEdited("integrity-length", {
      board,
      app,
      image: (img) => {
        const units = imageLayout(img).units;
        const last = units[units.length - 1];
        img.writeUInt32LE(img.readUInt32LE(12) - last.padded, 12);
      },
    });
    assert.is(r.output, refusedImage("header or unit table checksum mismatch (corrupt image)"));
    assert.is(r.code, 2);
  });

  test(`${board}: bytes after the image and a cut image are refused, exit 2`, async () => {
    const trailing = await bootEdited("integrity-trailing", { board, app, image: (img) => Buffer.concat([img, Buffer.alloc(8)]) });
    assert.is(trailing.output, refusedImage("image size disagrees with its header (truncated, or bytes after the image)"));
    assert.is(trailing.code, 2);
    const cut = await bootEdited("integrity-cut", { board, app, image: (img) => img.subarray(0, img.length - 8) });
    assert.is(cut.output, refusedImage("payload length exceeds the image (truncated or corrupt image)"));
    assert.is(cut.code, 2);
  });
}

test.run();
