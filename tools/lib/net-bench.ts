/**
 * The network figures of `npm run bench` (tools/commands/bench.ts) for a board with a network
 * device under QEMU (board.json qemu.network), through slirp port forwards:
 *   tcp_rx_insns_per_kib    guest instructions per KiB of a 1 MiB upload from the host to the
 *                           sink of tools/bench/net-tcp.ts (stacks/net directly)
 *   tcp_tx_insns_per_kib    the same for 1 MiB from its source to the host
 *   http_insns_per_request  per keep-alive GET /bytes?n=1024 to examples/http-server
 *   http_image_growth_bytes image_bytes of examples/http-server minus those of hello world
 * Guest instruction counts (the insn-count plugin) do not depend on wall time, except through
 * what the guest does while it waits for the host, and it halts then (idle_insns_per_s: some
 * 30,000 instructions per second against millions per KiB or request). Each figure is a
 * difference, so that boot, handshakes, closes and exit cancel: the TCP ones between two
 * connections of one run (the full transfer minus an empty one, each between the
 * performance.now() marks the firmware makes at establishment and close); the HTTP one between
 * two runs, 2N requests on one connection minus N, the instructions of the whole run (QEMU is
 * ended with SIGTERM, on which it exits normally and the plugin writes its count). What still
 * made them differ from run to run is pinned down: the TCP firmware's sequence numbers (see
 * tools/bench/net-tcp.ts) and slirp's ACKs between requests (HTTP_PAUSE_MS). Over three runs
 * each figure stays within 0.3 % (docs/networking.md, "Figures").
 */
import net from "node:net";
import path from "node:path";
import { buildFirmware, type Firmware } from "./build.ts";
import { insnCountQemuArgs, readInsnCount } from "./insn-count.ts";
import { repoPath } from "./paths.ts";
import { runQemu, type QemuResult } from "./qemu.ts";
import { UserError } from "./errors.ts";
import { codeSymbols, symbolAddress } from "./symbols.ts";
import type { Forward } from "./forward.ts";
import { freePort } from "./free-port.ts";

export interface NetBenchResult {
  tcp_rx_insns_per_kib: number;
  tcp_tx_insns_per_kib: number;
  http_insns_per_request: number;
  http_image_growth_bytes: number;
}

export interface NetBenchSizes {
  /** Bytes each way of the TCP figures, a positive multiple of 1 KiB (default 1 MiB). */
  tcpBytes: number;
  /** Requests of the shorter HTTP run; the longer one makes twice as many (default 50). */
  requests: number;
}

/** What `npm run bench` measures; the tests measure less (test/qemu/bench.test.ts). */
export const NET_BENCH_SIZES: NetBenchSizes = { tcpBytes: 1024 * 1024, requests: 50 };
/** The body of each GET. */
export const HTTP_BENCH_BODY = 1024;
/**
 * The host's pause between a response and the next request. slirp acknowledges the response
 * alone when its delayed-ACK timer (libslirp's 2 ms fast timeout) fires before the next request
 * comes, else with it: left to chance, that made 0 to 15 more frames per 100 requests for the
 * firmware to receive, at some 300,000 instructions each (1.5 % between runs). After a pause
 * every response gets its own ACK; the waiting itself costs nothing measurable (the guest halts).
 */
const HTTP_PAUSE_MS = 20;

const PERFORMANCE_NOW = "js_performance_now";
/** A host-side step that hears nothing for this long fails the bench rather than hanging it. */
const STEP_TIMEOUT_MS = 60_000;
const QEMU_TIMEOUT_S = 300;
const HTTP_PORT = 80;


/** The console as it arrives, and waits for a line in it, each failing after STEP_TIMEOUT_MS. */
class ConsoleWaiter {
  private text = "";
  private waiters: { test: RegExp; resolve: () => void; reject: (e: Error) => void }[] = [];
  private ended = false;
  add(chunk: string): void {
    this.text += chunk;
    this.waiters = this.waiters.filter((w) => {
      if (!w.test.test(this.text)) return true;
      w.resolve();
      return false;
    });
  }
  /** QEMU has ended: what is still awaited will not come. */
  end(): void {
    this.ended = true;
    for (const w of this.waiters) w.reject(new UserError("bench: QEMU ended"));
    this.waiters = [];
  }
  wait(test: RegExp, what: string): Promise<void> {
    if (test.test(this.text)) return Promise.resolve();
    if (this.ended) return Promise.reject(new UserError("bench: QEMU ended"));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new UserError(`bench: the firmware did not print ${what} within ${STEP_TIMEOUT_MS / 1000} s`)), STEP_TIMEOUT_MS);
      this.waiters.push({
        test,
        resolve: () => { clearTimeout(timer); resolve(); },
        reject: (e) => { clearTimeout(timer); reject(e); },
      });
    });
  }
}

