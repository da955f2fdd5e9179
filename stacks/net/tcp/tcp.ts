/**
 * The TCP layer: demultiplexes segments to connections (RFC 9293 section 3.10.7), answers for
 * listeners and closed ports, opens connections, and holds the memory caps: connections in all,
 * half-open (SYN_RECEIVED) connections, each with bounded buffers (options.ts).
 */
import type { Counters } from "../counters.ts";
import { IPV4_HEADER_LENGTH, PROTO_TCP, type Ipv4Output, type Ipv4Packet } from "../ipv4.ts";
import { EphemeralPorts } from "../ports.ts";
import type { Clock, TimerScheduler } from "../time.ts";
import { TcpConnection, type TcpConnectionOptions, type TcpHost } from "./connection.ts";
import type { TcpOptions } from "./options.ts";
import { ACK, RST, SYN, TCP_HEADER_LENGTH, TCP_SYN_HEADER_LENGTH, headerLengthFor, parseTcp, segmentLength, writeTcp, type TcpHeaderFields, type TcpSegment } from "./segment.ts";
import { seqAdd } from "./sequence.ts";

export interface TcpListenOptions extends TcpConnectionOptions {
  readonly port: number;
  /** Called with each connection once it is established. */
  readonly onConnection: (connection: TcpConnection) => void;
}

export interface TcpConnectOptions extends TcpConnectionOptions {
  readonly address: number;
  readonly port: number;
  /** Local port; a free dynamic one by default. */
  readonly localPort?: number;
}

export class TcpListener {
  private open = true;

  constructor(
    private readonly layer: Tcp,
    readonly port: number,
    readonly options: TcpListenOptions,
  ) {}

  /** Stops accepting; established connections go on. */
  close(): void {
    if (!this.open) return;
    this.open = false;
    this.layer.unlisten(this.port);
  }
}

function key(address: number, remotePort: number, localPort: number): string {
  return `${address}:${remotePort}:${localPort}`;
}

export class Tcp implements TcpHost {
  private readonly connections = new Map<string, TcpConnection>();
  private readonly listeners = new Map<number, TcpListener>();
  /** For connections opened without a local port. */
  private readonly ephemeral: EphemeralPorts;
  /**
   * The connection the last segment went to: a bulk transfer's segments all go to one, and the
   * Map's string key (three numbers formatted) costs more than the rest of the lookup.
   * Forgotten in remove().
   */
  private last: TcpConnection | null = null;
  readonly linkMss: number;

  constructor(
    private readonly ip: Ipv4Output,
    readonly counters: Counters,
    readonly clock: Clock,
    readonly timers: TimerScheduler,
    readonly options: TcpOptions,
    mtu: number,
    private readonly random: () => number,
  ) {
    // RFC 9293 section 3.7.1: MSS = MTU - fixed IP header - fixed TCP header.
    this.linkMss = mtu - IPV4_HEADER_LENGTH - 20;
    this.ephemeral = new EphemeralPorts(random);
  }

  /** Connections the layer holds, in every state. */
  get connectionCount(): number {
    return this.connections.size;
  }

  get halfOpenCount(): number {
    let n = 0;
    for (const c of this.connections.values()) if (c.state === "SYN_RECEIVED") n++;
    return n;
  }

  listen(options: TcpListenOptions): TcpListener {
    const port = options.port;
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new RangeError(`TCP port must be 1..65535, not ${port}`);
    if (this.listeners.has(port)) throw new Error(`TCP port ${port} is already listening`);
    const listener = new TcpListener(this, port, options);
    this.listeners.set(port, listener);
    return listener;
  }

  /** @internal */
  unlisten(port: number): void {
    this.listeners.delete(port);
  }

  /** Active open (RFC 9293 section 3.10.1). Throws when the connection cap is reached. */
  connect(options: TcpConnectOptions): TcpConnection {
    const { address, port } = options;
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new RangeError(`TCP port must be 1..65535, not ${port}`);
    if (!Number.isInteger(address) || address <= 0 || address >= 0xffffffff) throw new RangeError(`TCP needs a unicast IPv4 address, not ${address}`);
    if (!this.makeRoom()) throw new Error(`too many TCP connections (${this.options.maxConnections})`);
    let localPort = options.localPort ?? 0;
    if (localPort === 0) localPort = this.ephemeral.pick((p) => this.connections.has(key(address, port, p)) || this.listeners.has(p), "TCP");
    else if (this.connections.has(key(address, port, localPort))) throw new Error(`TCP connection to that peer from port ${localPort} exists`);
    const conn = new TcpConnection(this, localPort, address, port, this.newIss(), options, false);
    this.connections.set(key(address, port, localPort), conn);
    conn.open();
    return conn;
  }

