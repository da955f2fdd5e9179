/**
 * Why a connection ends: every protocol error becomes an SshDisconnect, which the transport turns
 * into SSH_MSG_DISCONNECT with this reason code and text (RFC 4253 11.1) before closing TCP. No
 * other exception is meant to leave a parser; one that does is caught by the transport and
 * treated as PROTOCOL_ERROR.
 */

/** Reason codes of SSH_MSG_DISCONNECT (RFC 4250 4.2.2). */
export const Reason = {
  HOST_NOT_ALLOWED_TO_CONNECT: 1,
  PROTOCOL_ERROR: 2,
  KEY_EXCHANGE_FAILED: 3,
  MAC_ERROR: 5,
  SERVICE_NOT_AVAILABLE: 7,
  PROTOCOL_VERSION_NOT_SUPPORTED: 8,
  CONNECTION_LOST: 10,
  BY_APPLICATION: 11,
  TOO_MANY_CONNECTIONS: 12,
  AUTH_CANCELLED_BY_USER: 13,
  NO_MORE_AUTH_METHODS_AVAILABLE: 14,
} as const;

export type ReasonCode = (typeof Reason)[keyof typeof Reason];

export class SshDisconnect extends Error {
  constructor(
    readonly reason: ReasonCode,
    message: string,
  ) {
    super(message);
    this.name = "SshDisconnect";
  }
}

/** A malformed or out-of-place message: PROTOCOL_ERROR. */
export function protocolError(message: string): SshDisconnect {
  return new SshDisconnect(Reason.PROTOCOL_ERROR, message);
}
