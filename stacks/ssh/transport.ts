/**
 * The transport layer's state machine (RFC 4253): version exchange (4.2), the binary packets
 * (packet.ts), the key exchange and its repetitions (7, 9), service requests (10), and the
 * messages any layer may get (11: DISCONNECT, IGNORE, DEBUG, UNIMPLEMENTED). Message numbers
 * from 50 up go to the layer above (userauth, then connection).
 *
 * Every failure ends here: a parser's SshDisconnect (or any other exception, as PROTOCOL_ERROR)
 * becomes SSH_MSG_DISCONNECT with its reason, then the TCP connection is closed. Nothing is
 * thrown to the caller of receive().
 *
 * Strict kex (OpenSSH PROTOCOL 1.10, the Terrapin countermeasure, CVE-2023-48795): when the
 * client's first KEXINIT names kex-strict-c-v00@openssh.com, the first key exchange takes no
 * other message and each NEWKEYS resets that direction's sequence number to 0.
 */
import { Reason, SshDisconnect, protocolError, type ReasonCode } from "./errors.ts";
import { exchangeHash, negotiate, packetCiphers, parseKexInit, serverKexInit, sharedSecret, STRICT_KEX_CLIENT, type KexInit, type Negotiated } from "./kex.ts";
import type { HostKey } from "./keys.ts";
import { Msg } from "./messages.ts";
import { PacketReader, PacketWriter } from "./packet.ts";
import { SshReader, SshWriter } from "./wire.ts";
import { x25519 } from "@noble/curves/ed25519.js";
import type { PacketCipher } from "./cipher.ts";

export const SERVER_VERSION = "SSH-2.0-tsmetal_1.0";

/** RFC 4253 9: "after each gigabyte of transmitted data, or after each hour of connection time". */
export const REKEY_BYTES = 1 << 30;
export const REKEY_MS = 3600_000;

/** What the transport needs from below: TCP, randomness and a clock. */
export interface TransportHost {
  /** Bytes for the peer, in order. */
  write(bytes: Uint8Array): void;
  /** Close the TCP connection once what was written is sent. */
  close(): void;
  random(n: number): Uint8Array;
  /** Milliseconds, for the hourly rekey. */
  now(): number;
  /** Told once, when the connection ends: why (a disconnect we sent, the peer's, or TCP's). */
  onEnd?(reason: string): void;
}

/** The layer above: gets every message numbered 50 and up, once the first key exchange is done. */
export interface UpperLayer {
  handle(type: number, payload: Uint8Array): void;
  /** The connection is over: drop every channel. */
  ended(): void;
}

type KexState =
  | { phase: "none" }
  /** Both KEXINITs known (or only ours, waiting for the client's), waiting for ECDH_INIT. */
  | { phase: "sent-kexinit"; ours: Uint8Array }
  | { phase: "wait-ecdh"; ours: Uint8Array; theirs: KexInit; n: Negotiated; ignoreNext: boolean }
  | { phase: "wait-newkeys"; next: PacketCipher };

const MAX_VERSION_LINE = 255;
/** Payloads of the layer above held during a key exchange, at most (the channels' output is bounded the same way: channel.ts). */
export const MAX_HELD_BYTES = 256 * 1024;

export class SshTransport {
  private readonly reader = new PacketReader();
  private readonly writer: PacketWriter;
  private versionBuf = "";
  private clientVersion: string | null = null;
  private kex: KexState = { phase: "none" };
  private strict = false;
  private firstKexDone = false;
  private sessionId: Uint8Array | null = null;
  /** Payloads of the layer above held while a key exchange runs (RFC 4253 7.1: only kex messages then). */
  private held: Uint8Array[] = [];
  private heldBytes = 0;
  private bytesSinceKex = 0;
  private kexAt: number;
  private serviceAccepted = false;
  private over = false;
  upper: UpperLayer | null = null;
  /** Called once, when SSH_MSG_SERVICE_REQUEST "ssh-userauth" arrives. */
  onServiceRequest: ((service: string) => boolean) | null = null;

  constructor(
    private readonly host: TransportHost,
    private readonly hostKey: HostKey,
  ) {
    this.writer = new PacketWriter(host.random);
    this.kexAt = host.now();
    host.write(new SshWriter().raw(new TextEncoder().encode(SERVER_VERSION + "\r\n")).bytes());
    this.sendKexInit();
  }

  /** The session identifier: the first exchange hash (RFC 4253 7.2). */
  get id(): Uint8Array {
    if (!this.sessionId) throw new Error("no session identifier before the first key exchange");
    return this.sessionId;
  }

  get closed(): boolean {
    return this.over;
  }

