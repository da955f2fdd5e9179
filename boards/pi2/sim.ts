/** The simulator's machine for the Pi 2 (npm run sim): BCM2835 models at 0x3F000000 and the per-core block. */
import { Bcm2836Machine } from "../../models/soc/bcm2836.ts";

export const machine = () => new Bcm2836Machine();
