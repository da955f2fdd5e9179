/**
 * ClientHello (RFC 8446 4.1.2) and the extensions this server reads (4.2): supported_versions,
 * supported_groups, key_share, signature_algorithms, server_name (RFC 6066 3), ALPN (RFC 7301
 * 3.1), pre_shared_key's position. Everything is bounds-checked (bytes.ts); the alerts follow
 * RFC 8446 6.2 and 9.2. What the server then chooses is handshake.ts's business.
 */
import { Alert, fail } from "./alert.ts";
import { readU16BE } from "../../runtime/bytes.ts";
import { Reader } from "./bytes.ts";

export const ExtensionType = {
  server_name: 0,
  supported_groups: 10,
  signature_algorithms: 13,
  alpn: 16,
  pre_shared_key: 41,
  early_data: 42,
  supported_versions: 43,
  cookie: 44,
  psk_key_exchange_modes: 45,
  signature_algorithms_cert: 50,
  key_share: 51,
} as const;

export const TLS13 = 0x0304;
export const GROUP_X25519 = 0x001d;

export interface KeyShare {
  readonly group: number;
  readonly key: Uint8Array;
}

export interface ClientHello {
  readonly random: Uint8Array;
  readonly sessionId: Uint8Array;
  readonly cipherSuites: readonly number[];
  /** supported_versions, or null when absent (a TLS 1.2 or older client). */
  readonly versions: readonly number[] | null;
  readonly groups: readonly number[] | null;
  readonly keyShares: readonly KeyShare[] | null;
  readonly signatureSchemes: readonly number[] | null;
  /** The host_name of server_name, or null. */
  readonly serverName: string | null;
  readonly alpn: readonly string[] | null;
  readonly extensionTypes: readonly number[];
}

function u16List(r: Reader, min: number, max: number, field: string): number[] {
  const body = r.vector(2, min, max, field);
  if (body.length % 2 !== 0) fail(Alert.decode_error, `ClientHello: ${field} has an odd length`);
  const out: number[] = [];
  for (let i = 0; i < body.length; i += 2) out.push(readU16BE(body, i));
  return out;
}

/** Parses a ClientHello's body (after the 4-byte handshake header). */
export function parseClientHello(body: Uint8Array): ClientHello {
  const r = new Reader(body, "ClientHello");
  r.u16("legacy_version");
  const random = r.bytesOf(32, "random").slice();
  const sessionId = r.vector(1, 0, 32, "legacy_session_id").slice();
  const suites = r.vector(2, 2, 0xfffe, "cipher_suites");
  if (suites.length % 2 !== 0) fail(Alert.decode_error, "ClientHello: cipher_suites has an odd length");
  const cipherSuites: number[] = [];
  for (let i = 0; i < suites.length; i += 2) cipherSuites.push(readU16BE(suites, i));
  const compression = r.vector(1, 1, 255, "legacy_compression_methods");
  // A TLS 1.2-or-older ClientHello has no extensions at all: that is the version problem, not a decoding one.
  if (r.remaining === 0) fail(Alert.protocol_version, "ClientHello without extensions (no supported_versions): TLS 1.3 only");
  const extensions = r.vector(2, 8, 0xffff, "extensions");
  r.end();

  let versions: number[] | null = null;
  let groups: number[] | null = null;
  let keyShares: KeyShare[] | null = null;
  let signatureSchemes: number[] | null = null;
  let serverName: string | null = null;
  let alpn: string[] | null = null;
  const types: number[] = [];
  const e = new Reader(extensions, "ClientHello extensions");
  while (e.remaining > 0) {
    const type = e.u16("extension_type");
    const data = e.vector(2, 0, 0xffff, "extension_data");
    // RFC 8446 4.2: "There MUST NOT be more than one extension of the same type".
    if (types.includes(type)) fail(Alert.illegal_parameter, `ClientHello: extension ${type} appears twice`);
    // RFC 8446 4.2.11: pre_shared_key "MUST be the last extension in the ClientHello".
    if (types.includes(ExtensionType.pre_shared_key)) fail(Alert.illegal_parameter, "ClientHello: pre_shared_key is not the last extension");
    types.push(type);
    const x = new Reader(data, `ClientHello extension ${type}`);
    switch (type) {
      case ExtensionType.supported_versions: {
        const list = x.vector(1, 2, 254, "versions");
        if (list.length % 2 !== 0) fail(Alert.decode_error, "ClientHello: supported_versions has an odd length");
        versions = [];
        for (let i = 0; i < list.length; i += 2) versions.push(readU16BE(list, i));
        break;
      }
      case ExtensionType.supported_groups:
        groups = u16List(x, 2, 0xffff, "supported_groups");
        break;
      case ExtensionType.signature_algorithms:
        signatureSchemes = u16List(x, 2, 0xfffe, "signature_algorithms");
        break;
      case ExtensionType.key_share: {
        const list = new Reader(x.vector(2, 0, 0xffff, "client_shares"), "key_share");
        keyShares = [];
        while (list.remaining > 0) {
          const group = list.u16("group");
          const key = list.vector(2, 1, 0xffff, "key_exchange").slice();
          // RFC 8446 4.2.8: "Clients MUST NOT offer multiple KeyShareEntry values for the same group".
          if (keyShares.some((k) => k.group === group)) fail(Alert.illegal_parameter, `ClientHello: two key shares for group ${group}`);
          keyShares.push({ group, key });
        }
        break;
      }
      case ExtensionType.server_name: {
        const list = new Reader(x.vector(2, 1, 0xffff, "server_name_list"), "server_name");
        while (list.remaining > 0) {
          const nameType = list.u8("name_type");
          const name = list.vector(2, 1, 0xffff, "HostName");
          // RFC 6066 3: one name per type; host_name (0) is the only type defined.
          if (nameType !== 0) continue;
          if (serverName !== null) fail(Alert.illegal_parameter, "ClientHello: two host names in server_name");
          serverName = hostName(name);
        }
        break;
      }
      case ExtensionType.alpn: {
        const list = new Reader(x.vector(2, 2, 0xffff, "protocol_name_list"), "application_layer_protocol_negotiation");
        alpn = [];
        while (list.remaining > 0) alpn.push(String.fromCharCode(...list.vector(1, 1, 255, "ProtocolName")));
        break;
      }
      default:
        // Unknown extensions are ignored (RFC 8446 4.2); the rest is not used by this server.
        continue;
    }
    x.end();
  }
  // RFC 8446 4.1.2: TLS 1.3 clients set the compression methods to one byte, null.
  if (versions?.includes(TLS13) && (compression.length !== 1 || compression[0] !== 0)) {
    fail(Alert.illegal_parameter, "ClientHello: legacy_compression_methods must be exactly [null] in TLS 1.3");
  }
  return { random, sessionId, cipherSuites, versions, groups, keyShares, signatureSchemes, serverName, alpn, extensionTypes: types };
}

/**
 * A HostName of RFC 6066 3: ASCII, no trailing dot, no literal IP address (the latter only a
 * SHOULD NOT for the client: accepted). Anything else is a decode_error.
 */
function hostName(bytes: Uint8Array): string {
  for (const b of bytes) {
    const ok = (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || b === 0x2d || b === 0x2e || b === 0x5f;
    if (!ok) fail(Alert.decode_error, "ClientHello: server_name is no DNS host name");
  }
  const name = String.fromCharCode(...bytes);
  if (name.endsWith(".") || name.startsWith(".") || name.includes("..")) fail(Alert.decode_error, `ClientHello: server_name "${name}" is no DNS host name`);
  return name.toLowerCase();
}
