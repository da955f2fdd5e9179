/**
 * The TCP listener socket of ECMA-419 2nd edition (the IO class pattern applied to accepting
 * connections; module specifier "embedded:io/socket/listener") over stacks/net:
 *
 * - constructor options: `port` (1..65535: the stack has no dynamic listening ports, so the
 *   standard's default 0 is refused), `address` (this network's address or "0.0.0.0": the stack
 *   has one interface), `nodelay` (tsmetal: Nagle off on accepted connections; `from` can change
 *   it), `target`, `onReadable(count)` with the number of connections waiting, and the tsmetal
 *   `network` option. It listens at once, even while DHCP is still running.
 * - `read()`: the oldest established connection as a TCP socket without callbacks, to be taken
 *   with `new TCP({ from })`; undefined when none wait. `close()`: stops listening, and closes
 *   the connections nobody took. `format` is "socket/tcp".
 *
 * Memory: at most MAX_WAITING established connections wait to be read; one more is reset (and
 * counted in `refused`). Half-open connections and all connections are capped by stacks/net.
 */
import type { TcpListener } from "../../stacks/net/tcp/tcp.ts";
import type { TcpConnection } from "../../stacks/net/tcp/connection.ts";
import { checkBoolean, checkCallback, checkKeys, optionsObject } from "./check.ts";
import type { Network } from "./default-network.ts";
import { localEnd } from "./provider.ts";
import { acceptedSocket, type TCP } from "./tcp.ts";

export type ListenerReadableCallback = (this: Listener, count: number) => void;

export interface ListenerOptions {
  readonly port: number;
  /** The local address to listen on: this network's, or "0.0.0.0" (the default). */
  readonly address?: string;
  /** tsmetal: accepted connections start with Nagle's algorithm off. */
  readonly nodelay?: boolean;
  readonly format?: "socket/tcp";
  readonly target?: unknown;
  readonly onReadable?: ListenerReadableCallback;
  /** tsmetal: the network to listen on (default: the board's default network). */
  readonly network?: Network;
}

/** Established connections waiting for read() (as a BSD listen backlog). */
export const MAX_WAITING = 8;

const WHO = "Listener";
const KEYS = ["port", "address", "nodelay", "format", "target", "onReadable", "network"] as const;

export class Listener {
  target: unknown;
  /** Connections reset because MAX_WAITING were already waiting. */
  refused = 0;
  private readonly network: Network;
  private readonly listener: TcpListener;
  private readonly waiting: TCP[] = [];
  private readonly onReadableCallback: ListenerReadableCallback | undefined;
  private closed = false;

  constructor(options: ListenerOptions) {
    const o = optionsObject(WHO, options);
    checkKeys(WHO, o, KEYS);
    if (o.format !== undefined && o.format !== "socket/tcp") throw new RangeError(`${WHO}: format must be "socket/tcp", not ${JSON.stringify(o.format)}`);
    const proto = Object.getPrototypeOf(this) as { onReadable?: unknown };
    this.onReadableCallback = checkCallback<ListenerReadableCallback>(WHO, "onReadable", o.onReadable ?? proto.onReadable);
    const nodelay = checkBoolean(WHO, "nodelay", o.nodelay) ?? false;
    // The stack has no dynamic listening ports: the port is required.
    const { port, network } = localEnd(WHO, o, false);
    this.network = network;
    this.target = o.target;
    // Throws (an Error) when the port is already listening: ECMA-419's resource in use.
    this.listener = this.network.stack.tcpListen({ port, noDelay: nodelay, onConnection: (conn) => this.accept(conn) });
  }

  get format(): "socket/tcp" {
    return "socket/tcp";
  }

  set format(value: string) {
    if (value !== "socket/tcp") throw new RangeError(`${WHO}: format must be "socket/tcp", not ${JSON.stringify(value)}`);
  }

  get port(): number {
    return this.listener.port;
  }

  /** The oldest waiting connection, for `new TCP({ from })`; undefined when none wait. */
  read(): TCP | undefined {
    if (this.closed) throw new Error(`${WHO}: read() on a closed listener`);
    return this.waiting.shift();
  }

  /** Stops listening; connections not taken are closed. No callback is called after. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.listener.close();
    for (const socket of this.waiting.splice(0)) socket.close();
  }

  private accept(conn: TcpConnection): void {
    if (this.closed) {
      conn.abort();
      return;
    }
    if (this.waiting.length >= MAX_WAITING) {
      this.refused++;
      conn.abort();
      return;
    }
    this.waiting.push(acceptedSocket(this.network, conn));
    this.onReadableCallback?.call(this, this.waiting.length);
  }
}
