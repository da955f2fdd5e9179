/**
 * The TCP socket of ECMA-419 2nd edition (the IO class pattern applied to a TCP connection; the
 * "TCP socket" class, module specifier "embedded:io/socket/tcp") over stacks/net:
 *
 * - constructor options: `address` (a dotted quad) or `host` (a name, resolved with the
 *   network's DNS resolver; both or neither is a TypeError), `port`, `nodelay`, `from` (a
 *   socket taken from Listener.read(), whose connection moves to the new instance and which is
 *   closed), `format` ("buffer" only), `target`, and the callbacks `onReadable(count)`,
 *   `onWritable(count)` and `onError(error)`, each called with the instance as `this`. As the
 *   IO class pattern says, a callback given in the options wins over one on the prototype (a
 *   subclass's method). A tsmetal extension, `network`, picks a network other than the default.
 * - `read(count?)`: an ArrayBuffer of up to `count` bytes (all by default), or undefined when
 *   none wait. `write(bytes)`: takes an ArrayBuffer or a view, all of it or nothing: more than
 *   onWritable's count allows (less what was written since) throws, as the pattern's write
 *   "cannot accept the data" case. `close()`: an orderly close (FIN after what was written);
 *   no callback runs after it.
 * - onWritable is called once connected (with the send buffer's free space) and whenever an
 *   acknowledgment frees space. onError is called for a refused or failed connect, a DNS
 *   failure, a reset, a timeout and the peer's orderly close, always after every byte received
 *   has been read (the data comes first: onReadable, and onError once read() has emptied the
 *   buffer, as Moddable's reference implementation does), and the socket is closed after it
 *   (gracefully: after the peer's half-close, an answer written before onError still goes out).
 *
 * Not done: the "number" format, `keepalive`, IPv6. If the network has no address yet (DHCP
 * running), the connect waits for `ready`.
 */
import { formatIpv4, parseIpv4 } from "../../stacks/net/address.ts";
import type { TcpCloseReason, TcpConnection } from "../../stacks/net/tcp/connection.ts";
import { bytesOf, checkAddress, checkBoolean, checkCallback, checkFormat, checkKeys, checkPort, describe, optionsObject, toArrayBuffer } from "./check.ts";
import type { Network } from "./default-network.ts";
import { networkFor } from "./provider.ts";

export type TCPReadableCallback = (this: TCP, count: number) => void;
export type TCPWritableCallback = (this: TCP, count: number) => void;
export type TCPErrorCallback = (this: TCP, error?: Error) => void;

export interface TCPOptions {
  /** The peer's IPv4 address as a dotted quad (or `host`). */
  readonly address?: string;
  /** The peer's name, resolved with the network's DNS resolver (or `address`). */
  readonly host?: string;
  /** The peer's port, 1..65535 (not with `from`). */
  readonly port?: number;
  /** A socket from Listener.read(): its connection moves here. */
  readonly from?: TCP;
  /** Disables Nagle's algorithm (TCP_NODELAY); default false. */
  readonly nodelay?: boolean;
  readonly format?: "buffer";
  /** Stored as the instance's `target` (IO class pattern). */
  readonly target?: unknown;
  readonly onReadable?: TCPReadableCallback;
  readonly onWritable?: TCPWritableCallback;
  readonly onError?: TCPErrorCallback;
  /** tsmetal: the network to connect on (default: the board's default network). */
  readonly network?: Network;
}

const WHO = "TCP";
const KEYS = ["address", "host", "port", "from", "nodelay", "format", "target", "onReadable", "onWritable", "onError", "network"] as const;

/** Set while Listener.read() builds the socket of an accepted connection. */
let adopting: { network: Network; conn: TcpConnection } | null = null;

/** For listener.ts: a socket without callbacks over an accepted connection. */
export function acceptedSocket(network: Network, conn: TcpConnection): TCP {
  adopting = { network, conn };
  try {
    return new TCP({});
  } finally {
    adopting = null;
  }
}

function closeError(reason: TcpCloseReason, peer: string): Error {
  switch (reason) {
    case "reset":
      return new Error(`TCP: connection to ${peer} reset by the peer`);
    case "refused":
      return new Error(`TCP: connection to ${peer} refused`);
    case "timeout":
      return new Error(`TCP: connection to ${peer} timed out`);
    case "aborted":
      return new Error(`TCP: connection to ${peer} aborted`);
    default:
      return new Error(`TCP: connection to ${peer} closed by the peer`);
  }
}

