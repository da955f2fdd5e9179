/** The simulator's machine for sifive_u (npm run sim): the FU540 models, serial number 1 as QEMU's. */
import { Fu540Machine } from "../../models/soc/fu540.ts";

export const machine = () => new Fu540Machine();
