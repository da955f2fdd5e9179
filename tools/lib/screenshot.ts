/**
 * Screenshots of the guest's display (`npm run qemu -- --screenshot out.png`). QEMU exits the
 * moment the firmware does (semihosting exit), so there is no "last frame" to ask for at the end:
 * the screen is sampled every ~200 ms through QEMU's QMP socket (`screendump`, PNG since QEMU 7.1)
 * and the last complete PNG is kept. QMP rather than the human monitor: replies are JSON, errors
 * are explicit, and `-monitor none` stays as it is.
 */
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { createConnection, type Socket } from "node:net";
import os from "node:os";
import path from "node:path";
import { UserError } from "./errors.ts";

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Width and height from a PNG's IHDR chunk, or null if `png` is not a PNG. */
export function pngSize(png: Buffer): { width: number; height: number } | null {
  if (png.length < 24 || !png.subarray(0, 8).equals(PNG_SIGNATURE) || png.toString("latin1", 12, 16) !== "IHDR") return null;
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

/** QEMU options for a QMP server on a unix socket that QEMU does not wait on. */
export const qmpArgs = (socket: string): string[] => ["-qmp", `unix:${socket},server=on,wait=off`];

/** A minimal QMP client: one command at a time, events skipped. */
export class Qmp {
  private buffer = "";
  private waiting: Array<{ resolve: (v: Record<string, unknown>) => void; reject: (e: Error) => void }> = [];
  closed = false;

  private constructor(private readonly socket: Socket) {
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => {
      this.buffer += chunk;
      let nl: number;
      while ((nl = this.buffer.indexOf("\n")) >= 0) {
        const line = this.buffer.slice(0, nl).trim();
        this.buffer = this.buffer.slice(nl + 1);
        if (!line) continue;
        let msg: Record<string, unknown>;
        try {
          msg = JSON.parse(line) as Record<string, unknown>;
        } catch {
          continue;
        }
        // Asynchronous events (STOP, SHUTDOWN...) are not replies.
        if ("event" in msg) continue;
        this.waiting.shift()?.resolve(msg);
      }
    });
    const fail = (e: Error) => {
      this.closed = true;
      for (const w of this.waiting.splice(0)) w.reject(e);
    };
    socket.on("error", fail);
    socket.on("close", () => fail(new Error("QMP connection closed (QEMU exited)")));
  }

  /** Connects and leaves capabilities negotiation, ready for commands. */
  static async connect(socketPath: string): Promise<Qmp> {
    const socket = await new Promise<Socket>((resolve, reject) => {
      const s = createConnection(socketPath);
      s.once("connect", () => resolve(s));
      s.once("error", reject);
    });
    const qmp = new Qmp(socket);
    await qmp.next(); // the greeting
    await qmp.execute("qmp_capabilities");
    return qmp;
  }

  private next(): Promise<Record<string, unknown>> {
    if (this.closed) return Promise.reject(new Error("QMP connection closed (QEMU exited)"));
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  async execute(command: string, args?: Record<string, unknown>): Promise<unknown> {
    const reply = this.next();
    this.socket.write(JSON.stringify(args ? { execute: command, arguments: args } : { execute: command }) + "\n");
    const r = await reply;
    if (r.error) {
      const e = r.error as { class?: string; desc?: string };
      throw new Error(`${command}: ${e.desc ?? e.class ?? JSON.stringify(e)}`);
    }
    return r.return;
  }

  close(): void {
    this.socket.destroy();
  }
}

export interface ScreenSampler {
  /** Stops sampling; resolves to the last complete PNG, or null with `error` saying why. */
  stop(): Promise<string | null>;
  /** Samples taken so far. */
  readonly count: number;
  /** The last failure (connection or screendump), for the user when nothing was captured. */
  readonly error: string | undefined;
}

/**
 * Samples the screen of the QEMU serving QMP at `socketPath` into `dir`, every `intervalMs`,
 * until stop() or QEMU's exit. Two files in turn, so the last good one is never half-overwritten.
 */
export function startScreenSampler(socketPath: string, dir: string, intervalMs = 200): ScreenSampler {
  let stopped = false;
  let last: string | null = null;
  let count = 0;
  let error: string | undefined;
  let qmp: Qmp | undefined;
  let wake: () => void = () => {};
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(t);
        resolve();
      };
    });

  const loop = async () => {
    // QEMU creates the socket while starting up: retry until it is there.
    while (!stopped && !qmp) {
      try {
        qmp = await Qmp.connect(socketPath);
      } catch (e) {
        error = `cannot connect to QEMU's QMP socket: ${(e as Error).message}`;
        await sleep(20);
      }
    }
    while (!stopped && qmp) {
      const file = path.join(dir, `screen-${count % 2}.png`);
      try {
        await qmp.execute("screendump", { filename: file, format: "png" });
        // The reply comes once the file is written (the command completes after the update).
        if (existsSync(file) && pngSize(readFileSync(file))) {
          last = file;
          count++;
        } else {
          error = "screendump wrote no PNG";
        }
      } catch (e) {
        // QEMU exiting mid-sample is the normal end, not the reason nothing was captured.
        if (qmp.closed) break;
        error = (e as Error).message;
      }
      await sleep(intervalMs);
    }
  };
  const done = loop();

  return {
    async stop() {
      stopped = true;
      wake();
      qmp?.close();
      await done;
      return last;
    },
    get count() {
      return count;
    },
    get error() {
      return error;
    },
  };
}

/** The absolute path for --screenshot, refused early (before a build) if its folder is missing. */
export function screenshotDestination(out: string): string {
  const dest = path.resolve(out);
  const dir = path.dirname(dest);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UserError(`--screenshot ${out}: folder ${dir} does not exist`);
  return dest;
}

export interface Screenshot {
  file: string;
  width: number;
  height: number;
  /** How many samples were taken (the file is the last). */
  samples: number;
}

/**
 * Runs QEMU through `run` (given the options that open QMP) while sampling the screen, then
 * saves the last sample to `out`. The output folder is checked first, before anything boots.
 */
export async function runWithScreenshot<T>(
  out: string,
  run: (extraQemuArgs: string[]) => Promise<T>,
  intervalMs = 200,
): Promise<{ result: T; screenshot: Screenshot | null; error?: string }> {
  const dest = screenshotDestination(out);
  // A short path: unix socket paths are limited to about 100 bytes.
  const tmp = mkdtempSync(path.join(os.tmpdir(), "tsmetal-screen-"));
  try {
    const socket = path.join(tmp, "qmp.sock");
    const sampler = startScreenSampler(socket, tmp, intervalMs);
    let result: T;
    let last: string | null;
    try {
      result = await run(qmpArgs(socket));
    } finally {
      // After QEMU's exit: the sampler has seen the socket close and kept its last PNG.
      last = await sampler.stop();
    }
    if (!last) {
      const why = sampler.error && !/cannot connect/.test(sampler.error) ? `: ${sampler.error}` : "";
      return {
        result,
        screenshot: null,
        error: `no screenshot captured${why || ` (the firmware exited before the first screen sample; the screen is sampled every ${intervalMs} ms)`}`,
      };
    }
    copyFileSync(last, dest);
    const size = pngSize(readFileSync(dest))!;
    return { result, screenshot: { file: dest, ...size, samples: sampler.count } };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
