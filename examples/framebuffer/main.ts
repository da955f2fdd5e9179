/**
 * Draws a test picture on the board's framebuffer (the HDMI output; under QEMU, its display
 * window): a background, coloured rectangles, a line and text. Prints "drawn" when done and keeps
 * the picture up for 2 s (for a screenshot taken while the firmware runs), then exits with 0.
 */
import { board } from "tsmetal";
import { cpu } from "hal";
import { RGB } from "tsmetal";

const services = board();
if (!services.framebuffer) throw new Error(`${services.name} has no display`);
const fb = services.framebuffer({ width: 640, height: 480 });
const W = fb.width, H = fb.height;

fb.fill(RGB(16, 24, 48));
fb.rect(40, 40, 170, 110, RGB(220, 60, 60), { fill: true });
fb.rect(235, 40, 170, 110, RGB(60, 180, 90), { fill: true });
fb.rect(430, 40, 170, 110, RGB(60, 120, 230), { fill: true });
fb.rect(30, 30, 580, 130, RGB(255, 255, 255));
fb.line(0, H - 1, W - 1, 180, RGB(255, 210, 0));
fb.line(0, 180, W - 1, H - 1, RGB(0, 200, 220));
fb.text(40, 200, `tsmetal on ${services.name}`, RGB(255, 255, 255), { scale: 3 });
fb.text(40, 250, "ABCDEFGHIJKLMNOPQRSTUVWXYZ 0123456789", RGB(200, 200, 200), { background: RGB(0, 0, 0) });
fb.text(40, 262, "abcdefghijklmnopqrstuvwxyz !\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", RGB(200, 200, 200), { background: RGB(0, 0, 0) });
console.log("drawn");
setTimeout(() => cpu.exit(0), 2000);
