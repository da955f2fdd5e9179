/**
 * QEMU's real user-mode network (slirp) as the peer of a stack running in Node, with no guest:
 * `qemu-system-x86_64 -M none` with `-netdev user` and `-netdev socket,udp=…` joined by a hub,
 * so that slirp's Ethernet frames travel as UDP datagrams between QEMU and a Node dgram socket
 * (one frame a datagram, no header; QEMU's net/socket.c). `SlirpPeer.nic` is a NetworkInterface
 * over that socket, optionally through a seeded lossy, reordering hop (impairment.ts) both ways.
 * slirp's addresses: gateway and host 10.0.2.2 (its TCP and UDP reach the host's 127.0.0.1),
 * DNS 10.0.2.3, DHCP offers 10.0.2.15 (docs in ../shared notes; QEMU's slirp documentation).
 *
 * QEMU is always killed: after `timeoutS` whatever happens, on stop(), and if Node exits first.
 */
import { spawn, type ChildProcess } from "node:child_process";
import dgram from "node:dgram";
import type { NetworkInterface, NetworkInterfaceEvents } from "../../../drivers/interfaces/network-interface.ts";
import { targetFor } from "../../../tools/lib/targets.ts";
import { requireTool } from "../../../tools/lib/toolchain.ts";
import { Impairment, type ImpairmentOptions } from "./impairment.ts";

export interface SlirpPeerOptions {
  /** QEMU is killed this long after the start, whatever the test is doing. */
  readonly timeoutS: number;
  /** The NIC's MAC address (default 52:54:00:12:34:56, QEMU's default for a guest). */
  readonly mac?: Uint8Array;
  /** Impairs both directions; the frames towards QEMU use `seed`, those from it `seed + 1`. */
  readonly impairment?: ImpairmentOptions;
}

const LOCALHOST = "127.0.0.1";
/** How long QEMU gets to answer the first ARP request before the start counts as failed. */
const READY_TIMEOUT_MS = 5000;
/** QEMU fails to start when another process took its port between our probe and its bind. */
const START_ATTEMPTS = 3;
const GATEWAY = [10, 0, 2, 2];

/** A free UDP port on 127.0.0.1 (free when asked: QEMU binds it a moment later). */
async function freePort(): Promise<number> {
  const s = dgram.createSocket("udp4");
  await new Promise<void>((resolve, reject) => {
    s.once("error", reject);
    s.bind(0, LOCALHOST, resolve);
  });
  const port = s.address().port;
  await new Promise<void>((resolve) => s.close(resolve));
  return port;
}

/** An ARP request for the gateway (RFC 826) with sender address 0.0.0.0, which slirp answers without learning it. */
function arpProbe(mac: Uint8Array): Uint8Array {
  const f = new Uint8Array(60);
  const v = new DataView(f.buffer);
  f.fill(0xff, 0, 6);
  f.set(mac, 6);
  v.setUint16(12, 0x0806);
  v.setUint16(14, 1); // Ethernet
  v.setUint16(16, 0x0800); // IPv4
  f[18] = 6;
  f[19] = 4;
  v.setUint16(20, 1); // request
  f.set(mac, 22);
  f.set(GATEWAY, 38);
  return f;
}

function isGatewayArpReply(f: Uint8Array): boolean {
  return f.length >= 42 && f[12] === 0x08 && f[13] === 0x06 && f[20] === 0 && f[21] === 2 && GATEWAY.every((b, i) => f[28 + i] === b);
}

/** The NetworkInterface over the dgram socket. It never refuses a frame: the socket queues. */
class DgramNic implements NetworkInterface {
  readonly mtu = 1500;
  readonly stats = { sent: 0, received: 0 };
  private events: NetworkInterfaceEvents | null = null;
  private up = true;

  constructor(
    readonly mac: Uint8Array,
    private readonly out: (frame: Uint8Array) => void,
  ) {}

  get linkUp(): boolean {
    return this.up;
  }

  send(frame: Uint8Array): boolean {
    if (!this.up) return false;
    this.stats.sent++;
    this.out(frame);
    return true;
  }

  attach(events: NetworkInterfaceEvents): void {
    this.events = events;
  }

  /** A frame from the hop, to the stack. */
  receive(frame: Uint8Array): void {
    this.stats.received++;
    this.events?.receive(frame);
  }

  down(): void {
    if (!this.up) return;
    this.up = false;
    this.events?.link(false);
  }
}

export class SlirpPeer {
  /** Frames towards QEMU and from it, when impaired. */
  readonly toSlirp: Impairment | null;
  readonly fromSlirp: Impairment | null;
  readonly nic: DgramNic;
  private stderr = "";
  private stopped = false;
  private stopping: Promise<void> | null = null;
  private failure: Error | null = null;
  private readonly failed: Promise<never>;
  private fail!: (e: Error) => void;
  private readonly killTimer: NodeJS.Timeout;
  private readonly killOnExit = () => this.child.kill("SIGKILL");
  private readyWaiter: (() => void) | null = null;

