/**
 * A minimal SSH client for frame-by-frame tests of stacks/ssh, built on Node's crypto only (X25519,
 * Ed25519, SHA-256, ChaCha20, AES-GCM) and a BigInt Poly1305 (RFC 8439 2.5), so that it shares
 * no code with the server it checks: the version line, KEXINIT, the curve25519-sha256 exchange
 * with the host signature verified over an exchange hash computed here, NEWKEYS, then packets
 * under chacha20-poly1305@openssh.com or aes128-gcm@openssh.com. The server runs in the same
 * process (server-connection.ts over a collecting host); everything is synchronous.
 */
import { createCipheriv, createDecipheriv, createHash, createPublicKey, diffieHellman, generateKeyPairSync, randomBytes, sign, verify, type KeyObject } from "node:crypto";
import { sshConnection, type ConnectionOptions } from "../../stacks/ssh/server-connection.ts";
import type { SshTransport } from "../../stacks/ssh/transport.ts";

export const CLIENT_VERSION = "SSH-2.0-TestClient_1.0";

// ---- encoding (RFC 4251 5), written again here ----
export const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
};
export const str = (s: string | Uint8Array) => {
  const b = typeof s === "string" ? Buffer.from(s) : Buffer.from(s);
  return Buffer.concat([u32(b.length), b]);
};
export const byte = (n: number) => Buffer.from([n]);
export const bool = (v: boolean) => byte(v ? 1 : 0);
export function mpint(unsigned: Uint8Array): Buffer {
  let b = Buffer.from(unsigned);
  while (b.length > 0 && b[0] === 0) b = b.subarray(1);
  if (b.length > 0 && b[0] & 0x80) b = Buffer.concat([byte(0), b]);
  return Buffer.concat([u32(b.length), b]);
}

export class Reader {
  at = 0;
  constructor(readonly b: Buffer) {}
  byte() {
    return this.b[this.at++];
  }
  u32() {
    const v = this.b.readUInt32BE(this.at);
    this.at += 4;
    return v;
  }
  bytes(n: number) {
    const v = this.b.subarray(this.at, this.at + n);
    this.at += n;
    return v;
  }
  str() {
    return this.bytes(this.u32());
  }
  text() {
    return this.str().toString();
  }
}

// ---- Poly1305 (RFC 8439 2.5.1), in BigInt ----
export function poly1305(msg: Uint8Array, key: Uint8Array): Buffer {
  const le = (b: Uint8Array) => BigInt("0x" + (Buffer.from(b).reverse().toString("hex") || "0"));
  const r = le(key.subarray(0, 16)) & 0x0ffffffc0ffffffc0ffffffc0fffffffn;
  const s = le(key.subarray(16, 32));
  const p = (1n << 130n) - 5n;
  let acc = 0n;
  for (let i = 0; i < msg.length; i += 16) {
    const block = Buffer.concat([Buffer.from(msg.subarray(i, i + 16)), byte(1)]);
    acc = ((acc + le(block)) * r) % p;
  }
  acc = (acc + s) & ((1n << 128n) - 1n);
  return Buffer.from(acc.toString(16).padStart(32, "0"), "hex").reverse();
}

/** DJB's ChaCha20 (64-bit nonce, 64-bit counter) through Node's IETF chacha20: its 16-byte IV is the state's words 12-15. */
export function chacha20djb(key: Uint8Array, seq: number, counter: number, data: Uint8Array): Buffer {
  const iv = Buffer.concat([Buffer.from([counter, 0, 0, 0, 0, 0, 0, 0]), Buffer.alloc(4), u32(seq)]);
  const c = createCipheriv("chacha20", key, iv);
  return Buffer.concat([c.update(data), c.final()]);
}

interface Dir {
  seal(plain: Buffer, seq: number): Buffer;
  length(head: Buffer, seq: number): number;
  open(packet: Buffer, seq: number): Buffer;
  tag: number;
  block: number;
}

