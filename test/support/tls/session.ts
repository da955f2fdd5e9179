/**
 * Drives a TlsServerSession in tests: collects what it sends and what it reports, and builds
 * ClientHellos field by field (so that each can be broken on its own).
 */
import { Alert } from "../../../stacks/tls/alert.ts";
import { concatBytes } from "../../../runtime/bytes.ts";
import { extension, u16, vec } from "../../../stacks/tls/bytes.ts";
import type { Credentials } from "../../../stacks/tls/credentials.ts";
import { TlsServerSession, type TlsServerConfig } from "../../../stacks/tls/server-session.ts";

export interface Harness {
  session: TlsServerSession;
  sent: Uint8Array[];
  data: Uint8Array[];
  done: boolean;
  closeNotify: boolean;
  fatal: { description: number; sent: boolean } | null;
}

export function harness(config: Partial<TlsServerConfig> & { credentials: TlsServerConfig["credentials"] }): Harness {
  const h: Harness = { session: undefined as unknown as TlsServerSession, sent: [], data: [], done: false, closeNotify: false, fatal: null };
  let n = 0;
  h.session = new TlsServerSession(
    { random: (len) => Uint8Array.from({ length: len }, () => (n++ * 37 + 11) & 0xff), ...config },
    {
      send: (b) => h.sent.push(b.slice()),
      handshakeDone: () => (h.done = true),
      data: (b) => h.data.push(b),
      closeNotify: () => (h.closeNotify = true),
      fatal: (a, sent) => (h.fatal = { description: a.description, sent }),
    },
  );
  return h;
}

/** A credentials stand-in for message tests: a fixed chain and a signature of zeros. */
export const FAKE_ED25519: Credentials = { chain: [new Uint8Array([0x30, 0])], scheme: 0x0807, sign: () => new Uint8Array(64) };

export interface HelloParts {
  legacyVersion?: number;
  random?: Uint8Array;
  sessionId?: Uint8Array;
  suites?: number[];
  compression?: number[];
  /** Whole extensions; by default a TLS 1.3 hello with an x25519 share, ed25519 and ECDSA accepted, SNI "device.test". */
  extensions?: Uint8Array[];
  /** Raw bytes instead of the extensions block. */
  rawExtensions?: Uint8Array;
}

export const ext = {
  versions: (...v: number[]) => extension(43, vec(1, concatBytes(...v.map(u16)))),
  groups: (...g: number[]) => extension(10, vec(2, concatBytes(...g.map(u16)))),
  sigs: (...s: number[]) => extension(13, vec(2, concatBytes(...s.map(u16)))),
  share: (...shares: [number, Uint8Array][]) => extension(51, vec(2, concatBytes(...shares.map(([g, k]) => concatBytes(u16(g), vec(2, k)))))),
  sni: (name: string) => extension(0, vec(2, concatBytes(Uint8Array.of(0), vec(2, Uint8Array.from(name, (c) => c.charCodeAt(0)))))),
  alpn: (...p: string[]) => extension(16, vec(2, concatBytes(...p.map((x) => vec(1, Uint8Array.from(x, (c) => c.charCodeAt(0))))))),
};

export const X25519_SHARE = Uint8Array.from({ length: 32 }, (_, i) => i + 9);

export function defaultExtensions(): Uint8Array[] {
  return [ext.sni("device.test"), ext.versions(0x0304), ext.groups(0x001d, 0x0017), ext.sigs(0x0807, 0x0403), ext.share([0x001d, X25519_SHARE])];
}

/** A ClientHello handshake message. */
export function clientHello(p: HelloParts = {}): Uint8Array {
  const exts = p.rawExtensions ?? vec(2, concatBytes(...(p.extensions ?? defaultExtensions())));
  const body = concatBytes(
    u16(p.legacyVersion ?? 0x0303),
    p.random ?? new Uint8Array(32).fill(7),
    vec(1, p.sessionId ?? new Uint8Array(0)),
    vec(2, concatBytes(...(p.suites ?? [0x1301, 0x1303]).map(u16))),
    vec(1, Uint8Array.from(p.compression ?? [0])),
    exts,
  );
  return concatBytes(Uint8Array.of(1, body.length >>> 16, (body.length >>> 8) & 0xff, body.length & 0xff), body);
}

/** A plaintext record of `type`. */
export function record(type: number, body: Uint8Array, version = 0x0301): Uint8Array {
  return concatBytes(Uint8Array.of(type, version >>> 8, version & 0xff, body.length >>> 8, body.length & 0xff), body);
}

/** The alert a plaintext alert record carries, or null. */
export function plainAlert(bytes: Uint8Array): number | null {
  return bytes[0] === 21 && bytes.length === 7 ? bytes[6] : null;
}

export { Alert };
