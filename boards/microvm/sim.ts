/** The simulator's machine for microvm (npm run sim): COM1, the I/O and local APICs, the TSC. */
import { PcMachine } from "../../models/soc/pc.ts";

export const machine = () => new PcMachine();