function chachaDir(key: Buffer): Dir {
  const k2 = key.subarray(0, 32);
  const k1 = key.subarray(32, 64);
  return {
    tag: 16,
    block: 8,
    seal(plain, seq) {
      const body = Buffer.concat([chacha20djb(k1, seq, 0, plain.subarray(0, 4)), chacha20djb(k2, seq, 1, plain.subarray(4))]);
      return Buffer.concat([body, poly1305(body, chacha20djb(k2, seq, 0, Buffer.alloc(32)))]);
    },
    length: (head, seq) => chacha20djb(k1, seq, 0, head.subarray(0, 4)).readUInt32BE(0),
    open(packet, seq) {
      const body = packet.subarray(0, packet.length - 16);
      if (!poly1305(body, chacha20djb(k2, seq, 0, Buffer.alloc(32))).equals(packet.subarray(packet.length - 16))) throw new Error("client: bad MAC from the server");
      return chacha20djb(k2, seq, 1, body.subarray(4));
    },
  };
}

function gcmDir(key: Buffer, iv: Buffer): Dir {
  const nonce = Buffer.from(iv);
  const next = () => {
    const n = Buffer.from(nonce);
    nonce.writeBigUInt64BE((nonce.readBigUInt64BE(4) + 1n) & 0xffffffffffffffffn, 4);
    return n;
  };
  return {
    tag: 16,
    block: 16,
    seal(plain) {
      const c = createCipheriv("aes-128-gcm", key, next());
      c.setAAD(plain.subarray(0, 4));
      const ct = Buffer.concat([c.update(plain.subarray(4)), c.final()]);
      return Buffer.concat([plain.subarray(0, 4), ct, c.getAuthTag()]);
    },
    length: (head) => head.readUInt32BE(0),
    open(packet) {
      const d = createDecipheriv("aes-128-gcm", key, next());
      d.setAAD(packet.subarray(0, 4));
      d.setAuthTag(packet.subarray(packet.length - 16));
      return Buffer.concat([d.update(packet.subarray(4, packet.length - 16)), d.final()]);
    },
  };
}

const NONE: Dir = {
  tag: 0,
  block: 8,
  seal: (p) => p,
  length: (h) => h.readUInt32BE(0),
  open: (p) => p.subarray(4),
};

export interface ClientKey {
  readonly privateKey: KeyObject;
  /** The ssh-ed25519 public key blob. */
  readonly blob: Buffer;
  /** The authorized_keys line. */
  readonly line: string;
}

export function clientKey(): ClientKey {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  const raw = publicKey.export({ format: "der", type: "spki" }).subarray(12);
  const blob = Buffer.concat([str("ssh-ed25519"), str(raw)]);
  return { privateKey, blob, line: `ssh-ed25519 ${blob.toString("base64")} test` };
}

export function kexInitPayload(o: { kex?: string[]; ciphers?: string[]; hostKey?: string[]; firstFollows?: boolean } = {}): Buffer {
  const list = (l: string[]) => str(l.join(","));
  const ciphers = o.ciphers ?? ["chacha20-poly1305@openssh.com"];
  return Buffer.concat([
    byte(20),
    randomBytes(16),
    list(o.kex ?? ["curve25519-sha256", "kex-strict-c-v00@openssh.com"]),
    list(o.hostKey ?? ["ssh-ed25519"]),
    list(ciphers),
    list(ciphers),
    list(["hmac-sha2-256"]),
    list(["hmac-sha2-256"]),
    list(["none"]),
    list(["none"]),
    list([]),
    list([]),
    bool(o.firstFollows ?? false),
    u32(0),
  ]);
}

/** A server and a client talking in memory. */
export class TestClient {
  readonly server: SshTransport;
  /** Bytes from the server not yet parsed. */
  private inbox = Buffer.alloc(0);
  serverVersion: string | null = null;
  serverClosed = false;
  ended: string | null = null;
  private rx: Dir = NONE;
  private tx: Dir = NONE;
  rxSeq = 0;
  txSeq = 0;
  sessionId: Buffer | null = null;
  hostKeyBlob: Buffer | null = null;
  /** Payloads from the server, in order. */
  readonly received: Buffer[] = [];

  /** The server's clock (milliseconds); tests move it to reach the hourly rekey. */
  clock = Date.now();

