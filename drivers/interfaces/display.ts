/**
 * The driver-facing interface of a display: a surface of pixels that a framebuffer or LCD driver
 * implements (drivers/video/bcm2835-fb.ts is one) and the Canvas (drivers/video/graphics/canvas.ts)
 * draws on.
 */
export interface Surface {
  readonly width: number;
  readonly height: number;
  /** Fills `w` x `h` pixels from (x, y) with the 0xRRGGBB `color`. */
  fillRect(x: number, y: number, w: number, h: number, color: number): void;
  setPixel(x: number, y: number, color: number): void;
  /**
   * Optional: writes `count` 0xRRGGBB pixels `pixels[offset]`, ... to row `y` from column `x`.
   * Without it blit() sets pixels one by one.
   */
  writeRow?(x: number, y: number, pixels: Uint32Array, offset: number, count: number): void;
}
