/**
 * The TLS 1.3 server state machine (RFC 8446 2, A.2), over bytes: receive() takes what the
 * transport delivered, and `send` gets the records to write. Full handshake with X25519
 * (HelloRetryRequest when the client supports x25519 but sent no share for it), no PSK, no early
 * data, no client certificates, no session tickets. Every failure, malformed input included, ends
 * the session with the alert RFC 8446 6.2 names for it; receive() never throws.
 *
 *   START ──ClientHello──▶ (HelloRetryRequest) WAIT_CH2 ──ClientHello──┐
 *     └────────────────────────────────────────────────────────────────┴▶ send ServerHello ...
 *        Finished ──▶ WAIT_FINISHED ──client Finished──▶ CONNECTED (KeyUpdate, data, close_notify)
 */
import { x25519 } from "@noble/curves/ed25519.js";
import { Alert, alertName, fail, TlsAlert } from "./alert.ts";
import { concatBytes as concat, equalBytes, readU24BE } from "../../runtime/bytes.ts";
import { extension, vec, Reader } from "./bytes.ts";
import { CIPHER_SUITES, type CipherSuite } from "./cipher-suite.ts";
import { ExtensionType, GROUP_X25519, parseClientHello, TLS13, type ClientHello } from "./client-hello.ts";
import type { Credentials, Signer } from "./credentials.ts";
import { deriveSecret, finishedMac, handshakeSecret, masterSecret, nextTrafficSecret, Transcript } from "./key-schedule.ts";
import * as msg from "./messages.ts";
import { ContentType, MAX_PLAINTEXT, Protection, recordHeader, RecordReader, type TlsRecord } from "./record.ts";

const HT = msg.HandshakeType;

/** A handshake message larger than this is refused: a ClientHello with post-quantum shares is under 2 KiB. */
const MAX_HANDSHAKE_MESSAGE = 65536;

export interface TlsServerConfig {
  readonly credentials: Credentials | (Signer & { readonly chain: readonly Uint8Array[] });
  /** Cryptographically secure random bytes: the server random, then the X25519 private key. */
  readonly random: (length: number) => Uint8Array;
  /** Cipher suites, preferred first (default CIPHER_SUITES: ChaCha20-Poly1305, then AES-128-GCM). */
  readonly cipherSuites?: readonly CipherSuite[];
  /** ALPN protocols the server speaks, preferred first (default ["http/1.1"]). */
  readonly alpn?: readonly string[];
  /**
   * Extensions (whole, type and data) put first in EncryptedExtensions: none by default; the
   * RFC 8448 trace test gives the trace's supported_groups and record_size_limit.
   */
  readonly extraEncryptedExtensions?: readonly Uint8Array[];
}

export interface TlsSessionEvents {
  /** Records to write to the transport, in order. */
  send(bytes: Uint8Array): void;
  /** The client's Finished verified: application data flows both ways. */
  handshakeDone(): void;
  /** Application data received. */
  data(bytes: Uint8Array): void;
  /** The client sent close_notify: it sends nothing more. */
  closeNotify(): void;
  /** The session is over by an error: `sent` says whether the alert went to the peer (else the peer sent it). */
  fatal(alert: TlsAlert, sent: boolean): void;
}

export type SessionState = "start" | "wait-ch2" | "wait-finished" | "connected" | "closed";

export class TlsServerSession {
  private st: SessionState = "start";
  private readonly records = new RecordReader();
  private hsBuf: Uint8Array = new Uint8Array(0);
  private transcript = new Transcript();
  private readProtection: Protection | null = null;
  private writeProtection: Protection | null = null;
  private suite: CipherSuite | null = null;
  private clientHandshakeSecret: Uint8Array | null = null;
  private clientAppSecret: Uint8Array | null = null;
  private expectedClientFinished: Uint8Array | null = null;
  private retried = false;
  private sentCcs = false;
  private closeSent = false;
  private peerClosed = false;
  /** The first ClientHello's cipher suite choice, which the second one must still offer (RFC 8446 4.1.4). */
  private hrrSuite = 0;
  serverName: string | null = null;
  alpnProtocol: string | null = null;
  signatureScheme = 0;
  /** The alert that ended the session, and who sent it. */
  alert: { readonly description: number; readonly sent: boolean; readonly message: string } | null = null;

