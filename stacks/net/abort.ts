/**
 * The part of a WHATWG AbortSignal the stack's promise APIs use (dhcp/, dns/), typed here so
 * that the stack needs neither the DOM's nor the runtime's typings: the firmware's `AbortSignal`
 * (runtime/web/) and Node's both fit it.
 */
export interface AbortSignalLike {
  readonly aborted: boolean;
  readonly reason?: unknown;
  addEventListener(type: "abort", listener: () => void): void;
  removeEventListener(type: "abort", listener: () => void): void;
}

/** What a promise rejects with when `signal` aborts: its reason, as fetch() does. */
export function abortReason(signal: AbortSignalLike): unknown {
  return signal.reason ?? new Error("aborted");
}
