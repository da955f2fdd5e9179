/**
 * A Node socket with a TcpConnection's interface (stacks/net/tcp/connection.ts), so that a
 * TlsConnection and the HTTP server run over real loopback TCP against Node's TLS client; and
 * a ServerNet (stacks/http/server.ts) listening with it.
 */
import net from "node:net";
import type { TcpCloseReason, TcpConnection, TcpEvents, TcpState } from "../../../stacks/net/tcp/connection.ts";
import type { TcpListener, TcpListenOptions } from "../../../stacks/net/tcp/tcp.ts";
import type { ServerNet } from "../../../stacks/http/server.ts";
import type { ByteConnection } from "../../../stacks/tls/connection.ts";

export class NodeSocketConnection implements ByteConnection {
  events: TcpEvents = {};
  private chunks: Buffer[] = [];
  private bytes = 0;
  private st: TcpState = "ESTABLISHED";
  private writeClosed = false;

  constructor(readonly socket: net.Socket) {
    socket.on("data", (d: Buffer) => {
      this.chunks.push(d);
      this.bytes += d.length;
      this.events.onReadable?.(this.bytes);
    });
    socket.on("end", () => {
      this.st = this.writeClosed ? "LAST_ACK" : "CLOSE_WAIT";
      this.events.onEnd?.();
    });
    socket.on("drain", () => this.events.onWritable?.(this.writable));
    socket.on("error", () => undefined);
    socket.on("close", (hadError: boolean) => {
      this.st = "CLOSED";
      this.events.onClose?.((hadError ? "reset" : "closed") as TcpCloseReason);
    });
  }

  get state(): TcpState {
    return this.st;
  }

  get readable(): number {
    return this.bytes;
  }

  get writable(): number {
    return this.writeClosed || this.st === "CLOSED" ? 0 : Math.max(0, 65536 - this.socket.writableLength);
  }

  read(max = Infinity): Uint8Array {
    const all = Buffer.concat(this.chunks);
    const n = Math.min(max, all.length);
    this.chunks = n < all.length ? [all.subarray(n)] : [];
    this.bytes -= n;
    return new Uint8Array(all.subarray(0, n));
  }

  write(data: Uint8Array): number {
    if (this.writeClosed || this.st === "CLOSED") throw new Error("cannot write after close");
    const n = Math.min(data.length, this.writable);
    if (n > 0) this.socket.write(Buffer.from(data.subarray(0, n)));
    return n;
  }

  close(): void {
    if (this.writeClosed) return;
    this.writeClosed = true;
    this.socket.end();
  }

  abort(): void {
    this.socket.resetAndDestroy();
  }
}

/** A ServerNet on 127.0.0.1 (Node's TCP) for stacks/http's serve(); `listening` resolves with the port. */
export function nodeServerNet(): ServerNet & { listening: Promise<number>; close(): void } {
  let server: net.Server | undefined;
  let resolvePort: (port: number) => void = () => undefined;
  const listening = new Promise<number>((resolve) => (resolvePort = resolve));
  return {
    listening,
    close: () => server?.close(),
    tcp: { timers: { set: (ms, cb) => setTimeout(cb, ms), clear: (h) => clearTimeout(h as NodeJS.Timeout) } },
    ipv4: { address: 0x7f000001 },
    tcpListen(options: TcpListenOptions): TcpListener {
      server = net.createServer((s) => options.onConnection(new NodeSocketConnection(s) as unknown as TcpConnection));
      server.listen(0, "127.0.0.1", () => resolvePort((server?.address() as net.AddressInfo).port));
      return { close: () => server?.close() } as unknown as TcpListener;
    },
  };
}
