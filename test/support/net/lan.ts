/**
 * A small slirp-like LAN in fake time for the tests of io/net: a hub joining the NIC under test
 * to two peer NetStacks, the gateway 10.0.2.2 (a DHCP server on UDP 67 offering 10.0.2.15/24,
 * router 10.0.2.2, DNS 10.0.2.3, as slirp does) and the DNS server 10.0.2.3 (A records from a
 * table, NXDOMAIN for other names). Tests use the gateway's stack as the TCP/UDP peer. The hub
 * can lose and reorder frames, deterministically from a seed.
 */
import { parseIpv4 } from "../../../stacks/net/address.ts";
import { readHeader, readQuestion } from "../../../stacks/net/dns/message.ts";
import { NetStack } from "../../../stacks/net/stack.ts";
import type { UdpMessage, UdpSocket } from "../../../stacks/net/udp.ts";
import { FakeNic } from "./fake-nic.ts";
import { FakeTime, seededRandom } from "./fake-time.ts";
import { ip, mac, u16, u32 } from "./frames.ts";

export const CLIENT_MAC = "02:00:00:00:00:01";
export const GATEWAY_MAC = "52:55:0a:00:02:02";
export const DNS_MAC = "52:55:0a:00:02:03";
export const GATEWAY = "10.0.2.2";
export const DNS_SERVER = "10.0.2.3";
export const OFFERED = "10.0.2.15";

/** DHCP message types (RFC 2132 section 9.6). */
const DISCOVER = 1;
const OFFER = 2;
const REQUEST = 3;
const ACK = 5;

export interface DhcpServerState {
  /** While false the server ignores everything (a network without DHCP). */
  answering: boolean;
  leaseSeconds: number;
  dns: string[];
  /** Requests seen, by type. */
  readonly seen: number[];
}

export class Lan {
  readonly time = new FakeTime();
  readonly nic = new FakeNic(Uint8Array.from(mac(CLIENT_MAC)));
  readonly gateway: NetStack;
  readonly dnsServer: NetStack;
  readonly dhcp: DhcpServerState = { answering: true, leaseSeconds: 1000, dns: [DNS_SERVER], seen: [] };
  /** Names the DNS server knows. */
  readonly names = new Map<string, string>();
  dnsQueries = 0;
  private readonly nics: FakeNic[] = [];

  /** Frames the hub lost or held back (with `impairment`). */
  readonly stats = { frames: 0, lost: 0, reordered: 0 };
  private readonly chance: () => number;

  /**
   * `delayMs` one way; `impairment` loses and reorders frames (as link.ts's LossyLink, seeded),
   * deterministically from `seed`.
   */
  constructor(
    readonly delayMs = 1,
    private readonly impairment: { loss: number; reorder: number; seed: number } = { loss: 0, reorder: 0, seed: 1 },
  ) {
    const rnd = seededRandom(impairment.seed);
    this.chance = () => rnd() / 0x100000000;
    const gatewayNic = new FakeNic(Uint8Array.from(mac(GATEWAY_MAC)));
    const dnsNic = new FakeNic(Uint8Array.from(mac(DNS_MAC)));
    for (const n of [this.nic, gatewayNic, dnsNic]) this.plug(n);
    this.gateway = new NetStack({ nic: gatewayNic, clock: this.time, timers: this.time, random: seededRandom(11), ipv4: { address: GATEWAY, netmask: "255.255.255.0" } });
    this.dnsServer = new NetStack({ nic: dnsNic, clock: this.time, timers: this.time, random: seededRandom(12), ipv4: { address: DNS_SERVER, netmask: "255.255.255.0" } });
    const dhcpSocket: UdpSocket = this.gateway.udpBind({ port: 67, onMessage: (m) => this.dhcpRequest(dhcpSocket, m) });
    const dnsSocket: UdpSocket = this.dnsServer.udpBind({ port: 53, onMessage: (m) => this.dnsQuery(dnsSocket, m) });
  }