  /** Bytes from TCP. Never throws. */
  receive(bytes: Uint8Array): void {
    if (this.over) return;
    try {
      let data = bytes;
      if (this.clientVersion === null) {
        const rest = this.readVersion(data);
        if (rest === null) return;
        data = rest;
      }
      this.reader.push(data);
      for (;;) {
        if (this.over) return;
        const payload = this.reader.next();
        if (payload === null) break;
        this.bytesSinceKex += payload.length;
        this.dispatch(payload);
      }
      this.maybeRekey();
    } catch (e) {
      this.fail(e);
    }
  }

  /** TCP ended (peer's FIN, reset, timeout). */
  tcpEnded(why: string): void {
    if (this.over) return;
    this.end(`connection ${why}`);
  }

  /** A payload of the layer above; held while a key exchange runs. */
  send(payload: Uint8Array): void {
    if (this.over) return;
    if (this.kex.phase !== "none") {
      this.held.push(payload);
      this.heldBytes += payload.length;
      // A client that never finishes the exchange it started cannot make us hold more than this.
      if (this.heldBytes > MAX_HELD_BYTES) this.disconnect(Reason.PROTOCOL_ERROR, "the key exchange does not finish");
      return;
    }
    this.sendPacket(payload);
    this.maybeRekey();
  }

  /** SSH_MSG_DISCONNECT with `reason`, then the TCP close. */
  disconnect(reason: ReasonCode, description: string): void {
    if (this.over) return;
    try {
      this.sendPacket(new SshWriter().byte(Msg.DISCONNECT).uint32(reason).string(description.slice(0, 200)).string("").bytes());
    } catch {
      // Nothing more can be sent; the TCP close below still ends the connection.
    }
    this.end(`disconnected: ${description}`);
  }

  /** Any exception from the layers: a disconnect with its reason. */
  fail(e: unknown): void {
    if (e instanceof SshDisconnect) this.disconnect(e.reason, e.message);
    else this.disconnect(Reason.PROTOCOL_ERROR, `internal error: ${e instanceof Error ? e.message : String(e)}`);
  }

  private end(reason: string): void {
    this.over = true;
    this.held = [];
    this.upper?.ended();
    this.host.close();
    this.host.onEnd?.(reason);
  }

  private sendPacket(payload: Uint8Array): void {
    this.bytesSinceKex += payload.length;
    this.host.write(this.writer.frame(payload));
  }

  /** RFC 4253 4.2: "SSH-protoversion-softwareversion SP comments CR LF", at most 255 characters; CR is optional in practice. */
  private readVersion(data: Uint8Array): Uint8Array | null {
    for (let i = 0; i < data.length; i++) {
      const c = data[i];
      if (c === 0x0a) {
        const line = this.versionBuf.endsWith("\r") ? this.versionBuf.slice(0, -1) : this.versionBuf;
        if (!line.startsWith("SSH-2.0-") && !line.startsWith("SSH-1.99-")) {
          throw new SshDisconnect(Reason.PROTOCOL_VERSION_NOT_SUPPORTED, "expected an SSH-2.0 identification string");
        }
        this.clientVersion = line;
        return data.subarray(i + 1);
      }
      if (c === 0 || c > 0x7e) throw new SshDisconnect(Reason.PROTOCOL_VERSION_NOT_SUPPORTED, "the identification string is not printable US-ASCII");
      this.versionBuf += String.fromCharCode(c);
      if (this.versionBuf.length > MAX_VERSION_LINE) throw new SshDisconnect(Reason.PROTOCOL_VERSION_NOT_SUPPORTED, "the identification string is longer than 255 characters");
    }
    return null;
  }

  private sendKexInit(): Uint8Array {
    const ours = serverKexInit(this.host.random(16), !this.firstKexDone);
    this.sendPacket(ours);
    this.kex = { phase: "sent-kexinit", ours };
    return ours;
  }

  /** RFC 4253 9: the server starts a new exchange after 1 GiB either way or an hour. */
  private maybeRekey(): void {
    if (this.over || !this.firstKexDone || this.kex.phase !== "none") return;
    if (this.bytesSinceKex >= REKEY_BYTES || this.host.now() - this.kexAt >= REKEY_MS) this.sendKexInit();
  }

