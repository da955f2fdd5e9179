/**
 * UDP (RFC 768) with the host rules of RFC 1122 section 4.1: checksums computed and checked,
 * sockets bound to ports, ICMP port unreachable for datagrams nobody listens for.
 */
import { finish, pseudoHeaderSum, sum16, verifies } from "./checksum.ts";
import type { Counters } from "./counters.ts";
import { UNREACHABLE_PORT, type Icmp } from "./icmp.ts";
import { IPV4_HEADER_LENGTH, PROTO_UDP, type Ipv4Output, type Ipv4Packet } from "./ipv4.ts";
import { EphemeralPorts } from "./ports.ts";

export const UDP_HEADER_LENGTH = 8;

export interface UdpMessage {
  readonly address: number;
  readonly port: number;
  /** A copy: the receiver may keep it. */
  readonly data: Uint8Array;
  /** Whether it was sent to a broadcast address. */
  readonly broadcast: boolean;
}

export interface UdpSocketOptions {
  /** Local port 1..65535; 0 or absent picks a free dynamic port. */
  readonly port?: number;
  readonly onMessage?: (message: UdpMessage) => void;
}

export class UdpSocket {
  private open = true;
  onMessage: ((message: UdpMessage) => void) | null;

  constructor(
    private readonly layer: Udp,
    readonly port: number,
    onMessage: ((message: UdpMessage) => void) | undefined,
  ) {
    this.onMessage = onMessage ?? null;
  }

  /**
   * Sends one datagram. Returns false when the NIC's queue was full (the datagram is lost, as UDP
   * allows). Throws on a closed socket or a datagram that does not fit one frame.
   */
  send(address: number, port: number, data: Uint8Array): boolean {
    if (!this.open) throw new Error("UDP socket is closed");
    return this.layer.sendFrom(this.port, address, port, data);
  }

  close(): void {
    if (!this.open) return;
    this.open = false;
    this.layer.unbind(this.port);
  }
}

export class Udp {
  private readonly sockets = new Map<number, UdpSocket>();
  /** For sockets bound without a port. */
  private readonly ephemeral: EphemeralPorts;

  constructor(
    private readonly ip: Ipv4Output,
    private readonly icmp: Icmp,
    private readonly counters: Counters,
    private readonly mtu: number,
    random: () => number,
  ) {
    this.ephemeral = new EphemeralPorts(random);
  }

  bind(options: UdpSocketOptions = {}): UdpSocket {
    let port = options.port ?? 0;
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`UDP port must be 0..65535, not ${port}`);
    if (port === 0) port = this.ephemeral.pick((p) => this.sockets.has(p), "UDP");
    else if (this.sockets.has(port)) throw new Error(`UDP port ${port} is already bound`);
    const socket = new UdpSocket(this, port, options.onMessage);
    this.sockets.set(port, socket);
    return socket;
  }

  /** @internal */
  unbind(port: number): void {
    this.sockets.delete(port);
  }

  /** @internal */
  sendFrom(srcPort: number, dst: number, dstPort: number, data: Uint8Array): boolean {
    if (!Number.isInteger(dstPort) || dstPort < 1 || dstPort > 65535) throw new RangeError(`UDP destination port must be 1..65535, not ${dstPort}`);
    const max = this.mtu - IPV4_HEADER_LENGTH - UDP_HEADER_LENGTH;
    if (data.length > max) throw new RangeError(`UDP datagram of ${data.length} bytes exceeds ${max} (no fragmentation)`);
    const length = UDP_HEADER_LENGTH + data.length;
    const src = this.ip.address();
    return this.ip.send(dst, PROTO_UDP, length, (buf, offset) => {
      const v = new DataView(buf.buffer, buf.byteOffset + offset, length);
      v.setUint16(0, srcPort);
      v.setUint16(2, dstPort);
      v.setUint16(4, length);
      buf.set(data, offset + UDP_HEADER_LENGTH);
      // RFC 768: a computed checksum of zero is sent as all ones (zero means "none").
      const c = finish(sum16(buf, offset, length, pseudoHeaderSum(src, dst, PROTO_UDP, length)));
      v.setUint16(6, c === 0 ? 0xffff : c);
    });
  }

  receive(packet: Ipv4Packet): void {
    const data = packet.payload;
    if (data.length < UDP_HEADER_LENGTH) {
      this.counters.add("udp_truncated");
      return;
    }
    const v = new DataView(data.buffer, data.byteOffset, data.length);
    const length = v.getUint16(4);
    if (length < UDP_HEADER_LENGTH || length > data.length) {
      this.counters.add("udp_bad_length");
      return;
    }
    // RFC 768 / RFC 1122 section 4.1.3.4: a zero checksum was not computed; any other must verify.
    if (v.getUint16(6) !== 0 && !verifies(sum16(data, 0, length, pseudoHeaderSum(packet.src, packet.dst, PROTO_UDP, length)))) {
      this.counters.add("udp_bad_checksum");
      return;
    }
    const dstPort = v.getUint16(2);
    const socket = this.sockets.get(dstPort);
    if (!socket) {
      this.counters.add("udp_no_port");
      // RFC 1122 section 4.1.3.1: port unreachable, except for broadcasts (icmp.ts checks).
      this.icmp.unreachable(packet, UNREACHABLE_PORT);
      return;
    }
    if (!socket.onMessage) {
      this.counters.add("udp_no_listener");
      return;
    }
    socket.onMessage({ address: packet.src, port: v.getUint16(0), data: data.slice(UDP_HEADER_LENGTH, length), broadcast: packet.broadcast });
  }
}