  constructor(options: ConnectionOptions) {
    this.server = sshConnection(
      {
        write: (b) => {
          this.inbox = Buffer.concat([this.inbox, Buffer.from(b)]);
        },
        close: () => {
          this.serverClosed = true;
        },
        random: (n) => new Uint8Array(randomBytes(n)),
        now: () => this.clock,
        onEnd: (r) => {
          this.ended = r;
        },
      },
      options,
    );
  }

  sendRaw(b: Uint8Array): void {
    this.server.receive(new Uint8Array(b));
  }

  /** One packet with `payload`, framed and sealed as a client would. */
  frame(payload: Buffer): Buffer {
    const aead = this.tx !== NONE;
    const base = (aead ? 1 : 5) + payload.length;
    let pad = this.tx.block - (base % this.tx.block);
    if (pad < 4) pad += this.tx.block;
    const plain = Buffer.concat([u32(1 + payload.length + pad), byte(pad), payload, randomBytes(pad)]);
    const out = this.tx.seal(plain, this.txSeq);
    this.txSeq = (this.txSeq + 1) >>> 0;
    return out;
  }

  send(payload: Buffer): void {
    this.sendRaw(this.frame(payload));
  }

  /** Parses what the server sent; returns the new payloads. */
  pump(): Buffer[] {
    const out: Buffer[] = [];
    if (this.serverVersion === null) {
      const nl = this.inbox.indexOf("\n");
      if (nl < 0) return out;
      this.serverVersion = this.inbox.subarray(0, nl).toString().replace(/\r$/, "");
      this.inbox = this.inbox.subarray(nl + 1);
    }
    for (;;) {
      if (this.inbox.length < 4) break;
      const len = this.rx.length(this.inbox, this.rxSeq);
      const total = 4 + len + this.rx.tag;
      if (this.inbox.length < total) break;
      const plain = this.rx.open(this.inbox.subarray(0, total), this.rxSeq);
      this.inbox = this.inbox.subarray(total);
      this.rxSeq = (this.rxSeq + 1) >>> 0;
      const payload = plain.subarray(1, plain.length - plain[0]);
      out.push(payload);
      this.received.push(payload);
    }
    return out;
  }

  /** Whether the first exchange was strict (the client offered kex-strict-c-v00@openssh.com). */
  strict = false;

  /** Version (unless `rekey`), KEXINIT, ECDH, NEWKEYS; checks the host signature. */
  handshake(o: { cipher?: string; strict?: boolean; rekey?: boolean; serverKexInit?: Buffer } = {}): void {
    const cipher = o.cipher ?? "chacha20-poly1305@openssh.com";
    if (!o.rekey) {
      this.sendRaw(Buffer.from(CLIENT_VERSION + "\r\n"));
      this.strict = o.strict !== false;
    }
    const ours = kexInitPayload({ ciphers: [cipher], kex: o.rekey || !this.strict ? ["curve25519-sha256"] : undefined });
    this.send(ours);
    const serverKexInit = o.serverKexInit ?? this.pump()[0];
    if (serverKexInit?.[0] !== 20) throw new Error("client: no KEXINIT from the server");
    const { privateKey, publicKey } = generateKeyPairSync("x25519");
    const qc = publicKey.export({ format: "der", type: "spki" }).subarray(12);
    this.send(Buffer.concat([byte(30), str(qc)]));
    const [reply, newkeys] = this.pump();
    if (reply?.[0] !== 31 || newkeys?.[0] !== 21) throw new Error(`client: expected KEX_ECDH_REPLY and NEWKEYS, got ${reply?.[0]} ${newkeys?.[0]}`);
    const r = new Reader(reply);
    r.byte();
    const ks = r.str();
    const qs = r.str();
    const sigBlob = r.str();
    const spki = (raw: Buffer, prefix: string) => createPublicKey({ key: Buffer.concat([Buffer.from(prefix, "hex"), raw]), format: "der", type: "spki" });
    const k = diffieHellman({ privateKey, publicKey: spki(qs, "302a300506032b656e032100") });
    const h = createHash("sha256")
      .update(Buffer.concat([str(CLIENT_VERSION), str(this.serverVersion!), str(ours), str(serverKexInit), str(ks), str(qc), str(qs), mpint(k)]))
      .digest();
    const kr = new Reader(ks);
    if (kr.text() !== "ssh-ed25519") throw new Error("client: host key type");
    const hostPub = kr.str();
    const sr = new Reader(sigBlob);
    if (sr.text() !== "ssh-ed25519") throw new Error("client: signature type");
    if (!verify(null, h, spki(hostPub, "302a300506032b6570032100"), sr.str())) throw new Error("client: the host signature does not verify");
    this.hostKeyBlob = ks;
    if (!this.sessionId) this.sessionId = h;
    const derive = (letter: string, n: number) => {
      let out = createHash("sha256").update(Buffer.concat([mpint(k), h, Buffer.from(letter), this.sessionId!])).digest();
      while (out.length < n) out = Buffer.concat([out, createHash("sha256").update(Buffer.concat([mpint(k), h, out])).digest()]);
      return out.subarray(0, n);
    };
    const dir = (ivL: string, keyL: string) => (cipher.startsWith("chacha") ? chachaDir(derive(keyL, 64)) : gcmDir(derive(keyL, 16), derive(ivL, 12)));
    this.send(byte(21));
    this.tx = dir("A", "C");
    this.rx = dir("B", "D");
    // Strict kex resets both sequence numbers at every NEWKEYS (OpenSSH PROTOCOL 1.10).
    if (this.strict) {
      this.txSeq = 0;
      this.rxSeq = 0;
    }
  }

