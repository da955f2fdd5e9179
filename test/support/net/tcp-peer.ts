/** A scripted TCP peer for frame-level tests: builds segments to the stack, decodes its answers. */
import * as assert from "uvu/assert";
import { parseIpv4 } from "../../../stacks/net/address.ts";
import type { TcpConnection } from "../../../stacks/net/tcp/connection.ts";
import type { TcpOptionsInput } from "../../../stacks/net/tcp/options.ts";
import { decode, ethernet, ipv4, tcp, type DecodedTcp, type TcpFields } from "./frames.ts";
import { HOST_IP, HOST_MAC, makeHost, PEER_IP, PEER_MAC, type Host } from "./host.ts";

export const PEER_PORT = 40000;
export const HOST_PORT = 80;
export const MSS_1460 = [2, 4, 0x05, 0xb4];

export class Peer {
  /** The acknowledgment number segments carry unless given one. */
  ack = 0;

  constructor(
    readonly h: Host,
    readonly port = PEER_PORT,
    readonly hostPort = HOST_PORT,
  ) {}

  /** Delivers one segment from the peer; defaults: ACK flag, window 8192. */
  send(f: Partial<TcpFields> & { seq: number }): void {
    const seg = tcp({ src: PEER_IP, dst: HOST_IP, srcPort: this.port, dstPort: this.hostPort, flags: "A", ack: this.ack, window: 8192, ...f });
    this.h.nic.deliver(ethernet(HOST_MAC, PEER_MAC, 0x0800, ipv4({ src: PEER_IP, dst: HOST_IP, protocol: 6, payload: seg }), true));
  }

  /** Every TCP segment the stack sent since the last call, checked for valid checksums. */
  take(): DecodedTcp[] {
    return this.h.nic.take().map((f) => {
      const d = decode(f);
      assert.ok(d.ip?.headerOk, "IPv4 header checksum");
      assert.ok(d.tcp, "a TCP segment");
      assert.ok(d.tcp.checksumOk, "TCP checksum");
      assert.is(d.dst, PEER_MAC);
      return d.tcp;
    });
  }

  /** Exactly one segment. */
  one(): DecodedTcp {
    const s = this.take();
    assert.is(s.length, 1, `expected one segment, got ${s.map((x) => x.flags + "/" + x.payload.length).join(" ")}`);
    return s[0];
  }
}

export interface Established {
  h: Host;
  peer: Peer;
  conn: TcpConnection;
  /** The peer's next sequence number. */
  peerSeq: number;
  /** The stack's next sequence number. */
  hostSeq: number;
}

/** A host listening on port 80 and a connection the peer opened to it (ISN 1000, MSS 1460). */
export function establish(tcp: TcpOptionsInput = {}, peerWindow = 8192, conn: { noDelay?: boolean; keepAlive?: boolean } = {}, handshakeRttMs = 0): Established {
  const h = makeHost({ tcp }, { resolvePeers: true });
  let accepted: TcpConnection | null = null;
  h.stack.tcpListen({ port: HOST_PORT, onConnection: (c) => (accepted = c), ...conn });
  const peer = new Peer(h);
  peer.send({ seq: 1000, flags: "S", options: MSS_1460, window: peerWindow });
  const synAck = peer.one();
  assert.is(synAck.flags, "SA");
  h.time.advance(handshakeRttMs);
  peer.send({ seq: 1001, ack: synAck.seq + 1, window: peerWindow });
  assert.ok(accepted, "connection accepted");
  assert.is(peer.take().length, 0);
  peer.ack = (synAck.seq + 1) >>> 0;
  return { h, peer, conn: accepted as TcpConnection, peerSeq: 1001, hostSeq: (synAck.seq + 1) >>> 0 };
}

export interface Opening {
  h: Host;
  peer: Peer;
  conn: TcpConnection;
  /** The SYN the stack sent. */
  syn: DecodedTcp;
}

/** A host that has just sent the SYN of an active open from port 5555 to the peer's port 8080. */
export function connectOut(): Opening {
  const h = makeHost({}, { resolvePeers: true });
  const conn = h.stack.tcpConnect({ address: parseIpv4(PEER_IP), port: 8080, localPort: 5555 });
  const peer = new Peer(h, 8080, 5555);
  return { h, peer, conn, syn: peer.one() };
}

export function bytes(n: number, from = 0): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => (from + i) & 0xff);
}
