/**
 * The TCP/IP stack over one NIC: Ethernet, ARP, IPv4, ICMP, UDP and TCP composed, with time,
 * randomness and the NIC injected (so Node runs it in tests, and the firmware passes its timers,
 * its RNG and a driver). Nothing here imports the HAL.
 *
 * The receive path never throws on bad input: every dropped frame is counted in `counters` under
 * its reason. Exceptions thrown by the application's own callbacks do propagate to the caller.
 */
import type { NetworkInterface } from "../../drivers/interfaces/network-interface.ts";
import { BROADCAST_MAC, LIMITED_BROADCAST, parseIpv4 as parseAddress } from "./address.ts";
import { Arp, DEFAULT_ARP_OPTIONS, type ArpOptions } from "./arp.ts";
import { Counters } from "./counters.ts";
import { allocateFrame, ETH_HEADER_LENGTH, ETHERTYPE_ARP, ETHERTYPE_IPV4, parseEthernet, setDestination } from "./ethernet.ts";
import { DEFAULT_ICMP_OPTIONS, Icmp, UNREACHABLE_PROTOCOL, type IcmpOptions, type PingOptions } from "./icmp.ts";
import { IPV4_HEADER_LENGTH, PROTO_ICMP, PROTO_TCP, PROTO_UDP, parseIpv4, writeIpv4Header, type Ipv4Output } from "./ipv4.ts";
import { tcpOptions, type TcpOptionsInput } from "./tcp/options.ts";
import { Tcp, type TcpConnectOptions, type TcpListenOptions, type TcpListener } from "./tcp/tcp.ts";
import type { TcpConnection } from "./tcp/connection.ts";
import type { Clock, TimerScheduler } from "./time.ts";
import { Udp, type UdpSocket, type UdpSocketOptions } from "./udp.ts";

/** An address given as a dotted quad or as an unsigned 32-bit number. */
export type Ipv4Address = string | number;

export interface Ipv4Settings {
  readonly address: Ipv4Address;
  readonly netmask: Ipv4Address;
  /** The default router; 0 or absent for none (then only the local subnet is reachable). */
  readonly gateway?: Ipv4Address;
}

export interface NetStackOptions {
  readonly nic: NetworkInterface;
  readonly clock: Clock;
  readonly timers: TimerScheduler;
  /** A uniformly random unsigned 32-bit integer (ISNs, ports, ICMP identifier). */
  readonly random: () => number;
  /** Static configuration; without it the stack has no address until configure() is called. */
  readonly ipv4?: Ipv4Settings;
  readonly arp?: Partial<ArpOptions>;
  readonly icmp?: Partial<IcmpOptions>;
  readonly tcp?: TcpOptionsInput;
}

function toAddress(a: Ipv4Address, what: string): number {
  if (typeof a === "string") return parseAddress(a);
  if (!Number.isInteger(a) || a < 0 || a > 0xffffffff) throw new RangeError(`${what} must be an IPv4 address, not ${a}`);
  return a;
}

export class NetStack {
  readonly counters = new Counters();
  readonly arp: Arp;
  readonly icmp: Icmp;
  readonly udp: Udp;
  readonly tcp: Tcp;
  /** The injected time and randomness, for the protocols built on the stack (dhcp/, dns/). */
  readonly clock: Clock;
  readonly timers: TimerScheduler;
  readonly random: () => number;
  private readonly nic: NetworkInterface;
  private address = 0;
  private netmask = 0;
  /** What parseIpv4 checks against, one object kept in step with the two fields above (not one per frame). */
  private readonly ipConfig = { address: 0, netmask: 0 };
  private gateway = 0;
  private ipId: number;

  constructor(options: NetStackOptions) {
    const nic = options.nic;
    if (nic.mac.length !== 6) throw new RangeError(`NIC MAC address must be 6 bytes, not ${nic.mac.length}`);
    if (!Number.isInteger(nic.mtu) || nic.mtu < 576 || nic.mtu > 9000) throw new RangeError(`NIC MTU must be 576..9000, not ${nic.mtu}`);
    this.nic = nic;
    this.clock = options.clock;
    this.timers = options.timers;
    this.random = options.random;
    this.ipId = options.random() & 0xffff;
    const ip: Ipv4Output = {
      address: () => this.address,
      send: (dst, protocol, length, fill) => this.sendIpv4(dst, protocol, length, fill),
    };
    this.arp = new Arp(
      { mac: nic.mac, address: () => this.address, transmit: (frame) => this.transmit(frame) },
      options.clock,
      options.timers,
      this.counters,
      { ...DEFAULT_ARP_OPTIONS, ...options.arp },
    );
    this.icmp = new Icmp(ip, options.clock, options.timers, this.counters, options.random, { ...DEFAULT_ICMP_OPTIONS, ...options.icmp });
    this.udp = new Udp(ip, this.icmp, this.counters, nic.mtu, options.random);
    this.tcp = new Tcp(ip, this.counters, options.clock, options.timers, tcpOptions(options.tcp), nic.mtu, options.random);
    if (options.ipv4) this.configure(options.ipv4);
    nic.attach({
      receive: (frame) => this.receive(frame),
      writable: () => this.tcp.writable(),
      link: (up) => {
        // A link that comes back may be another network: forget what was learned on it.
        if (up) this.arp.flush();
        this.counters.add(up ? "link_up" : "link_down");
      },
    });
  }

