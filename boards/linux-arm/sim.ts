/** linux-arm's simulated register space, which npm run linux serves (tools/lib/linux-registers.ts). */
import { LinuxVirtMachine } from "../../models/soc/linux-virt.ts";

export const machine = () => new LinuxVirtMachine();
