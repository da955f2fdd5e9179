/**
 * The storage figures of `npm run bench` (tools/lib/storage-bench.ts), on a board with a disk:
 * the board's disk (board().disk()) and a FAT16 image the host made. Between performance.now()
 * marks (counted by the insn-count plugin): a 1 MiB block read (blk_read_insns_per_kib), then an
 * empty writeFile and a 256 KiB one (fat_write_insns_per_kib: the difference, per KiB, so that
 * opening, the directory entry and the flushes cancel). performance.now() is called nowhere else.
 */
import { board, mount } from "tsmetal";

const disk = board().disk?.();
if (!disk) throw new Error(`bench: board "${board().name}" has no disk`);
const fs = await mount(disk);
const read = new Uint8Array(1024 * 1024);
const data = new Uint8Array(256 * 1024).fill(0x5a);
performance.now(); // the clock's set-up, outside the figures
performance.now();
await disk.read(64, read.length / 512, read);
performance.now();
await fs.writeFile("/empty.bin", new Uint8Array(0));
performance.now();
await fs.writeFile("/data.bin", data);
performance.now();
console.log(`bench-storage ${(await fs.stat("/data.bin")).size} bytes`);