  constructor(
    private readonly config: TlsServerConfig,
    private readonly events: TlsSessionEvents,
  ) {}

  get state(): SessionState {
    return this.st;
  }

  get cipherSuite(): CipherSuite | null {
    return this.suite;
  }

  /** Bytes from the transport. Never throws: a failure sends its alert and closes the session. */
  receive(data: Uint8Array): void {
    if (this.st === "closed" || this.peerClosed) return;
    try {
      this.records.push(data);
      for (;;) {
        if (this.state === "closed" || this.peerClosed) return;
        const record = this.records.next();
        if (record === null) return;
        this.record(record);
      }
    } catch (e) {
      this.abortWith(e instanceof TlsAlert ? e : new TlsAlert(Alert.internal_error, e instanceof Error ? e.message : String(e)));
    }
  }

  /** The transport ended before close_notify: a truncation, not a TLS error to answer. */
  transportEnded(): void {
    if (this.st !== "closed" && !this.peerClosed) this.peerClosed = true;
  }

  /** Sends application data (connected only), in records of at most 2^14 bytes. */
  write(data: Uint8Array): void {
    if (this.st !== "connected" || this.closeSent) throw new Error("TLS: no application data can be written now");
    for (let o = 0; o < data.length; o += MAX_PLAINTEXT) this.sendRecord(ContentType.application_data, data.subarray(o, Math.min(data.length, o + MAX_PLAINTEXT)));
  }

  /** Sends KeyUpdate and moves to the next sending key; `requestPeer` asks the client to do the same (RFC 8446 4.6.3). */
  updateKeys(requestPeer: boolean): void {
    if (this.st !== "connected" || this.closeSent || this.writeProtection === null || this.suite === null) throw new Error("TLS: keys can be updated only on an open connection");
    this.sendRecord(ContentType.handshake, msg.keyUpdate(requestPeer));
    this.writeProtection = new Protection(this.suite, nextTrafficSecret(this.writeProtection.secret));
  }

  /** close_notify (RFC 8446 6.1): nothing more is written. */
  close(): void {
    if (this.st === "closed" || this.closeSent) return;
    this.closeSent = true;
    this.sendAlert(Alert.close_notify, 1);
    if (this.peerClosed || this.st !== "connected") this.st = "closed";
  }

  get closeNotifySent(): boolean {
    return this.closeSent;
  }

  private abortWith(alert: TlsAlert): void {
    if (this.st === "closed") return;
    this.alert = { description: alert.description, sent: true, message: alert.message };
    try {
      if (!this.closeSent) this.sendAlert(alert.description, 2);
    } catch {
      // The alert could not be protected: the transport's close is all the peer gets.
    }
    this.st = "closed";
    this.events.fatal(alert, true);
  }

  private sendAlert(description: number, level: 1 | 2): void {
    this.sendRecord(ContentType.alert, Uint8Array.of(level, description));
  }

  private sendRecord(type: number, content: Uint8Array): void {
    if (this.writeProtection) this.events.send(this.writeProtection.seal(type, content));
    else this.events.send(concat(recordHeader(type, content.length), content));
  }

  private record(r: TlsRecord): void {
    switch (r.type) {
      case ContentType.change_cipher_spec:
        // RFC 8446 5: a single 0x01 between the first ClientHello and the client's Finished is
        // dropped (middlebox compatibility); any other is an unexpected_message.
        if (this.st === "start" || this.st === "connected") fail(Alert.unexpected_message, "change_cipher_spec outside the handshake");
        if (r.fragment.length !== 1 || r.fragment[0] !== 1) fail(Alert.unexpected_message, "a change_cipher_spec record other than the single byte 1");
        return;
      case ContentType.alert:
        // Before the client has our keys it can only alert in the clear.
        if (this.st === "connected") fail(Alert.unexpected_message, "an unprotected alert after the handshake");
        this.peerAlert(r.fragment);
        return;
      case ContentType.handshake:
        if (this.readProtection) fail(Alert.unexpected_message, "an unprotected handshake record after the key change");
        if (r.fragment.length === 0) fail(Alert.unexpected_message, "an empty handshake record");
        this.handshakeBytes(r.fragment);
        return;
      case ContentType.application_data: {
        if (!this.readProtection) fail(Alert.unexpected_message, "a protected record before the handshake keys");
        const inner = this.readProtection.open(r.fragment);
        this.innerRecord(inner);
        return;
      }
      default:
        fail(Alert.unexpected_message, `a record of unknown content type ${r.type}`);
    }
  }