export class TCP {
  target: unknown;
  private readonly network: Network;
  private conn: TcpConnection | null = null;
  private readonly onReadableCallback: TCPReadableCallback | undefined;
  private readonly onWritableCallback: TCPWritableCallback | undefined;
  private readonly onErrorCallback: TCPErrorCallback | undefined;
  private closed = false;
  /** Waiting in a Listener's queue: a failure is kept for whoever takes the socket with `from`. */
  private queued = false;
  /** Bytes write() may take: onWritable's count, less what was written since. */
  private granted = 0;
  /** The error to report once every received byte has been read. */
  private failure: Error | null = null;
  /** Callbacks due after the current turn (see defer()), run by one timer. */
  private readonly due: (() => void)[] = [];
  private deferred: unknown = undefined;
  private readonly peerAddress: string | undefined;
  private readonly peerPort: number | undefined;
  private readonly noDelay: boolean;

  constructor(options: TCPOptions) {
    const adoption = adopting;
    adopting = null;
    if (adoption) {
      // An accepted connection, waiting in a Listener's queue: no callbacks until `from` takes it.
      this.network = adoption.network;
      this.noDelay = adoption.conn.noDelay;
      this.onReadableCallback = this.onWritableCallback = this.onErrorCallback = undefined;
      this.queued = true;
      this.attach(adoption.conn);
      this.granted = adoption.conn.writable;
      return;
    }
    const o = optionsObject(WHO, options);
    checkKeys(WHO, o, KEYS);
    checkFormat(WHO, o.format, "buffer");
    const proto = Object.getPrototypeOf(this) as Partial<Record<"onReadable" | "onWritable" | "onError", unknown>>;
    this.onReadableCallback = checkCallback<TCPReadableCallback>(WHO, "onReadable", o.onReadable ?? proto.onReadable);
    this.onWritableCallback = checkCallback<TCPWritableCallback>(WHO, "onWritable", o.onWritable ?? proto.onWritable);
    this.onErrorCallback = checkCallback<TCPErrorCallback>(WHO, "onError", o.onError ?? proto.onError);
    const nodelay = checkBoolean(WHO, "nodelay", o.nodelay);
    this.target = o.target;
    if (o.from !== undefined) {
      if (o.address !== undefined || o.host !== undefined || o.port !== undefined) throw new TypeError(`${WHO}: from takes its peer from the accepted connection: give no address, host or port with it`);
      if (o.network !== undefined) throw new TypeError(`${WHO}: from takes its network from the accepted connection: give no network with it`);
      const from = o.from;
      if (!(from instanceof TCP)) throw new TypeError(`${WHO}: from must be a TCP socket from Listener.read(), not ${describe(from)}`);
      const conn = from.conn;
      if (from.closed || !conn) throw new Error(`${WHO}: from is closed (each accepted socket can be taken once)`);
      this.network = from.network;
      this.noDelay = nodelay ?? conn.noDelay;
      conn.noDelay = this.noDelay;
      this.failure = from.failure;
      this.granted = from.granted;
      // Ownership moves (ECMA-419: the original instance is closed).
      from.conn = null;
      from.closed = true;
      from.cancelDeferred();
      this.attach(conn);
      this.peerAddress = formatIpv4(conn.remoteAddress);
      this.peerPort = conn.remotePort;
      // What happened while the connection waited in the queue is told once the constructor has
      // returned (the app holds the instance then).
      this.defer(() => {
        if (conn.readable > 0) this.onReadableCallback?.call(this, conn.readable);
        if (this.closed) return;
        this.writableNow();
        if (this.failure && conn.readable === 0) this.report();
      });
      return;
    }
    this.network = networkFor(WHO, o.network);
    this.noDelay = nodelay ?? false;
    if ((o.address === undefined) === (o.host === undefined)) throw new TypeError(`${WHO}: give either address or host (${o.address === undefined ? "neither" : "both"} given)`);
    if (o.port === undefined) throw new TypeError(`${WHO}: port is required`);
    const port = checkPort(WHO, "port", o.port, 1);
    this.peerPort = port;
    if (o.host !== undefined) {
      const host = o.host;
      if (typeof host !== "string" || host.length === 0) throw new TypeError(`${WHO}: host must be a non-empty string, not ${describe(host)}`);
      this.peerAddress = undefined;
      this.connectLater(() => this.network.resolve(host).then(parseIpv4), port, host);
      return;
    }
    const address = checkAddress(WHO, "address", o.address);
    if (address === 0 || address === 0xffffffff) throw new RangeError(`${WHO}: address must be a unicast address, not ${o.address as string}`);
    this.peerAddress = o.address as string;
    if (this.network.configured) this.connect(address, port);
    else this.connectLater(() => Promise.resolve(address), port, this.peerAddress);
  }

  /** ECMA-419: "buffer", the only format the socket classes have here. */
  get format(): "buffer" {
    return "buffer";
  }

  set format(value: string) {
    checkFormat(WHO, value, "buffer");
  }

  /** The peer's address (dotted quad), once known. */
  get remoteAddress(): string | undefined {
    return this.conn ? formatIpv4(this.conn.remoteAddress) : this.peerAddress;
  }

  get remotePort(): number | undefined {
    return this.conn ? this.conn.remotePort : this.peerPort;
  }

