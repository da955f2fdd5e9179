/**
 * The "ssh-userauth" service (RFC 4252) with the publickey method only (7): a query without a
 * signature is answered with USERAUTH_PK_OK when the key is authorized, a signed request is
 * checked against the session identifier; "none", "password" and every other method get
 * USERAUTH_FAILURE listing "publickey" (5.1). After MAX_ATTEMPTS failures the connection ends
 * (NO_MORE_AUTH_METHODS_AVAILABLE), as sshd's MaxAuthTries does.
 */
import { ed25519 } from "@noble/curves/ed25519.js";
import { Reason, SshDisconnect, protocolError } from "./errors.ts";
import { ED25519, type AuthorizedKey } from "./keys.ts";
import { Msg } from "./messages.ts";
import { equalBytes } from "../../runtime/bytes.ts";
import { SshReader, SshWriter } from "./wire.ts";

export const MAX_ATTEMPTS = 6;

export interface AuthOutcome {
  readonly user: string;
  readonly key: AuthorizedKey;
}

export class UserAuth {
  private failures = 0;
  done: AuthOutcome | null = null;

  constructor(
    private readonly sessionId: () => Uint8Array,
    private readonly keys: readonly AuthorizedKey[],
    private readonly send: (payload: Uint8Array) => void,
  ) {}

  /** A USERAUTH_REQUEST; returns the outcome once a signature checks out. */
  handle(type: number, payload: Uint8Array): AuthOutcome | null {
    if (type !== Msg.USERAUTH_REQUEST) {
      // RFC 4252 6: only USERAUTH_REQUEST comes from a client; connection messages must wait for success.
      throw protocolError(`message ${type} before authentication`);
    }
    const r = new SshReader(payload);
    r.byte();
    const user = r.text("user name", 256);
    const service = r.text("service name", 64);
    const method = r.text("method name", 64);
    if (service !== "ssh-connection") throw new SshDisconnect(Reason.SERVICE_NOT_AVAILABLE, `service ${JSON.stringify(service)} is not available`);
    if (method !== "publickey") return this.failure(method !== "none");
    const signed = r.boolean("has signature");
    const algorithm = r.text("public key algorithm", 64);
    const blob = r.string("public key blob");
    const key = algorithm === ED25519 ? this.keys.find((k) => equalBytes(k.blob, blob)) : undefined;
    if (!signed) {
      r.end("USERAUTH_REQUEST");
      if (!key) return this.failure(true);
      this.send(new SshWriter().byte(Msg.USERAUTH_PK_OK).string(algorithm).string(blob).bytes());
      return null;
    }
    const signature = r.string("signature");
    r.end("USERAUTH_REQUEST");
    if (!key || !this.verify(key, signature, payload.subarray(0, payload.length - 4 - signature.length))) return this.failure(true);
    this.send(new Uint8Array([Msg.USERAUTH_SUCCESS]));
    this.done = { user, key };
    return this.done;
  }

  /**
   * RFC 4252 7: the signature covers string session_id followed by the request up to (not
   * including) the signature, which is exactly the payload's prefix; RFC 8709 6 the blob's format.
   */
  private verify(key: AuthorizedKey, signature: Uint8Array, request: Uint8Array): boolean {
    const s = new SshReader(signature);
    let sig: Uint8Array;
    try {
      const type = new TextDecoder().decode(s.string());
      sig = s.string();
      s.end("signature");
      if (type !== ED25519 || sig.length !== 64) return false;
    } catch {
      return false;
    }
    const data = new SshWriter().string(this.sessionId()).raw(request).bytes();
    try {
      return ed25519.verify(sig, data, key.publicKey);
    } catch {
      return false;
    }
  }

  /** USERAUTH_FAILURE: only publickey can continue; `counts` says whether this was an attempt (a "none" probe is not). */
  private failure(counts: boolean): null {
    if (counts && ++this.failures >= MAX_ATTEMPTS) throw new SshDisconnect(Reason.NO_MORE_AUTH_METHODS_AVAILABLE, "too many authentication failures");
    this.send(new SshWriter().byte(Msg.USERAUTH_FAILURE).nameList(["publickey"]).boolean(false).bytes());
    return null;
  }
}