  receive(packet: Ipv4Packet): void {
    const seg = parseTcp(packet.payload, packet.src, packet.dst, this.counters);
    if (!seg) return;
    // RFC 1122 section 4.2.3.10: TCP is unicast; a segment to a broadcast is discarded.
    if (packet.broadcast) {
      this.counters.add("tcp_broadcast");
      return;
    }
    if (seg.srcPort === 0 || seg.dstPort === 0) {
      this.counters.add("tcp_bad_port");
      return;
    }
    const last = this.last;
    const conn = last !== null && last.remoteAddress === packet.src && last.remotePort === seg.srcPort && last.localPort === seg.dstPort
      ? last
      : this.connections.get(key(packet.src, seg.srcPort, seg.dstPort));
    if (conn) {
      this.last = conn;
      conn.segmentArrives(seg);
      return;
    }
    const listener = this.listeners.get(seg.dstPort);
    if (listener) this.listenArrives(listener, packet.src, seg);
    else this.closedArrives(packet.src, seg);
  }

  /** The NIC has room again: let blocked connections send. */
  writable(): void {
    for (const c of this.connections.values()) c.output();
  }

  /** RFC 9293 3.10.7.2: a segment for a LISTEN port and no connection. */
  private listenArrives(listener: TcpListener, src: number, seg: TcpSegment): void {
    if (seg.flags & RST) return;
    if (seg.flags & ACK) {
      this.counters.add("tcp_listen_ack");
      this.sendBare(src, { srcPort: seg.dstPort, dstPort: seg.srcPort, seq: seg.ack, ack: 0, flags: RST, window: 0 });
      return;
    }
    if (!(seg.flags & SYN)) {
      this.counters.add("tcp_listen_no_syn");
      return;
    }
    // The caps: a SYN flood fills half-open slots, and what is beyond them is dropped, silently
    // (no SYN-ACK, no RST), and counted.
    if (this.halfOpenCount >= this.options.maxHalfOpen || !this.makeRoom()) {
      this.counters.add("tcp_syn_dropped");
      return;
    }
    const conn = new TcpConnection(this, seg.dstPort, src, seg.srcPort, this.newIss(), listener.options, true);
    this.connections.set(key(src, seg.srcPort, seg.dstPort), conn);
    conn.acceptSyn(seg);
  }

  /** RFC 9293 3.10.7.1: no connection, no listener: answer with a reset. */
  private closedArrives(src: number, seg: TcpSegment): void {
    this.counters.add("tcp_no_connection");
    if (seg.flags & RST) return;
    if (seg.flags & ACK) {
      this.sendBare(src, { srcPort: seg.dstPort, dstPort: seg.srcPort, seq: seg.ack, ack: 0, flags: RST, window: 0 });
    } else {
      this.sendBare(src, { srcPort: seg.dstPort, dstPort: seg.srcPort, seq: 0, ack: seqAdd(seg.seq, segmentLength(seg)), flags: RST | ACK, window: 0 });
    }
  }

  private sendBare(dst: number, h: TcpHeaderFields): void {
    const src = this.ip.address();
    const length = headerLengthFor(h);
    this.ip.send(dst, PROTO_TCP, length, (buf, offset) => writeTcp(buf, offset, h, 0, src, dst));
  }

  // ---- TcpHost -------------------------------------------------------------------------------

  transmit(conn: TcpConnection, h: TcpHeaderFields, payloadLength: number, fill: ((buf: Uint8Array, offset: number) => void) | null): boolean {
    const src = this.ip.address();
    const dst = conn.remoteAddress;
    const headerLength = h.mss === undefined ? TCP_HEADER_LENGTH : TCP_SYN_HEADER_LENGTH; // headerLengthFor(h), without the call
    return this.ip.send(dst, PROTO_TCP, headerLength + payloadLength, (buf, offset) => {
      if (fill) fill(buf, offset + headerLength);
      writeTcp(buf, offset, h, payloadLength, src, dst);
    });
  }

  established(conn: TcpConnection): void {
    const listener = this.listeners.get(conn.localPort);
    if (!listener) {
      // The listener closed while the handshake ran: nobody would take the connection.
      this.counters.add("tcp_no_listener_at_accept");
      conn.abort();
      return;
    }
    listener.options.onConnection(conn);
  }

  remove(conn: TcpConnection): void {
    const k = key(conn.remoteAddress, conn.remotePort, conn.localPort);
    if (this.connections.get(k) === conn) this.connections.delete(k);
    if (this.last === conn) this.last = null;
  }

  // ---- Helpers -------------------------------------------------------------------------------

  /** Room for one more connection, reusing the oldest TIME_WAIT slot if the cap is reached. */
  private makeRoom(): boolean {
    if (this.connections.size < this.options.maxConnections) return true;
    for (const c of this.connections.values()) {
      if (c.state === "TIME_WAIT") {
        // RFC 9293 3.6.1 allows ending TIME_WAIT early; Map order is creation order: the oldest.
        this.counters.add("tcp_time_wait_reused");
        c.abortTimeWait();
        return true;
      }
    }
    return false;
  }

  /** RFC 6528 flavour: a clock-driven counter (4 us ticks, RFC 9293 3.4.1) plus randomness. */
  private newIss(): number {
    return (this.random() + Math.floor(this.clock.now() * 250)) >>> 0;
  }
}
