/**
 * stacks/ssh on a Node TCP socket: the unit tests drive Debian's OpenSSH client against it (and
 * their own frames), with Node's randomness and clock.
 */
import { randomBytes } from "node:crypto";
import net from "node:net";
import { sshConnection, type ConnectionOptions } from "../../stacks/ssh/server-connection.ts";
import type { SshTransport } from "../../stacks/ssh/transport.ts";

export interface NodeSshServer {
  readonly port: number;
  /** Why each connection ended, in order. */
  readonly ends: string[];
  close(): Promise<void>;
}

export async function startNodeSshServer(options: ConnectionOptions, random: (n: number) => Uint8Array = (n) => new Uint8Array(randomBytes(n))): Promise<NodeSshServer> {
  const ends: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    let transport: SshTransport | null = null;
    transport = sshConnection(
      {
        write: (bytes) => void socket.write(bytes),
        close: () => void socket.end(),
        random,
        now: () => Date.now(),
        onEnd: (reason) => ends.push(reason),
      },
      options,
    );
    socket.on("data", (data) => transport?.receive(new Uint8Array(data)));
    socket.on("end", () => transport?.tcpEnded("closed by the client"));
    socket.on("error", () => transport?.tcpEnded("reset"));
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    ends,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