  private innerRecord(r: TlsRecord): void {
    switch (r.type) {
      case ContentType.application_data:
        if (this.st !== "connected") fail(Alert.unexpected_message, "application data before the handshake completed");
        if (r.fragment.length > 0) this.events.data(r.fragment.slice());
        return;
      case ContentType.alert:
        this.peerAlert(r.fragment);
        return;
      case ContentType.handshake:
        if (r.fragment.length === 0) fail(Alert.unexpected_message, "an empty handshake record");
        this.handshakeBytes(r.fragment);
        return;
      default:
        fail(Alert.unexpected_message, `a protected record of content type ${r.type}`);
    }
  }

  private peerAlert(fragment: Uint8Array): void {
    // RFC 8446 5.1: alerts are never fragmented; an alert is two bytes.
    if (fragment.length !== 2) fail(Alert.decode_error, `an alert of ${fragment.length} bytes`);
    const description = fragment[1];
    if (description === Alert.close_notify) {
      this.peerClosed = true;
      if (this.closeSent) this.st = "closed";
      this.events.closeNotify();
      return;
    }
    // user_canceled is followed by close_notify (RFC 8446 6.1); every other alert is fatal, whatever its level (6.2).
    if (description === Alert.user_canceled) return;
    const alert = new TlsAlert(description, `the client sent ${alertName(description)}`);
    this.alert = { description, sent: false, message: alert.message };
    this.st = "closed";
    this.events.fatal(alert, false);
  }

  private handshakeBytes(fragment: Uint8Array): void {
    this.hsBuf = this.hsBuf.length === 0 ? fragment : concat(this.hsBuf, fragment);
    while (this.hsBuf.length >= 4 && this.st !== "closed") {
      const length = readU24BE(this.hsBuf, 1);
      if (length > MAX_HANDSHAKE_MESSAGE) fail(Alert.illegal_parameter, `a handshake message of ${length} bytes`);
      if (this.hsBuf.length < 4 + length) return;
      const message = this.hsBuf.slice(0, 4 + length);
      this.hsBuf = this.hsBuf.subarray(4 + length);
      // RFC 8446 5.1: handshake messages MUST NOT span a key change. Every message this server
      // takes (ClientHello, Finished, KeyUpdate) is followed by one, so nothing may follow it in
      // its record; checked before the message is acted on, so the alert goes out under the old keys.
      if (this.hsBuf.length > 0) fail(Alert.unexpected_message, "handshake data after a key change in the same record");
      this.handshakeMessage(message[0], message.subarray(4), message);
    }
  }

  private handshakeMessage(type: number, body: Uint8Array, whole: Uint8Array): void {
    switch (this.st) {
      case "start":
      case "wait-ch2":
        if (type !== HT.client_hello) fail(Alert.unexpected_message, `handshake message ${type} where a ClientHello was expected`);
        this.clientHello(parseClientHello(body), whole);
        return;
      case "wait-finished":
        if (type !== HT.finished) fail(Alert.unexpected_message, `handshake message ${type} where the client's Finished was expected`);
        this.clientFinished(body);
        return;
      case "connected":
        if (type !== HT.key_update) fail(Alert.unexpected_message, `handshake message ${type} after the handshake (only KeyUpdate is expected)`);
        this.keyUpdate(body);
        return;
      default:
        return;
    }
  }