  /** A hub: what one NIC sends reaches every other after the delay (each filters by MAC). */
  private plug(nic: FakeNic): void {
    this.nics.push(nic);
    nic.onSend = (frame) => {
      nic.sent.length = 0;
      this.stats.frames++;
      let delay = this.delayMs;
      if (this.impairment.loss > 0 || this.impairment.reorder > 0) {
        if (this.chance() < this.impairment.loss) {
          this.stats.lost++;
          return;
        }
        if (this.chance() < this.impairment.reorder) {
          this.stats.reordered++;
          delay += 1 + Math.floor(this.chance() * 4 * this.delayMs);
        }
      }
      for (const other of this.nics) if (other !== nic) this.time.set(delay, () => other.deliver(frame.slice()));
    };
  }

  /** RFC 2131: OFFER for a DISCOVER, ACK for a REQUEST, broadcast to port 68. */
  private dhcpRequest(socket: UdpSocket, m: UdpMessage): void {
    const d = m.data;
    if (d.length < 240 || d[0] !== 1) return;
    let type = 0;
    for (let i = 240; i < d.length && d[i] !== 255; ) {
      if (d[i] === 0) {
        i++;
        continue;
      }
      if (d[i] === 53) type = d[i + 2];
      i += 2 + d[i + 1];
    }
    this.dhcp.seen.push(type);
    if (!this.dhcp.answering) return;
    if (type !== DISCOVER && type !== REQUEST) return;
    const reply = [
      2, 1, 6, 0, // op BOOTREPLY, htype, hlen, hops
      ...Array.from(d.subarray(4, 8)), // xid
      0, 0, 0x80, 0, // secs, flags BROADCAST
      ...Array.from(d.subarray(12, 16)), // ciaddr
      ...ip(OFFERED), // yiaddr
      ...ip(GATEWAY), // siaddr
      0, 0, 0, 0, // giaddr
      ...Array.from(d.subarray(28, 44)), // chaddr
      ...new Array<number>(192).fill(0), // sname, file
      99, 130, 83, 99,
      53, 1, type === DISCOVER ? OFFER : ACK,
      54, 4, ...ip(GATEWAY),
      51, 4, ...u32(this.dhcp.leaseSeconds),
      1, 4, ...ip("255.255.255.0"),
      3, 4, ...ip(GATEWAY),
      6, 4 * this.dhcp.dns.length, ...this.dhcp.dns.flatMap(ip),
      255,
    ];
    socket.send(parseIpv4("255.255.255.255"), 68, Uint8Array.from(reply));
  }

  /** RFC 1035 section 4.1: one A record (TTL 60) for a known name, else NXDOMAIN. */
  private dnsQuery(socket: UdpSocket, m: UdpMessage): void {
    const header = readHeader(m.data);
    const question = readQuestion(m.data);
    if (!header || typeof question === "string") return;
    this.dnsQueries++;
    const answer = this.names.get(question.name);
    const q = Array.from(m.data.subarray(12, question.next));
    const flags = answer ? 0x8180 : 0x8183;
    const reply = [...u16(header.id), ...u16(flags), ...u16(1), ...u16(answer ? 1 : 0), ...u16(0), ...u16(0), ...q];
    if (answer) reply.push(0xc0, 12, ...u16(1), ...u16(1), ...u32(60), ...u16(4), ...ip(answer));
    socket.send(m.address, m.port, Uint8Array.from(reply));
  }

  /** Moves fake time on in steps, letting promise jobs run between them, until `done()` or `limitMs`. */
  async until(done: () => boolean, limitMs: number, stepMs = 1): Promise<void> {
    const end = this.time.now() + limitMs;
    for (;;) {
      await flush();
      if (done()) return;
      if (this.time.now() >= end) throw new Error(`condition not reached within ${limitMs} ms of fake time`);
      this.time.advance(stepMs);
    }
  }

  /** Moves fake time on by `ms`, running promise jobs between steps. */
  async run(ms: number, stepMs = 1): Promise<void> {
    const end = this.time.now() + ms;
    while (this.time.now() < end) {
      this.time.advance(Math.min(stepMs, end - this.time.now()));
      await flush();
    }
  }
}

/** Lets every queued promise job run. */
export function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
