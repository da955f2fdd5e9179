/**
 * The CPU's physical address space as a RegisterBus, through the native `mmio` object.
 *
 * Kept apart from hal/register.ts so that host tests, which have no native "hal" module, never
 * import it. Importing this module (the board module does, once) also makes `mmioBus` the default
 * bus of `defineRegisters(...).at(base)`.
 */
import { mmio } from "hal";
import { setDefaultRegisterBus, type RegisterBus } from "./register.ts";

export const mmioBus: RegisterBus = mmio;

setDefaultRegisterBus(mmioBus);
