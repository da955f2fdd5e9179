/** The simulator's machine for this board (npm run sim): the BCM2835 models at 0x20000000. */
import { Bcm2835Machine } from "../../models/soc/bcm2835.ts";

export const machine = () => new Bcm2835Machine(0x2000_0000);