  /**
   * Sets (or changes) the address, netmask and gateway; the gateway must be on the subnet.
   * Connections open under an old address go on sending from the new one (and so die): close
   * them first.
   */
  configure(settings: Ipv4Settings): void {
    const address = toAddress(settings.address, "address");
    const netmask = toAddress(settings.netmask, "netmask");
    const gateway = toAddress(settings.gateway ?? 0, "gateway");
    // A netmask is contiguous ones (RFC 950 recommends it; RFC 1519 requires it).
    if (((~netmask >>> 0) & ((~netmask >>> 0) + 1)) !== 0) throw new RangeError(`netmask is not contiguous: ${settings.netmask}`);
    if (gateway !== 0 && (gateway & netmask) !== (address & netmask)) throw new RangeError(`gateway ${settings.gateway} is not on the subnet of ${settings.address}`);
    this.address = address;
    this.netmask = netmask;
    this.gateway = gateway;
    this.ipConfig.address = address;
    this.ipConfig.netmask = netmask;
    this.arp.flush();
  }

  /** Drops the address (a DHCP lease ended): until the next configure() only broadcasts go out. */
  unconfigure(): void {
    this.address = 0;
    this.netmask = 0;
    this.gateway = 0;
    this.ipConfig.address = 0;
    this.ipConfig.netmask = 0;
    this.arp.flush();
  }

  /** The NIC's MAC address (DHCP's chaddr). */
  get mac(): Uint8Array {
    return this.nic.mac;
  }

  get ipv4(): { address: number; netmask: number; gateway: number } {
    return { address: this.address, netmask: this.netmask, gateway: this.gateway };
  }

  ping(address: Ipv4Address, options?: PingOptions): Promise<number> {
    return this.icmp.ping(toAddress(address, "ping address"), options);
  }

  udpBind(options?: UdpSocketOptions): UdpSocket {
    return this.udp.bind(options);
  }

  tcpListen(options: TcpListenOptions): TcpListener {
    return this.tcp.listen(options);
  }

  tcpConnect(options: TcpConnectOptions): TcpConnection {
    if (this.address === 0) throw new Error("no IPv4 address configured: call configure() first");
    return this.tcp.connect(options);
  }

  /** A frame from the NIC. */
  receive(frame: Uint8Array): void {
    this.counters.add("rx_frames");
    const eth = parseEthernet(frame, this.nic.mac, this.nic.mtu, this.counters);
    if (!eth) return;
    if (eth.type === ETHERTYPE_ARP) {
      this.arp.receive(eth.payload);
      return;
    }
    const packet = parseIpv4(eth.payload, this.ipConfig, this.counters);
    if (!packet) return;
    if (eth.broadcast && !packet.broadcast) {
      // A unicast datagram in a link broadcast (RFC 1122 section 3.3.6: SHOULD discard).
      this.counters.add("ipv4_unicast_in_link_broadcast");
      return;
    }
    switch (packet.protocol) {
      case PROTO_ICMP:
        this.icmp.receive(packet);
        return;
      case PROTO_UDP:
        this.udp.receive(packet);
        return;
      case PROTO_TCP:
        if (this.address === 0) {
          this.counters.add("tcp_unconfigured");
          return;
        }
        this.tcp.receive(packet);
        return;
      default:
        // RFC 1122 section 3.2.2.1: protocol unreachable.
        this.counters.add("ipv4_unknown_protocol");
        this.icmp.unreachable(packet, UNREACHABLE_PROTOCOL);
    }
  }

  /** RFC 1122 section 3.3.1: on the subnet direct, elsewhere through the gateway. */
  private sendIpv4(dst: number, protocol: number, length: number, fill: (buf: Uint8Array, offset: number) => void): boolean {
    if (IPV4_HEADER_LENGTH + length > this.nic.mtu) throw new RangeError(`IPv4 datagram of ${IPV4_HEADER_LENGTH + length} bytes exceeds the MTU ${this.nic.mtu}`);
    const frame = allocateFrame(IPV4_HEADER_LENGTH + length, this.nic.mac, ETHERTYPE_IPV4);
    const at = ETH_HEADER_LENGTH + IPV4_HEADER_LENGTH;
    fill(frame, at);
    writeIpv4Header(frame, ETH_HEADER_LENGTH, { src: this.address, dst, protocol, payloadLength: length, id: this.ipId });
    this.ipId = (this.ipId + 1) & 0xffff;
    const subnetBroadcast = this.netmask !== 0 ? (this.address | ~this.netmask) >>> 0 : -1;
    if (dst === LIMITED_BROADCAST || dst === subnetBroadcast) {
      setDestination(frame, BROADCAST_MAC);
      return this.transmit(frame);
    }
    if (this.address === 0) {
      this.counters.add("tx_unconfigured");
      return true;
    }
    const onLink = (dst & this.netmask) === (this.address & this.netmask);
    if (!onLink && this.gateway === 0) {
      this.counters.add("tx_no_route");
      return true;
    }
    return this.arp.output(onLink ? dst : this.gateway, frame);
  }

  private transmit(frame: Uint8Array): boolean {
    if (!this.nic.linkUp) {
      this.counters.add("tx_link_down");
      return false;
    }
    const ok = this.nic.send(frame);
    if (ok) this.counters.add("tx_frames");
    else this.counters.add("tx_busy");
    return ok;
  }
}