/**
 * Boots `fw` with `forwards` and the plugin's `pluginArgs` while `host` talks to it; QEMU is
 * ended when `host` fails, and when it succeeds unless `untilExit` (the firmware exits itself).
 */
async function runWithHost(fw: Firmware, forwards: Forward[], pluginArgs: string[], untilExit: boolean,
  host: (console: ConsoleWaiter) => Promise<void>): Promise<QemuResult> {
  const console_ = new ConsoleWaiter();
  const stop = new AbortController();
  let failure: unknown;
  const talking = host(console_).then(
    () => { if (!untilExit) stop.abort(); },
    (error: unknown) => { failure = error; stop.abort(); },
  );
  const r = await runQemu({
    board: fw.board, elf: fw.elf, timeoutS: QEMU_TIMEOUT_S, input: "", forwards, signal: stop.signal,
    onOutput: (t) => console_.add(t), extraArgs: pluginArgs,
  });
  // QEMU gone, slirp's sockets close and the console waits fail: the host side settles.
  console_.end();
  await talking;
  const log = `\n${r.output}${r.stderr}`;
  if (r.timedOut) throw new UserError(`bench: ${fw.app} did not finish within ${QEMU_TIMEOUT_S} s${log}`);
  // The firmware's own end, when it came before the host was done, says more than what the host missed.
  if (!r.stopped && (r.code !== 0 || !untilExit || failure !== undefined)) {
    const missed = failure instanceof Error ? ` before the host was done (${failure.message})` : "";
    throw new UserError(`bench: ${fw.app} exited with ${r.code}${missed}${log}`);
  }
  if (failure !== undefined) throw failure instanceof Error ? new UserError(`${failure.message}${log}`) : failure;
  return r;
}

/**
 * Connects to 127.0.0.1:`port`, writes `data`, and ends after it when `end`; otherwise the
 * firmware closes first (both ending at once would cost it a retransmitted FIN, a 1 s timeout).
 * Resolves with the bytes received until the connection is closed.
 */
function exchange(port: number, data: Buffer, end: boolean): Promise<number> {
  return new Promise((resolve, reject) => {
    let received = 0;
    const sock = net.connect(port, "127.0.0.1");
    sock.setTimeout(STEP_TIMEOUT_MS, () => sock.destroy(new UserError(`bench: no answer from the firmware on 127.0.0.1:${port}`)));
    sock.on("connect", () => (end ? sock.end(data) : sock.write(data)));
    sock.on("data", (c: Buffer) => (received += c.length));
    sock.on("error", reject);
    sock.on("close", (hadError) => { if (!hadError) resolve(received); });
  });
}

async function tcpFigures(board: string, plugin: string, tmp: string, bytes: number): Promise<{ rx: number; tx: number }> {
  const fw = await buildFirmware({ board, app: repoPath("tools/bench/net-tcp.ts") });
  const perfNow = symbolAddress(await codeSymbols(fw.board, fw.elf), PERFORMANCE_NOW);
  const ports = [await freePort(), await freePort()];
  const forwards: Forward[] = ports.map((hostPort, i) => ({ protocol: "tcp", hostPort, guestPort: 80 + i }));
  const out = path.join(tmp, "net-tcp.json");
  // Each connection waits for the firmware's line about the one before, so that the marks come in order.
  await runWithHost(fw, forwards, insnCountQemuArgs(plugin, out, { hits: [perfNow] }), true, async (console_) => {
    await console_.wait(/bench-net listening\n/, "'bench-net listening'");
    for (const n of [0, bytes]) {
      await exchange(ports[0], Buffer.alloc(n, 0x5a), true);
      await console_.wait(new RegExp(`bench-net sink closed ${n}\\n`), `'bench-net sink closed ${n}'`);
    }
    for (const n of [0, bytes]) {
      const got = await exchange(ports[1], Buffer.from(`${n}\n`), false);
      if (got !== n) throw new UserError(`bench: asked tools/bench/net-tcp.ts for ${n} bytes, received ${got}`);
      await console_.wait(new RegExp(`bench-net source closed ${n}\\n`), `'bench-net source closed ${n}'`);
    }
  });
  const marks = (await readInsnCount(out)).hits.get(perfNow) ?? [];
  if (marks.length !== 8) throw new UserError(`bench: expected performance.now() 8 times (two marks per connection), saw ${marks.length}`);
  const span = (i: number) => marks[2 * i + 1] - marks[2 * i];
  const perKib = (full: number, empty: number) => Math.round((span(full) - span(empty)) / (bytes / 1024));
  return { rx: perKib(1, 0), tx: perKib(3, 2) };
}

