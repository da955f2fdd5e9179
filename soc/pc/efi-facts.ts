/**
 * What the uefi-x64 board's loader (hal/arch/amd64/uefi/efi-stub.c) learned from UEFI boot
 * services before it exited them, as it writes it on the PVH command line (hal.cpu.commandLine()):
 * the word "efi", then
 *   efi.fb=<base>,<width>,<height>,<pixels per scan line>,<rgbx|bgrx|mask:<r>:<g>:<b>>,<size>
 *       the GOP's current mode (UEFI 2.10, 12.9.2); "efi.fb=blt-only" for a mode without a
 *       framebuffer (PixelBltOnly), "efi.fb=above-4gib" for one the page tables cannot map;
 *       absent when the machine has no GOP;
 *   efi.rng=<64 hex digits>
 *       32 bytes from EFI_RNG_PROTOCOL (UEFI 2.10, 37.5), absent when the machine has none.
 * A command line without the word "efi" (microvm, Firecracker) gives undefined.
 */
import type { PixelLayout } from "../../drivers/video/linear-fb.ts";

export interface GopMode {
  readonly base: number;
  readonly width: number;
  readonly height: number;
  readonly pixelsPerRow: number;
  readonly layout: PixelLayout;
  readonly size: number;
}

export interface EfiFacts {
  /** The GOP mode, or why it cannot be drawn on; undefined without a GOP. */
  readonly framebuffer?: GopMode | { readonly unusable: string };
  /** The EFI_RNG_PROTOCOL seed (32 bytes). */
  readonly rngSeed?: Uint8Array;
}

const FB = /^(0x[0-9a-f]+),(\d+),(\d+),(\d+),(rgbx|bgrx|mask:(0x[0-9a-f]+):(0x[0-9a-f]+):(0x[0-9a-f]+)),(\d+)$/;
const UNUSABLE: Readonly<Record<string, string>> = {
  "blt-only": "the UEFI GOP mode has no linear framebuffer (PixelBltOnly): only its Blt() could draw, and boot services are gone",
  "above-4gib": "the UEFI GOP framebuffer lies above 4 GiB, which the firmware's page tables do not map",
};

/** The facts on `cmdline`; a malformed value is a RangeError (the loader and this file disagree). */
export function parseEfiFacts(cmdline: string): EfiFacts | undefined {
  const words = cmdline.split(/\s+/);
  if (!words.includes("efi")) return undefined;
  let framebuffer: EfiFacts["framebuffer"];
  let rngSeed: Uint8Array | undefined;
  for (const word of words) {
    if (word.startsWith("efi.fb=")) {
      const v = word.slice(7);
      const m = FB.exec(v);
      if (UNUSABLE[v]) framebuffer = { unusable: UNUSABLE[v] };
      else if (m) {
        const layout: PixelLayout = m[5] === "rgbx" || m[5] === "bgrx" ? { kind: m[5] } : { kind: "mask", red: Number(m[6]), green: Number(m[7]), blue: Number(m[8]) };
        framebuffer = { base: Number(m[1]), width: Number(m[2]), height: Number(m[3]), pixelsPerRow: Number(m[4]), layout, size: Number(m[9]) };
      } else throw new RangeError(`efi.fb=${v}: not <base>,<width>,<height>,<pixels per row>,<rgbx|bgrx|mask:r:g:b>,<size>`);
    } else if (word.startsWith("efi.rng=")) {
      const v = word.slice(8);
      if (!/^[0-9a-f]{64}$/.test(v)) throw new RangeError("efi.rng: not 64 hexadecimal digits");
      rngSeed = new Uint8Array(32);
      for (let i = 0; i < 32; i++) rngSeed[i] = parseInt(v.slice(2 * i, 2 * i + 2), 16);
    }
  }
  return { framebuffer, rngSeed };
}