  private constructor(
    private readonly child: ChildProcess,
    private readonly socket: dgram.Socket,
    private readonly qemuPort: number,
    mac: Uint8Array,
    options: SlirpPeerOptions,
  ) {
    this.failed = new Promise<never>((_, reject) => (this.fail = reject));
    // Nobody may be waiting when QEMU dies: the rejection is seen by the next within().
    this.failed.catch(() => {});
    const toQemu = (frame: Uint8Array) => this.sendRaw(frame);
    const imp = options.impairment;
    this.toSlirp = imp ? new Impairment(imp, toQemu) : null;
    this.fromSlirp = imp ? new Impairment({ ...imp, seed: imp.seed + 1 }, (f) => this.toStack(f)) : null;
    this.nic = new DgramNic(mac, (f) => (this.toSlirp ? this.toSlirp.pass(f) : toQemu(f)));
    socket.on("message", (msg, from) => {
      if (from.port !== qemuPort || from.address !== LOCALHOST) return;
      const frame = new Uint8Array(msg.buffer, msg.byteOffset, msg.length);
      if (this.readyWaiter) {
        if (isGatewayArpReply(frame)) this.readyWaiter();
        return;
      }
      if (this.fromSlirp) this.fromSlirp.pass(frame);
      else this.toStack(frame);
    });
    socket.on("error", (e) => this.abort(new Error(`slirp peer socket: ${e.message}`)));
    child.stderr!.setEncoding("utf8").on("data", (c: string) => (this.stderr += c));
    // "close", not "exit": by then QEMU's last words (why it failed) have been read.
    child.on("close", (code, signal) => this.abort(new Error(`QEMU (slirp peer) exited (${signal ?? `code ${code}`}) before stop():\n${this.stderr}`)));
    child.on("error", (e) => this.abort(new Error(`QEMU (slirp peer) could not run: ${e.message}`)));
    this.killTimer = setTimeout(() => this.abort(new Error(`slirp peer: timed out after ${options.timeoutS} s`)), options.timeoutS * 1000);
    process.on("exit", this.killOnExit);
  }

  /** Starts QEMU and waits until slirp answers an ARP request over the socket (unimpaired). */
  static async start(options: SlirpPeerOptions): Promise<SlirpPeer> {
    if (!(options.timeoutS > 0)) throw new RangeError(`slirp peer timeoutS must be positive, not ${options.timeoutS}`);
    const mac = options.mac ?? Uint8Array.of(0x52, 0x54, 0x00, 0x12, 0x34, 0x56);
    if (mac.length !== 6) throw new RangeError(`slirp peer MAC must be 6 bytes, not ${mac.length}`);
    // Names the Debian package when QEMU is missing (a failure, never a skip).
    const qemu = await requireTool(targetFor("amd64").qemu);
    let last: Error | null = null;
    for (let attempt = 0; attempt < START_ATTEMPTS; attempt++) {
      const socket = dgram.createSocket("udp4");
      await new Promise<void>((resolve) => socket.bind(0, LOCALHOST, resolve));
      const qemuPort = await freePort();
      const args = [
        "-M", "none", "-nodefaults", "-display", "none", "-monitor", "none", "-serial", "none",
        "-netdev", "user,id=u0",
        "-netdev", `socket,id=s0,udp=${LOCALHOST}:${socket.address().port},localaddr=${LOCALHOST}:${qemuPort}`,
        "-netdev", "hubport,id=p0,hubid=0,netdev=u0",
        "-netdev", "hubport,id=p1,hubid=0,netdev=s0",
      ];
      const child = spawn(qemu, args, { stdio: ["ignore", "ignore", "pipe"] });
      const peer = new SlirpPeer(child, socket, qemuPort, mac, options);
      try {
        await peer.ready();
        return peer;
      } catch (e) {
        last = e as Error;
        await peer.stop();
        if (!/Address already in use/.test(last.message)) break;
      }
    }
    throw last ?? new Error("slirp peer did not start");
  }

  /** Waits for `p`, failing if it takes longer than `ms`, or QEMU exits, or the stack threw on a frame. */
  async within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: not done within ${ms} ms`)), ms);
    });
    try {
      return await Promise.race([p, late, this.failed]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Kills QEMU (if running), closes the socket and the hop; the NIC's link goes down. */
  stop(): Promise<void> {
    this.stopping ??= this.teardown();
    return this.stopping;
  }

  private async teardown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.killTimer);
    process.off("exit", this.killOnExit);
    this.toSlirp?.close();
    this.fromSlirp?.close();
    this.nic.down();
    const exited = this.child.exitCode !== null || this.child.signalCode !== null ? Promise.resolve() : new Promise<void>((resolve) => this.child.once("close", () => resolve()));
    this.child.kill("SIGKILL");
    await exited;
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
  }

  private async ready(): Promise<void> {
    const probe = arpProbe(this.nic.mac);
    const answered = new Promise<void>((resolve) => (this.readyWaiter = resolve));
    const resend = setInterval(() => this.sendRaw(probe), 100);
    this.sendRaw(probe);
    try {
      await this.within(answered, READY_TIMEOUT_MS, "slirp peer: ARP answer from 10.0.2.2");
    } finally {
      clearInterval(resend);
      this.readyWaiter = null;
    }
  }

  /** One frame to QEMU, unless stopped (the socket is closed then). */
  private sendRaw(frame: Uint8Array): void {
    if (!this.stopped) this.socket.send(frame, this.qemuPort, LOCALHOST);
  }

  private toStack(frame: Uint8Array): void {
    if (this.stopped) return;
    try {
      this.nic.receive(frame);
    } catch (e) {
      // A throwing application callback: fail the waits rather than crash the test process.
      this.abort(e instanceof Error ? e : new Error(String(e)));
    }
  }

  /** Fails every wait, now and later, and tears down: nothing is left running after a failure. */
  private abort(e: Error): void {
    if (this.failure || this.stopped) return;
    this.failure = e;
    this.fail(e);
    void this.stop();
  }
}
