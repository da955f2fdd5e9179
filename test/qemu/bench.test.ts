// `npm run bench`'s figures by board: a board with a network device under QEMU (microvm) gains
// the network figures (tools/lib/net-bench.ts), one without (pizero) keeps today's keys and no
// others. Cheap: the network transfers are shrunk to 64 KiB and 2 + 4 requests here; the
// figures themselves, with their spread, are `npm run bench`'s (docs/networking.md).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { bench } from "../../tools/commands/bench.ts";
import { loadBoard } from "../../tools/lib/boards.ts";
import { storageBenchable } from "../../tools/lib/storage-bench.ts";

const NETWORK_KEYS = ["tcp_rx_insns_per_kib", "tcp_tx_insns_per_kib", "http_insns_per_request", "http_image_growth_bytes", "ssh_kex_insns", "tls_handshake_insns", "tls_insns_per_kib", "tls_connection_heap_bytes"];
// A board with a disk slot under QEMU and a disk unit (microvm) gains these (tools/lib/storage-bench.ts).
const STORAGE_KEYS = ["blk_read_insns_per_kib", "fat_write_insns_per_kib"];
const BASE_KEYS = ["board", "image_bytes", "bytecode_bytes", "boot_insns", "total_insns", "heap_peak_bytes", "heap_limit_bytes", "idle_insns_per_s", "irq_latency_insns"];

const isPositiveInteger = (v: unknown): boolean => typeof v === "number" && Number.isSafeInteger(v) && v > 0;

test("pizero (no network device): today's figures, no network keys; the storage ones with its SD card's disk unit", async () => {
  const r = await bench("pizero");
  const storage = storageBenchable(loadBoard("pizero")) ? STORAGE_KEYS : [];
  assert.equal(Object.keys(r).sort(), [...BASE_KEYS, ...storage].sort());
  for (const key of NETWORK_KEYS) assert.not.ok(key in r, `${key} on pizero`);
});

test("microvm (virtio-net, virtio-blk): the network and storage figures, as positive integers", async () => {
  const r = await bench("microvm", 0, { tcpBytes: 64 * 1024, requests: 2 });
  assert.equal(Object.keys(r).sort(), [...BASE_KEYS, ...NETWORK_KEYS, ...STORAGE_KEYS].sort());
  const record = r as unknown as Record<string, unknown>;
  for (const key of [...NETWORK_KEYS, ...STORAGE_KEYS]) assert.ok(isPositiveInteger(record[key]), `${key}: ${String(record[key])}`);
});

test.run();