  /** Up to `count` received bytes (all by default), or undefined when none wait. */
  read(count?: number): ArrayBuffer | undefined {
    if (this.closed) throw new Error(`${WHO}: read() on a closed socket`);
    if (count !== undefined) {
      if (typeof count !== "number") throw new TypeError(`${WHO}: read() takes a byte count, not ${describe(count)}`);
      if (!Number.isInteger(count) || count < 0) throw new RangeError(`${WHO}: read() takes a byte count of 0 or more, not ${count}`);
    }
    const conn = this.conn;
    if (!conn || conn.readable === 0 || count === 0) return undefined;
    const data = conn.read(count ?? Infinity);
    // The error waited for the data: it comes once the buffer is empty, after this read returns.
    if (this.failure && conn.readable === 0) this.defer(() => this.report());
    return toArrayBuffer(data);
  }

  /** Queues all of `data` to send; throws when it is more than onWritable allowed. */
  write(data: ArrayBuffer | ArrayBufferView): void {
    if (this.closed) throw new Error(`${WHO}: write() on a closed socket`);
    const bytes = bytesOf(`${WHO}: write()`, data);
    if (this.failure && this.writeBlocked()) throw new Error(`${WHO}: cannot write: ${this.failure.message}`);
    const conn = this.conn;
    if (!conn || conn.state === "SYN_SENT") throw new Error(`${WHO}: not connected yet: write once onWritable is called`);
    if (bytes.length > this.granted) throw new Error(`${WHO}: write() of ${bytes.length} bytes exceeds the ${this.granted} bytes onWritable allows now`);
    const taken = conn.write(bytes);
    this.granted -= taken;
  }

  /** Orderly close: a FIN follows what was written; no callback is called after. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.cancelDeferred();
    const conn = this.conn;
    if (conn) {
      conn.events = {};
      conn.close();
    }
  }

  // ---- Internals -----------------------------------------------------------------------------

  private connect(address: number, port: number): void {
    // A cap reached (connections, ports) throws: from the constructor, ECMA-419's "resource in
    // use" Error; after a DNS answer, onError.
    const conn = this.network.stack.tcpConnect({ address, port, noDelay: this.noDelay });
    this.attach(conn);
  }

  private connectLater(address: () => Promise<number>, port: number, peer: string): void {
    const network = this.network;
    (network.configured ? Promise.resolve() : network.ready.then(() => undefined))
      .then(address)
      .then((a) => {
        if (!this.closed) this.connect(a, port);
      })
      .catch((e: unknown) => {
        if (this.closed) return;
        const message = e instanceof Error ? e.message : String(e);
        this.fail(new Error(`${WHO}: cannot connect to ${peer}:${port}: ${message}`));
      });
  }

  private attach(conn: TcpConnection): void {
    this.conn = conn;
    conn.events = {
      onConnect: () => this.writableNow(),
      onWritable: () => this.writableNow(),
      onReadable: (count) => {
        if (!this.closed) this.onReadableCallback?.call(this, count);
      },
      onEnd: () => this.fail(closeError("closed", this.describePeer())),
      onClose: (reason) => this.fail(closeError(reason, this.describePeer())),
    };
  }

  private describePeer(): string {
    return `${this.remoteAddress ?? "?"}:${this.remotePort ?? "?"}`;
  }

  /**
   * Whether the failure ends writing: yes, except the peer's orderly close (CLOSE_WAIT), after
   * which an answer may still be written until onError is reported (a client that half-closes
   * after its request still gets the response).
   */
  private writeBlocked(): boolean {
    return this.failure !== null && this.conn?.state !== "CLOSE_WAIT";
  }

  private writableNow(): void {
    const conn = this.conn;
    if (this.closed || this.writeBlocked() || !conn) return;
    this.granted = conn.writable;
    if (this.granted > 0) this.onWritableCallback?.call(this, this.granted);
  }

  /** The connection is over (or failed to open): told once every received byte is read. */
  private fail(error: Error): void {
    if (this.closed || this.failure) return;
    this.failure = error;
    if (this.writeBlocked()) this.granted = 0;
    if ((this.conn?.readable ?? 0) === 0) this.report();
  }

  /** onError, then the socket is closed. */
  private report(): void {
    const error = this.failure;
    if (this.closed || this.queued || !error) return;
    this.onErrorCallback?.call(this, error);
    this.close();
  }

  /** Runs `task` after the current turn (never inside the constructor or read()), unless closed first. */
  private defer(task: () => void): void {
    this.due.push(task);
    if (this.deferred !== undefined) return;
    this.deferred = this.network.stack.timers.set(0, () => {
      this.deferred = undefined;
      for (const next of this.due.splice(0)) if (!this.closed) next();
    });
  }

  private cancelDeferred(): void {
    this.due.length = 0;
    if (this.deferred === undefined) return;
    this.network.stack.timers.clear(this.deferred);
    this.deferred = undefined;
  }
}
