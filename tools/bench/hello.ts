/**
 * The hello world `npm run bench` measures. Its first statement is the console write whose first
 * UART store ends boot_insns; the last line reports the allocator's high-water mark.
 */
import { mem } from "hal";

console.log("hello, world");
const stats = mem.stats();
console.log(`bench-heap ${stats.peak} ${stats.limit}`);
