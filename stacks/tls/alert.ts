/**
 * TLS 1.3 alerts (RFC 8446 6): the descriptions this server sends or understands, and TlsAlert,
 * the error every parser throws so that the state machine answers malformed input with the alert
 * RFC 8446 6.2 names for it and closes, whatever the fault.
 */

/** AlertDescription values (RFC 8446 6, RFC 7301 3.2 for no_application_protocol). */
export const Alert = {
  close_notify: 0,
  unexpected_message: 10,
  bad_record_mac: 20,
  record_overflow: 22,
  handshake_failure: 40,
  bad_certificate: 42,
  illegal_parameter: 47,
  decode_error: 50,
  decrypt_error: 51,
  protocol_version: 70,
  insufficient_security: 71,
  internal_error: 80,
  user_canceled: 90,
  missing_extension: 109,
  unsupported_extension: 110,
  unrecognized_name: 112,
  no_application_protocol: 120,
} as const;

export type AlertName = keyof typeof Alert;

const NAMES = new Map<number, AlertName>(Object.entries(Alert).map(([k, v]) => [v, k as AlertName]));

/** The name of an alert description, or "alert N" for one this table does not know. */
export function alertName(description: number): string {
  return NAMES.get(description) ?? `alert ${description}`;
}

/** A fatal condition: the connection ends with alert `description` (RFC 8446 6.2). */
export class TlsAlert extends Error {
  constructor(
    readonly description: number,
    message: string,
  ) {
    super(`${alertName(description)}: ${message}`);
    this.name = "TlsAlert";
  }
}

/** Throws TlsAlert(description) with `message`. */
export function fail(description: number, message: string): never {
  throw new TlsAlert(description, message);
}
