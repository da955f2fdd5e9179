/**
 * An SSH server on a stacks/net TCP port: each connection a server-connection.ts over its TCP,
 * at most `maxConnections` at once (more are closed at once), each given `loginTimeoutMs` to
 * authenticate (sshd's LoginGraceTime).
 */
import type { TcpConnection } from "../net/tcp/connection.ts";
import type { TcpListener, TcpListenOptions } from "../net/tcp/tcp.ts";
import type { Clock, TimerScheduler } from "../net/time.ts";
import type { SessionHandler } from "./connection.ts";
import { Reason } from "./errors.ts";
import type { AuthorizedKey, HostKey } from "./keys.ts";
import { sshConnection } from "./server-connection.ts";

/** What the server needs of stacks/net's NetStack. */
export interface SshNet {
  tcpListen(options: TcpListenOptions): TcpListener;
}

export interface SshServerOptions {
  readonly net: SshNet;
  readonly port: number;
  readonly hostKey: HostKey;
  readonly authorizedKeys: readonly AuthorizedKey[];
  readonly handler: SessionHandler;
  readonly random: (n: number) => Uint8Array;
  readonly clock: Clock;
  readonly timers: TimerScheduler;
  readonly maxConnections?: number;
  readonly loginTimeoutMs?: number;
  /** Told each login and each end of a connection (for a log line). */
  readonly onLogin?: (user: string, key: AuthorizedKey) => void;
  readonly onEnd?: (reason: string) => void;
}

/** A running SSH server: its open connections, and close() to stop listening. */
export interface SshServer {
  /** Connections open now. */
  readonly connections: number;
  /** Stops listening; open connections go on. */
  close(): void;
}

/** Bytes queued for TCP beyond its send buffer; more means the client reads nothing, and the connection is dropped. */
export const MAX_TCP_BACKLOG = 256 * 1024;

export function serveSshOn(options: SshServerOptions): SshServer {
  let open = 0;
  const max = options.maxConnections ?? 4;
  const listener = options.net.tcpListen({
    port: options.port,
    noDelay: true,
    onConnection: (conn) => {
      if (open >= max) {
        conn.abort();
        return;
      }
      open++;
      attach(conn, options, () => open--);
    },
  });
  return {
    get connections() {
      return open;
    },
    close: () => listener.close(),
  };
}

function attach(conn: TcpConnection, options: SshServerOptions, done: () => void): void {
  const queue: Uint8Array[] = [];
  let queued = 0;
  let closing = false;
  let ended = false;
  const flush = () => {
    while (queue.length > 0 && conn.writable > 0) {
      let n: number;
      try {
        n = conn.write(queue[0]);
      } catch {
        queue.length = 0;
        return;
      }
      queued -= n;
      if (n === queue[0].length) queue.shift();
      else {
        queue[0] = queue[0].subarray(n);
        break;
      }
    }
    if (queue.length === 0 && closing) conn.close();
  };
  let timer: unknown = undefined;
  const finish = (reason: string) => {
    if (ended) return;
    ended = true;
    options.timers.clear(timer);
    done();
    options.onEnd?.(reason);
  };
  const transport = sshConnection(
    {
      write(bytes) {
        if (closing) return;
        queue.push(bytes);
        queued += bytes.length;
        if (queued > MAX_TCP_BACKLOG) {
          queue.length = 0;
          conn.abort();
          return;
        }
        flush();
      },
      close() {
        closing = true;
        flush();
      },
      random: options.random,
      now: () => options.clock.now(),
      onEnd: finish,
    },
    {
      hostKey: options.hostKey,
      authorizedKeys: options.authorizedKeys,
      handler: options.handler,
      onLogin: (user, key) => {
        options.timers.clear(timer);
        options.onLogin?.(user, key);
      },
    },
  );
  timer = options.timers.set(options.loginTimeoutMs ?? 60_000, () => transport.disconnect(Reason.BY_APPLICATION, "login timeout"));
  conn.events = {
    onReadable: () => transport.receive(conn.read()),
    onWritable: flush,
    onEnd: () => transport.tcpEnded("closed by the client"),
    onClose: (reason) => {
      transport.tcpEnded(reason);
      finish(`tcp ${reason}`);
    },
  };
  if (conn.readable > 0) transport.receive(conn.read());
}