  private dispatch(payload: Uint8Array): void {
    const type = payload[0];
    const k = this.kex;
    // The first exchange of a strict-kex connection takes nothing but its own messages (PROTOCOL 1.10).
    const initial = !this.firstKexDone;
    if (k.phase === "wait-ecdh" && k.ignoreNext) {
      this.kex = { ...k, ignoreNext: false };
      return;
    }
    switch (type) {
      case Msg.DISCONNECT:
        return this.peerDisconnect(payload);
      case Msg.IGNORE:
      case Msg.DEBUG:
      case Msg.UNIMPLEMENTED:
        if (initial && (this.strict || this.reader.seq === 1)) throw protocolError(`message ${type} during the initial key exchange`);
        return;
      case Msg.KEXINIT:
        return this.onKexInit(payload);
      case Msg.KEX_ECDH_INIT:
        return this.onEcdhInit(payload);
      case Msg.NEWKEYS:
        return this.onNewKeys(payload);
    }
    if (initial) throw protocolError(`message ${type} before the key exchange finished`);
    if (k.phase === "wait-ecdh" || k.phase === "wait-newkeys") throw protocolError(`message ${type} during a key exchange`);
    if (type === Msg.SERVICE_REQUEST) return this.onServiceRequestMsg(payload);
    if (type >= 50 && type <= 127 && this.serviceAccepted && this.upper) return this.upper.handle(type, payload);
    if (type >= 50 && type <= 127) throw protocolError(`message ${type} before the ssh-userauth service was requested`);
    // RFC 4253 11.4: an unknown message number is answered with UNIMPLEMENTED and its sequence number.
    this.send(new SshWriter().byte(Msg.UNIMPLEMENTED).uint32((this.reader.seq - 1) >>> 0).bytes());
  }

  private peerDisconnect(payload: Uint8Array): void {
    const r = new SshReader(payload);
    r.byte();
    const code = r.uint32("reason code");
    let text = "";
    try {
      text = r.text("description", 1024);
    } catch {
      // The reason is only for the log.
    }
    this.end(`the client disconnected (${code}${text ? ": " + text : ""})`);
  }

  private onKexInit(payload: Uint8Array): void {
    const k = this.kex;
    if (k.phase !== "none" && k.phase !== "sent-kexinit") throw protocolError("KEXINIT during a key exchange");
    if (!this.firstKexDone && this.reader.seq !== 1) throw protocolError("KEXINIT is not the first packet");
    const theirs = parseKexInit(payload);
    if (!this.firstKexDone) this.strict = theirs.kex.includes(STRICT_KEX_CLIENT);
    const ours = k.phase === "sent-kexinit" ? k.ours : this.sendKexInit();
    const n = negotiate(theirs);
    this.kex = { phase: "wait-ecdh", ours, theirs, n, ignoreNext: n.ignoreGuess };
  }

  private onEcdhInit(payload: Uint8Array): void {
    const k = this.kex;
    if (k.phase !== "wait-ecdh") throw protocolError("KEX_ECDH_INIT out of place");
    const r = new SshReader(payload);
    r.byte();
    const clientPublic = r.string("Q_C").slice();
    r.end("KEX_ECDH_INIT");
    if (this.clientVersion === null) throw protocolError("no identification string");
    const secret = this.host.random(32);
    const serverPublic = x25519.getPublicKey(secret);
    const shared = sharedSecret(secret, clientPublic);
    const h = exchangeHash({
      clientVersion: this.clientVersion,
      serverVersion: SERVER_VERSION,
      clientKexInit: k.theirs.payload,
      serverKexInit: k.ours,
      hostKeyBlob: this.hostKey.blob,
      clientPublic,
      serverPublic,
      sharedSecret: shared,
    });
    if (!this.sessionId) this.sessionId = h;
    const { c2s, s2c } = packetCiphers(k.n, shared, h, this.sessionId);
    this.sendPacket(new SshWriter().byte(Msg.KEX_ECDH_REPLY).string(this.hostKey.blob).string(serverPublic).string(this.hostKey.sign(h)).bytes());
    this.sendPacket(new Uint8Array([Msg.NEWKEYS]));
    this.writer.useCipher(s2c);
    if (this.strict) this.writer.seq = 0;
    this.kex = { phase: "wait-newkeys", next: c2s };
  }

  private onNewKeys(payload: Uint8Array): void {
    const k = this.kex;
    if (k.phase !== "wait-newkeys") throw protocolError("NEWKEYS out of place");
    if (payload.length !== 1) throw protocolError("NEWKEYS with a body");
    this.reader.useCipher(k.next);
    if (this.strict) this.reader.seq = 0;
    this.kex = { phase: "none" };
    this.firstKexDone = true;
    this.bytesSinceKex = 0;
    this.kexAt = this.host.now();
    const held = this.held;
    this.held = [];
    this.heldBytes = 0;
    for (const p of held) this.sendPacket(p);
  }

  private onServiceRequestMsg(payload: Uint8Array): void {
    const r = new SshReader(payload);
    r.byte();
    const service = r.text("service name", 64);
    r.end("SERVICE_REQUEST");
    // RFC 4253 10: a service the server does not offer ends the connection.
    if (this.serviceAccepted || !this.onServiceRequest?.(service)) throw new SshDisconnect(Reason.SERVICE_NOT_AVAILABLE, `service ${JSON.stringify(service)} is not available`);
    this.serviceAccepted = true;
    this.send(new SshWriter().byte(Msg.SERVICE_ACCEPT).string(service).bytes());
  }
}