/**
 * Sends `count` keep-alive GET /bytes?n=HTTP_BENCH_BODY on one connection, each after the
 * previous response, and checks that every response is a 200 with that many body bytes.
 */
function httpRequests(port: number, count: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = Buffer.from(`GET /bytes?n=${HTTP_BENCH_BODY} HTTP/1.1\r\nHost: bench\r\n\r\n`);
    const sock = net.connect(port, "127.0.0.1");
    let buf = Buffer.alloc(0);
    let done = 0;
    const fail = (why: string) => sock.destroy(new UserError(`bench: examples/http-server ${why} (response ${done + 1} of ${count})`));
    sock.setTimeout(STEP_TIMEOUT_MS, () => fail("did not answer"));
    sock.on("connect", () => sock.write(request));
    sock.on("data", (c: Buffer) => {
      buf = Buffer.concat([buf, c]);
      for (;;) {
        const end = buf.indexOf("\r\n\r\n");
        if (end < 0) return;
        const head = buf.subarray(0, end).toString("latin1");
        if (!/^HTTP\/1\.1 200 /.test(head)) return fail(`answered ${JSON.stringify(head.split("\r\n")[0])}`);
        const length = /\r\ncontent-length: *(\d+)/i.exec(head);
        if (!length) return fail("sent no Content-Length");
        if (Number(length[1]) !== HTTP_BENCH_BODY) return fail(`sent ${length[1]} body bytes, not ${HTTP_BENCH_BODY}`);
        if (buf.length < end + 4 + HTTP_BENCH_BODY) return;
        buf = buf.subarray(end + 4 + HTTP_BENCH_BODY);
        if (++done === count) return void sock.end();
        setTimeout(() => sock.write(request), HTTP_PAUSE_MS);
      }
    });
    sock.on("error", reject);
    sock.on("close", (hadError) => {
      if (hadError) return;
      if (done === count) resolve();
      else reject(new UserError(`bench: examples/http-server closed the connection after ${done} of ${count} responses`));
    });
  });
}

/** The guest instructions of one run of `fw` answering `count` requests, QEMU ended once they are answered. */
async function httpRun(fw: Firmware, plugin: string, tmp: string, count: number): Promise<number> {
  const port = await freePort();
  const out = path.join(tmp, `http-${count}.json`);
  const forwards: Forward[] = [{ protocol: "tcp", hostPort: port, guestPort: HTTP_PORT }];
  await runWithHost(fw, forwards, insnCountQemuArgs(plugin, out, {}), false, async (console_) => {
    await console_.wait(/http-server listening on /, "'http-server listening on'");
    await httpRequests(port, count);
  });
  return (await readInsnCount(out)).total;
}

async function httpFigures(board: string, plugin: string, tmp: string, requests: number, helloImageBytes: number): Promise<{ perRequest: number; growth: number }> {
  const example = await buildFirmware({ board, app: repoPath("examples/http-server/main.ts") });
  // The example on a default network with pinned sequence numbers (tools/bench/net-http-setup.ts).
  const fw = await buildFirmware({ board, app: repoPath("tools/bench/net-http.ts") });
  const once = await httpRun(fw, plugin, tmp, requests);
  const twice = await httpRun(fw, plugin, tmp, 2 * requests);
  return { perRequest: Math.round((twice - once) / requests), growth: example.sizes.imageBytes - helloImageBytes };
}

/** The network figures for `board` (which must have qemu.network); `helloImageBytes` is the bench's hello world's image. */
export async function netBench(board: string, plugin: string, tmp: string, helloImageBytes: number,
  sizes: NetBenchSizes = NET_BENCH_SIZES): Promise<NetBenchResult> {
  if (!Number.isSafeInteger(sizes.tcpBytes) || sizes.tcpBytes < 1024 || sizes.tcpBytes % 1024 !== 0) {
    throw new RangeError(`bench: tcpBytes must be a positive multiple of 1024, not ${sizes.tcpBytes}`);
  }
  if (!Number.isSafeInteger(sizes.requests) || sizes.requests < 1) throw new RangeError(`bench: requests must be a positive integer, not ${sizes.requests}`);
  const tcp = await tcpFigures(board, plugin, tmp, sizes.tcpBytes);
  const http = await httpFigures(board, plugin, tmp, sizes.requests, helloImageBytes);
  return {
    tcp_rx_insns_per_kib: tcp.rx,
    tcp_tx_insns_per_kib: tcp.tx,
    http_insns_per_request: http.perRequest,
    http_image_growth_bytes: http.growth,
  };
}
