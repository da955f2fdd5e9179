/**
 * Your firmware. The board module (console, clocks) has already run when this starts; when
 * nothing is left to do the firmware exits with code 0, or with hal.cpu.exit(code).
 */
import { mem } from "hal";

interface Greeting {
  who: string;
  times: number;
}

const greeting: Greeting = { who: "bare metal", times: 3 };

console.log(`Hello from TypeScript on ${greeting.who}!`);
for (let i = 1; i <= greeting.times; i++) {
  console.log("tick", i, { squared: i * i });
}
const { used, limit } = mem.stats();
console.log(`engine heap: ${used < limit ? "ok" : "over limit"}`);
