/** One stack on a fake NIC with fake time: the fixture of the frame-level tests. */
import * as assert from "uvu/assert";
import { parseIpv4 } from "../../../stacks/net/address.ts";
import { NetStack, type NetStackOptions } from "../../../stacks/net/stack.ts";
import { FakeNic } from "./fake-nic.ts";
import { FakeTime, seededRandom } from "./fake-time.ts";
import { decode, mac } from "./frames.ts";

export const HOST_MAC = "02:00:00:00:00:01";
export const HOST_IP = "10.0.2.15";
export const GATEWAY_MAC = "52:55:0a:00:02:02";
export const GATEWAY_IP = "10.0.2.2";
export const PEER_MAC = "52:54:00:aa:bb:cc";
export const PEER_IP = "10.0.2.20";

export interface Host {
  time: FakeTime;
  nic: FakeNic;
  stack: NetStack;
}

/** A UDP datagram the host sent, addresses as text. */
export interface SentDatagram {
  dstMac: string;
  src: string;
  dst: string;
  srcPort: number;
  dstPort: number;
  payload: Uint8Array;
}

/** Every frame the host sent since the last call, each asserted to be UDP over IPv4 with valid checksums. */
export function sentDatagrams(h: Host): SentDatagram[] {
  return h.nic.take().map((f) => {
    const d = decode(f);
    assert.ok(d.ip?.headerOk, "IPv4 header checksum");
    assert.ok(d.udp?.checksumOk, "UDP checksum");
    return { dstMac: d.dst, src: d.ip!.src, dst: d.ip!.dst, srcPort: d.udp!.srcPort, dstPort: d.udp!.dstPort, payload: d.udp!.payload };
  });
}

export function makeHost(overrides: Partial<Omit<NetStackOptions, "nic" | "clock" | "timers">> = {}, options: { resolvePeers?: boolean; mtu?: number } = {}): Host {
  const time = new FakeTime();
  const nic = new FakeNic(Uint8Array.from(mac(HOST_MAC)), options.mtu ?? 1500);
  const stack = new NetStack({
    nic,
    clock: time,
    timers: time,
    random: seededRandom(7),
    ipv4: { address: HOST_IP, netmask: "255.255.255.0", gateway: GATEWAY_IP },
    ...overrides,
  });
  if (options.resolvePeers ?? false) {
    stack.arp.addStatic(parseIpv4(GATEWAY_IP), Uint8Array.from(mac(GATEWAY_MAC)));
    stack.arp.addStatic(parseIpv4(PEER_IP), Uint8Array.from(mac(PEER_MAC)));
  }
  return { time, nic, stack };
}
