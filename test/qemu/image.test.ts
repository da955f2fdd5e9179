import { suite } from "uvu";
import * as assert from "uvu/assert";
import { build, fixture } from "./boot.ts";
import { bootEdited } from "./image-edit.ts";
import { imageLayout, resealSnapshot } from "../../tools/lib/image-format.ts";

const test = suite("bytecode image checks on the target");

test("the unmodified image runs (control)", async () => {
  const r = await bootEdited("control", {});
  assert.is(r.code, 42);
});

test("a corrupted firmware unit is refused before it is read, exit 2", async () => {
  const r = await bootEdited("corrupt", {
    image: (img) => {
      const main = imageLayout(img).units[0];
      img[main.offset + main.length - 7] ^= 0x10;
    },
  });
  assert.is(r.output, "tsmetal: refusing bytecode image: firmware unit checksum mismatch (corrupt image)\n");
  assert.is(r.code, 2);
});

test("a corrupted lazy unit is refused when it is loaded, and only then, exit 2", async () => {
  const fw = await build(fixture("prints-object.ts"));
  const format = fw.bundles.findIndex((b) => b.unit === "format");
  const corruptFormat = (img: Buffer) => {
    img[imageLayout(img).units[format].offset + 100] ^= 0x01;
  };
  const r = await bootEdited("corrupt-lazy", { image: corruptFormat, app: "prints-object.ts" });
  assert.is(r.output, "about to format\ntsmetal: refusing image unit 'format': checksum mismatch (corrupt image)\n");
  assert.is(r.code, 2);
  // The exit-code fixture prints only primitives: it never loads the formatter, so it runs.
  const unused = await bootEdited("corrupt-unused", { image: corruptFormat });
  assert.is(unused.code, 42);
});

test("an image from another engine build (fingerprint) is refused, exit 2", async () => {
  const r = await bootEdited("fingerprint", { image: (img) => void img.writeUInt32LE((img.readUInt32LE(8) ^ 1) >>> 0, 8) });
  assert.match(r.output, /refusing bytecode image: bytecode was compiled by a different engine build \(fingerprint mismatch\)/);
  assert.match(r.output, /rebuild the firmware/);
  assert.is(r.code, 2);
});

test("something that is not an image at all is refused, exit 2", async () => {
  const r = await bootEdited("magic", { image: (img) => void img.write("ELF!", 0) });
  assert.match(r.output, /refusing bytecode image: not a tsmetal bytecode image \(bad magic\)/);
  assert.is(r.code, 2);
});

test("a length beyond the image is refused, exit 2", async () => {
  const r = await bootEdited("length", { image: (img) => void img.writeUInt32LE(img.length, 12) });
  assert.match(r.output, /payload length exceeds the image/);
  assert.is(r.code, 2);
});

test("an intact engine snapshot made for another layout is refused, exit 2", async () => {
  // The canary (address of tsm_engine_boot) is at offset 48; resealed, so only the layout differs.
  const r = await bootEdited("snapshot", {
    snapshot: (snap) => {
      snap.writeUInt32LE(snap.readUInt32LE(48) + 4, 48);
      resealSnapshot(snap);
    },
  });
  assert.is(r.output, "tsmetal: refusing the engine snapshot: it was made for another build (rebuild the firmware)\n");
  assert.is(r.code, 2);
});

test.run();
