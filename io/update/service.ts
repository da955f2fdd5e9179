/**
 * The update agent as the network transports see it (docs/updates.md, "Over HTTP", "Over SSH"):
 * a whole unit offered by any transport gets the serial path's checks (io/update/unit.ts
 * acceptUnit, in the agent) and a verdict the transport turns into its own answer. The agent
 * (io/update/agent.ts) registers itself; the transports (io/update/http.ts, io/update/ssh.ts) look
 * it up when a unit arrives, so they may be started before the agent's module has run.
 */

/** What the agent says of an offered unit. On `ok` it switches to the unit once the transports' connections are over (whenTransportsIdle). */
export type UpdateVerdict =
  | { readonly ok: true; readonly version: number }
  | {
      readonly ok: false;
      readonly why: string;
      /** Refused because the running app is not confirmed yet or a unit was just accepted (try again later), not for the unit itself. */
      readonly busy: boolean;
    };

export interface UpdateService {
  /** Checks a whole unit (lengths, CRCs, fingerprints, signature, version) and, if it passes, switches to it. */
  offer(unit: Uint8Array): UpdateVerdict;
  /** The largest unit (header and body) this base takes. */
  readonly maxUnitBytes: number;
}

let service: UpdateService | undefined;

/** Called once by the update agent. */
export function setUpdateService(s: UpdateService): void {
  service = s;
}

/** The agent's service; throws when the firmware has none (not an updatable base). */
export function updateService(): UpdateService {
  if (!service) throw new Error("this firmware has no update agent (build it with --updatable)");
  return service;
}

/**
 * The bound on a unit a transport receives: a third of the heap free now (the unit must fit beside
 * the previous one and the signature check's copy of the signed message), at most a header and
 * MAX_UNIT_BODY. The agent computes its own at boot the same way.
 */
export function unitLimit(heap: { readonly limit: number; readonly used: number }, maxBody: number, headerSize: number): number {
  return Math.min(headerSize + maxBody, Math.floor((heap.limit - heap.used) / 3));
}

// The engine's timer function as it is when this module is evaluated (before any app's).
const engineSetTimeout = setTimeout;
const transports: Array<() => number> = [];

/** How long a switch waits at most for the transports' connections to end. */
export const IDLE_WAIT_MS = 2000;

/** A network transport of the update service: `openConnections` says how many it is serving now. */
export function addTransport(openConnections: () => number): void {
  transports.push(openConnections);
}

/**
 * Calls `then` (as a job of its own) once no transport has a connection open — the answer that
 * accepted a unit is out and its client gone, so a switch that restarts the firmware cuts no
 * answer short — or after IDLE_WAIT_MS. With no network transport, at the next turn of the loop.
 */
export function whenTransportsIdle(then: () => void, maxMs = IDLE_WAIT_MS): void {
  const until = Date.now() + maxMs;
  const poll = (): void => {
    if (transports.every((open) => open() === 0) || Date.now() >= until) then();
    else engineSetTimeout(poll, 20);
  };
  engineSetTimeout(poll, 0);
}
