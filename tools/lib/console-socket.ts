/**
 * The console of `npm run qemu -- --updatable` on a unix socket (build/<board>/console.sock), so
 * that `npm run deploy` in another terminal reaches the running firmware's update agent: bytes
 * from socket clients go to the guest's console input, and the console's output goes to them as
 * well as to the terminal. A Node server, not a QEMU chardev, so QEMU's own console stays on the
 * terminal as in every run.
 */
import { createServer, type Socket } from "node:net";
import { mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { PassThrough } from "node:stream";
import { buildRoot } from "./paths.ts";

export const consoleSocketPath = (board: string): string => path.join(buildRoot, board, "console.sock");

export interface ConsoleSocket {
  /** The guest's console input: the socket clients' bytes (and whatever else is piped in). */
  readonly input: PassThrough;
  /** Passes console output to the clients. */
  output(text: string): void;
  close(): void;
}

export async function serveConsole(file: string): Promise<ConsoleSocket> {
  mkdirSync(path.dirname(file), { recursive: true });
  // A socket left by a run that was killed: nobody is listening on it.
  rmSync(file, { force: true });
  const input = new PassThrough();
  const clients = new Set<Socket>();
  const server = createServer((s) => {
    clients.add(s);
    s.on("data", (d) => input.write(d));
    s.on("close", () => clients.delete(s));
    s.on("error", () => clients.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(file, () => resolve());
  });
  return {
    input,
    output: (text) => {
      for (const c of clients) c.write(text);
    },
    close: () => {
      for (const c of clients) c.destroy();
      server.close();
      rmSync(file, { force: true });
      input.end();
    },
  };
}