  private clientHello(ch: ClientHello, whole: Uint8Array): void {
    // RFC 8446 4.2.1: without supported_versions (or without 1.3 in it) the client wants TLS 1.2
    // or older, which this server does not speak: protocol_version, no fallback (E.5).
    if (ch.versions === null || !ch.versions.includes(TLS13)) fail(Alert.protocol_version, "the client does not offer TLS 1.3");
    // The server's first that the client offers (config.cipherSuites, by default CIPHER_SUITES).
    const suite = (this.config.cipherSuites ?? CIPHER_SUITES).find((s) => ch.cipherSuites.includes(s.id));
    // RFC 8446 9.2: a 1.3 ClientHello without PSK needs signature_algorithms, supported_groups and key_share.
    if (ch.signatureSchemes === null) fail(Alert.missing_extension, "ClientHello without signature_algorithms");
    if (ch.groups === null) fail(Alert.missing_extension, "ClientHello without supported_groups");
    if (ch.keyShares === null) fail(Alert.missing_extension, "ClientHello without key_share");
    // RFC 8446 4.2.8: each share's group must be one of supported_groups.
    for (const k of ch.keyShares) if (!ch.groups.includes(k.group)) fail(Alert.illegal_parameter, `a key share for group ${k.group}, which supported_groups does not list`);
    if (suite === undefined) fail(Alert.handshake_failure, "no cipher suite in common (TLS_AES_128_GCM_SHA256, TLS_CHACHA20_POLY1305_SHA256)");
    const scheme = this.config.credentials.scheme;
    if (!ch.signatureSchemes.includes(scheme)) fail(Alert.handshake_failure, `the client does not accept the certificate's signature scheme 0x${scheme.toString(16).padStart(4, "0")}`);
    if (!ch.groups.includes(GROUP_X25519)) fail(Alert.handshake_failure, "the client does not support x25519");
    const share = ch.keyShares.find((k) => k.group === GROUP_X25519);
    if (this.st === "wait-ch2") {
      // RFC 8446 4.1.4: the second ClientHello keeps the suite and offers exactly the share asked for.
      if (suite.id !== this.hrrSuite) fail(Alert.illegal_parameter, "the second ClientHello changed the cipher suite");
      if (share === undefined || ch.keyShares.length !== 1) fail(Alert.illegal_parameter, "the second ClientHello does not offer exactly an x25519 share");
    }
    let alpn: string | null = null;
    if (ch.alpn !== null) {
      // RFC 7301 3.2: no protocol in common is fatal.
      const ours = this.config.alpn ?? ["http/1.1"];
      alpn = ours.find((p) => ch.alpn?.includes(p)) ?? null;
      if (alpn === null) fail(Alert.no_application_protocol, `the client offers ALPN ${ch.alpn.join(", ")}, this server only ${ours.join(", ")}`);
    }
    if (share === undefined) {
      this.retry(suite, ch, whole);
      return;
    }
    if (share.key.length !== 32) fail(Alert.illegal_parameter, `an x25519 key share of ${share.key.length} bytes`);
    this.suite = suite;
    this.signatureScheme = scheme;
    this.serverName = ch.serverName;
    this.alpnProtocol = alpn;
    this.transcript.add(whole);
    this.serverFlight(ch, share.key);
  }

  private retry(suite: CipherSuite, ch: ClientHello, whole: Uint8Array): void {
    if (this.retried) fail(Alert.illegal_parameter, "the second ClientHello has no x25519 share either");
    this.retried = true;
    this.hrrSuite = suite.id;
    this.transcript.add(whole);
    this.transcript.replaceWithMessageHash();
    const hrr = msg.helloRetryRequest(ch.sessionId, suite.id);
    this.transcript.add(hrr);
    this.sendRecord(ContentType.handshake, hrr);
    this.compatCcs(ch);
    this.st = "wait-ch2";
  }

  /** RFC 8446 D.4: in middlebox compatibility mode (a non-empty session id) one CCS after the first server message. */
  private compatCcs(ch: ClientHello): void {
    if (ch.sessionId.length > 0 && !this.sentCcs) {
      this.sentCcs = true;
      this.events.send(Uint8Array.of(ContentType.change_cipher_spec, 3, 3, 0, 1, 1));
    }
  }

