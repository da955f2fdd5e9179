/**
 * The UDP socket of ECMA-419 2nd edition (the IO class pattern applied to datagrams; module
 * specifier "embedded:io/socket/udp") over stacks/net:
 *
 * - constructor options: `port` (0 or absent: a dynamic port), `address` (this network's
 *   address or "0.0.0.0"), `format` ("buffer" only), `target`, `onReadable(count)` with the
 *   number of datagrams waiting, `onError(error)`, and the tsmetal `network` option. It binds
 *   at once, even while DHCP is still running.
 * - `read()`: the oldest datagram as an ArrayBuffer with own `address` (dotted quad) and `port`
 *   properties, the sender's; undefined when none wait. `write(bytes, address, port)` sends one
 *   datagram (Moddable's order `write(address, port, bytes)` is taken too); the arguments are
 *   checked, and a datagram larger than one frame is a RangeError (no fragmentation).
 *   `close()` unbinds.
 *
 * onError is never called today: stacks/net reports nothing to a UDP socket (ICMP port
 * unreachable is not delivered to it). Not done: multicast, broadcast reception flags, IPv6.
 *
 * Memory: at most MAX_QUEUED datagrams (each at most one frame) wait to be read; more are
 * dropped and counted in `dropped`, as a full socket buffer drops them.
 */
import { formatIpv4, LIMITED_BROADCAST } from "../../stacks/net/address.ts";
import type { UdpMessage, UdpSocket } from "../../stacks/net/udp.ts";
import { bytesOf, checkAddress, checkCallback, checkFormat, checkKeys, checkPort, describe, optionsObject } from "./check.ts";
import type { Network } from "./default-network.ts";
import { localEnd } from "./provider.ts";

/** A received datagram: its bytes, and its sender. */
export type UDPPacket = ArrayBuffer & { readonly address: string; readonly port: number };

export type UDPReadableCallback = (this: UDP, count: number) => void;
export type UDPErrorCallback = (this: UDP, error?: Error) => void;

export interface UDPOptions {
  /** The local port, 1..65535; 0 or absent picks a free dynamic port. */
  readonly port?: number;
  /** The local address: this network's, or "0.0.0.0" (the default). */
  readonly address?: string;
  readonly format?: "buffer";
  readonly target?: unknown;
  readonly onReadable?: UDPReadableCallback;
  readonly onError?: UDPErrorCallback;
  /** tsmetal: the network to bind on (default: the board's default network). */
  readonly network?: Network;
}

/** Datagrams waiting for read() at most. */
export const MAX_QUEUED = 16;

const WHO = "UDP";
const KEYS = ["port", "address", "format", "target", "onReadable", "onError", "network"] as const;

export class UDP {
  target: unknown;
  /** Datagrams dropped because MAX_QUEUED were waiting. */
  dropped = 0;
  private readonly network: Network;
  private readonly socket: UdpSocket;
  private readonly queue: UdpMessage[] = [];
  private readonly onReadableCallback: UDPReadableCallback | undefined;
  private closed = false;

  constructor(options: UDPOptions = {}) {
    const o = optionsObject(WHO, options);
    if ("multicast" in o || "timeToLive" in o) throw new TypeError(`${WHO}: multicast is not supported (stacks/net has no multicast)`);
    checkKeys(WHO, o, KEYS);
    checkFormat(WHO, o.format, "buffer");
    const proto = Object.getPrototypeOf(this) as { onReadable?: unknown; onError?: unknown };
    this.onReadableCallback = checkCallback<UDPReadableCallback>(WHO, "onReadable", o.onReadable ?? proto.onReadable);
    checkCallback<UDPErrorCallback>(WHO, "onError", o.onError ?? proto.onError);
    const { port, network } = localEnd(WHO, o, true);
    this.network = network;
    this.target = o.target;
    // Throws (an Error) when the port is bound already: ECMA-419's resource in use.
    this.socket = this.network.stack.udpBind({ port, onMessage: (m) => this.receive(m) });
  }

  get format(): "buffer" {
    return "buffer";
  }

  set format(value: string) {
    checkFormat(WHO, value, "buffer");
  }

  /** The local port (the dynamic one picked when none was given). */
  get port(): number {
    return this.socket.port;
  }

  /** The oldest datagram, with its sender's `address` and `port`; undefined when none wait. */
  read(): UDPPacket | undefined {
    if (this.closed) throw new Error(`${WHO}: read() on a closed socket`);
    const m = this.queue.shift();
    if (!m) return undefined;
    const buffer = m.data.buffer.byteLength === m.data.byteLength ? m.data.buffer : m.data.slice().buffer;
    Object.defineProperty(buffer, "address", { value: formatIpv4(m.address), enumerable: true });
    Object.defineProperty(buffer, "port", { value: m.port, enumerable: true });
    return buffer as UDPPacket;
  }

  /** Sends `data` as one datagram to `address`:`port`. */
  write(data: ArrayBuffer | ArrayBufferView, address: string, port: number): void;
  /** Moddable's argument order. */
  write(address: string, port: number, data: ArrayBuffer | ArrayBufferView): void;
  write(a: unknown, b: unknown, c: unknown): void {
    if (this.closed) throw new Error(`${WHO}: write() on a closed socket`);
    const [data, address, port] = typeof a === "string" ? [c, a, b] : [a, b, c];
    const bytes = bytesOf(`${WHO}: write()`, data);
    if (address === undefined) throw new TypeError(`${WHO}: write() needs the destination address and port`);
    const dst = checkAddress(WHO, "write() address", address);
    if (port === undefined) throw new TypeError(`${WHO}: write() needs the destination port`);
    const dstPort = checkPort(WHO, "write() port", port, 1);
    if (dst === 0) throw new RangeError(`${WHO}: write() address 0.0.0.0 is not a destination`);
    // Without an address only broadcasts leave (DHCP does so); anything else would vanish.
    if (dst !== LIMITED_BROADCAST && !this.network.configured) throw new Error(`${WHO}: the network has no address yet: await network() (or the network's ready) before sending to ${describe(address)}`);
    this.socket.send(dst, dstPort, bytes);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.queue.length = 0;
    this.socket.close();
  }

  private receive(m: UdpMessage): void {
    if (this.closed) return;
    if (this.queue.length >= MAX_QUEUED) {
      this.dropped++;
      return;
    }
    this.queue.push(m);
    this.onReadableCallback?.call(this, this.queue.length);
  }
}
