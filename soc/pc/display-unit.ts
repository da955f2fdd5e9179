/**
 * The image unit "display" of the PC boards: the Canvas on the UEFI GOP framebuffer
 * (drivers/video/linear-fb.ts) that board().framebuffer() opens on uefi-x64 (services.ts). The
 * build adds it only for an app whose code names `framebuffer` (tools/lib/units.ts), so a
 * firmware that draws nothing carries neither the Canvas nor its font (bench image_bytes).
 */
import { mmio } from "hal";
import { Canvas } from "../../drivers/video/graphics/canvas.ts";
import { LinearFramebuffer } from "../../drivers/video/linear-fb.ts";
import type { GopMode } from "./efi-facts.ts";

/** A canvas on the top-left `width` x `height` of the GOP mode (the board checked they fit). */
export function openGop(mode: GopMode, width: number, height: number): Canvas {
  return new Canvas(new LinearFramebuffer({ ...mode, width, height, sink: mmio }));
}
