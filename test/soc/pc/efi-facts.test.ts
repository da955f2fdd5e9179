import { test } from "uvu";
import * as assert from "uvu/assert";
import { parseEfiFacts } from "../../../soc/pc/efi-facts.ts";

test("no word 'efi' (microvm, Firecracker): no facts", () => {
  assert.is(parseEfiFacts(""), undefined);
  assert.is(parseEfiFacts("virtio_mmio.device=512@0xfeb00000:5"), undefined);
});

test("the GOP mode and the RNG seed as the loader writes them (hal/arch/amd64/uefi/efi-stub.c)", () => {
  const seed = "00".repeat(31) + "ff";
  const f = parseEfiFacts(`efi efi.fb=0x80000000,1280,800,1280,bgrx,4096000 efi.rng=${seed}`)!;
  assert.equal(f.framebuffer, { base: 0x8000_0000, width: 1280, height: 800, pixelsPerRow: 1280, layout: { kind: "bgrx" }, size: 4096000 });
  assert.is(f.rngSeed!.length, 32);
  assert.is(f.rngSeed![31], 0xff);
  assert.equal(parseEfiFacts("efi efi.fb=0x1000,2,2,4,mask:0xf800:0x7e0:0x1f,64")!.framebuffer, { base: 0x1000, width: 2, height: 2, pixelsPerRow: 4, layout: { kind: "mask", red: 0xf800, green: 0x7e0, blue: 0x1f }, size: 64 });
  assert.equal(parseEfiFacts("efi"), { framebuffer: undefined, rngSeed: undefined });
});

test("a mode without a framebuffer says why", () => {
  const f = parseEfiFacts("efi efi.fb=blt-only")!;
  assert.match((f.framebuffer as { unusable: string }).unusable, /PixelBltOnly/);
  assert.match((parseEfiFacts("efi efi.fb=above-4gib")!.framebuffer as { unusable: string }).unusable, /above 4 GiB/);
});

test("malformed values are RangeErrors, not silently ignored", () => {
  assert.throws(() => parseEfiFacts("efi efi.fb=0x80000000,1280"), /efi\.fb=0x80000000,1280: not/);
  assert.throws(() => parseEfiFacts("efi efi.rng=abc"), /64 hexadecimal digits/);
});

test.run();