  private serverFlight(ch: ClientHello, clientShare: Uint8Array): void {
    const suite = this.suite as CipherSuite;
    const random = this.config.random(32);
    const priv = this.config.random(32);
    let shared: Uint8Array;
    try {
      shared = x25519.getSharedSecret(priv, clientShare);
    } catch {
      fail(Alert.illegal_parameter, "the x25519 key share is a low-order point");
    }
    // RFC 8446 7.4.2: an all-zero shared secret is refused.
    if (shared.every((b) => b === 0)) fail(Alert.illegal_parameter, "the x25519 shared secret is all zeros");
    const sh = msg.serverHello(random, ch.sessionId, suite.id, x25519.getPublicKey(priv));
    this.transcript.add(sh);
    this.sendRecord(ContentType.handshake, sh);
    this.compatCcs(ch);

    const hs = handshakeSecret(shared);
    const helloHash = this.transcript.hash();
    const cHs = deriveSecret(hs, "c hs traffic", helloHash);
    const sHs = deriveSecret(hs, "s hs traffic", helloHash);
    this.clientHandshakeSecret = cHs;
    this.writeProtection = new Protection(suite, sHs);
    this.readProtection = new Protection(suite, cHs);

    const ext: Uint8Array[] = [...(this.config.extraEncryptedExtensions ?? [])];
    // RFC 6066 3: a server that used the name answers with an empty server_name.
    if (ch.serverName !== null) ext.push(extension(ExtensionType.server_name, new Uint8Array(0)));
    if (this.alpnProtocol !== null) {
      const name = Uint8Array.from(this.alpnProtocol, (c) => c.charCodeAt(0));
      ext.push(extension(ExtensionType.alpn, vec(2, vec(1, name))));
    }
    const flight: Uint8Array[] = [];
    const add = (m: Uint8Array) => {
      this.transcript.add(m);
      flight.push(m);
    };
    add(msg.encryptedExtensions(ext));
    add(msg.certificate(this.config.credentials.chain));
    add(msg.certificateVerify(this.signatureScheme, this.config.credentials.sign(msg.certificateVerifyContent(this.transcript.hash()))));
    add(msg.finished(finishedMac(sHs, this.transcript.hash())));
    const all = concat(...flight);
    for (let o = 0; o < all.length; o += MAX_PLAINTEXT) this.sendRecord(ContentType.handshake, all.subarray(o, Math.min(all.length, o + MAX_PLAINTEXT)));

    const master = masterSecret(hs);
    const flightHash = this.transcript.hash();
    this.clientAppSecret = deriveSecret(master, "c ap traffic", flightHash);
    this.writeProtection = new Protection(suite, deriveSecret(master, "s ap traffic", flightHash));
    this.expectedClientFinished = finishedMac(cHs, flightHash);
    this.st = "wait-finished";
  }

  private clientFinished(body: Uint8Array): void {
    const expected = this.expectedClientFinished as Uint8Array;
    if (body.length !== expected.length) fail(Alert.decode_error, `a Finished of ${body.length} bytes, not ${expected.length}`);
    // RFC 8446 4.4.4: a wrong verify_data is a decrypt_error.
    if (!equalBytes(body, expected)) fail(Alert.decrypt_error, "the client's Finished does not verify");
    this.readProtection = new Protection(this.suite as CipherSuite, this.clientAppSecret as Uint8Array);
    this.clientHandshakeSecret = null;
    this.st = "connected";
    this.events.handshakeDone();
  }

  private keyUpdate(body: Uint8Array): void {
    const r = new Reader(body, "KeyUpdate");
    const request = r.u8("request_update");
    r.end();
    // RFC 8446 4.6.3: any other value is an illegal_parameter.
    if (request !== 0 && request !== 1) fail(Alert.illegal_parameter, `KeyUpdate request_update ${request}`);
    const read = this.readProtection as Protection;
    this.readProtection = new Protection(read.suite, nextTrafficSecret(read.secret));
    // Answered once with update_not_requested, under the old key, unless close_notify was sent.
    if (request === 1 && !this.closeSent) this.updateKeys(false);
  }
}

