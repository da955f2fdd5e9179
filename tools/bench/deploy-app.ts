// deploy_insns, the deployed app (tools/lib/deploy-bench.ts): its first statement ends the
// measured span (receive, verify, switch); it then ends the firmware. The bench appends a 64 KiB
// string to this file's copy, so that the unit's body is 64 KiB.
import { cpu } from "hal";

performance.now();
declare const PAYLOAD: string;
console.log(`bench-deploy switched ${typeof PAYLOAD === "string" ? PAYLOAD.length : 0}`);
cpu.exit(0);
