/**
 * `update` from "tsmetal" (docs/updates.md, "Safe switch"): what a deployed app sees of the
 * update agent. An app that was switched to must call update.confirm() before the base's confirm
 * time runs out, or the base returns to the previous app. In a firmware without the agent
 * (not built with --updatable) there is nothing to confirm: confirm() returns false.
 */

/** What the update agent (io/update/agent.ts) plugs in. */
export interface UpdateAgentHooks {
  confirm(): boolean;
  version(): number;
  pending(): boolean;
}

let agent: UpdateAgentHooks | undefined;

/** Called once by the update agent. */
export function setUpdateAgent(hooks: UpdateAgentHooks): void {
  agent = hooks;
}

/** The running app's view of live updates. */
export const update = {
  /** Keeps the running app: ends the confirm time after a switch. True if there was a switch to
      confirm; false when the app was already confirmed or the firmware has no update agent. */
  confirm(): boolean {
    return agent ? agent.confirm() : false;
  },
  /** The running app's version (the unit header's), or undefined without an update agent. */
  get version(): number | undefined {
    return agent?.version();
  },
  /** Whether the running app still has to confirm itself. */
  get pending(): boolean {
    return agent ? agent.pending() : false;
  },
};