  /** ssh-userauth, then a signed publickey request with `key`; returns the server's answer. */
  login(key: ClientKey, user = "tester"): Buffer[] {
    this.send(Buffer.concat([byte(5), str("ssh-userauth")]));
    const head = Buffer.concat([byte(50), str(user), str("ssh-connection"), str("publickey"), bool(true), str("ssh-ed25519"), str(key.blob)]);
    const sig = sign(null, Buffer.concat([str(this.sessionId!), head]), key.privateKey);
    this.send(Buffer.concat([head, str(Buffer.concat([str("ssh-ed25519"), str(sig)]))]));
    return this.pump();
  }

  /** Opens a session channel (our id 7) with `window` and `maxPacket`; returns the server's channel id. */
  openSession(window = 1 << 20, maxPacket = 32768): number {
    this.send(Buffer.concat([byte(90), str("session"), u32(7), u32(window), u32(maxPacket)]));
    const [conf] = this.pump();
    if (conf?.[0] !== 91) throw new Error(`client: channel open answered with ${conf?.[0]}`);
    const r = new Reader(conf);
    r.byte();
    r.u32();
    return r.u32();
  }

  request(channel: number, type: string, wantReply: boolean, ...rest: Buffer[]): Buffer[] {
    this.send(Buffer.concat([byte(98), u32(channel), str(type), bool(wantReply), ...rest]));
    return this.pump();
  }
}

/** The data of CHANNEL_DATA payloads, joined, and the exit-status if one came. */
export function sessionOutput(payloads: readonly Buffer[]): { data: string; exitStatus: number | null; eof: boolean; closed: boolean } {
  let data = "";
  let exitStatus: number | null = null;
  let eof = false;
  let closed = false;
  for (const p of payloads) {
    const r = new Reader(p);
    const t = r.byte();
    if (t === 94) {
      r.u32();
      data += r.str().toString();
    } else if (t === 98) {
      r.u32();
      if (r.text() === "exit-status") {
        r.byte();
        exitStatus = r.u32();
      }
    } else if (t === 96) eof = true;
    else if (t === 97) closed = true;
  }
  return { data, exitStatus, eof, closed };
}

/** The reason code and text of a DISCONNECT payload, or null. */
export function disconnectOf(payloads: readonly Buffer[]): { code: number; text: string } | null {
  const p = payloads.find((x) => x[0] === 1);
  if (!p) return null;
  const r = new Reader(p);
  r.byte();
  return { code: r.u32(), text: r.text() };
}
