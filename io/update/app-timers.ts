/**
 * The timers of the app the update agent runs (docs/updates.md, "Switching"): the agent swaps in
 * setTimeout/setInterval wrappers while the app's code runs, so that every timer the app makes
 * (at start and from its callbacks, which keep the wrappers' bookkeeping) can be cancelled when
 * the agent switches to another app. The agent's own timers use the engine's functions directly.
 */

type Handler = (...args: unknown[]) => void;

const realSetTimeout = globalThis.setTimeout;
const realSetInterval = globalThis.setInterval;
const realClearTimeout = globalThis.clearTimeout;
const realClearInterval = globalThis.clearInterval;

let generation = 0;
const live = new Set<number>();
const intervals = new Set<number>();
let installed = false;

function install(): void {
  if (installed) return;
  installed = true;
  const g = globalThis as unknown as Record<string, unknown>;
  g.setTimeout = (fn: Handler, ms?: number, ...args: unknown[]): number => {
    const gen = generation;
    const id: number = realSetTimeout(() => {
      live.delete(id);
      if (gen === generation) fn(...args);
    }, ms);
    live.add(id);
    return id;
  };
  g.setInterval = (fn: Handler, ms?: number, ...args: unknown[]): number => {
    const gen = generation;
    const id: number = realSetInterval(() => {
      if (gen === generation) fn(...args);
    }, ms);
    live.add(id);
    intervals.add(id);
    return id;
  };
  g.clearTimeout = (id?: number): void => {
    if (id !== undefined) live.delete(id);
    realClearTimeout(id);
  };
  g.clearInterval = (id?: number): void => {
    if (id !== undefined) {
      live.delete(id);
      intervals.delete(id);
    }
    realClearInterval(id);
  };
}

export const appTimers = {
  /** Runs the app's start with the wrappers in place. */
  track<T>(run: () => T): T {
    install();
    return run();
  },
  /** Cancels every timer the app made; callbacks of an older app that are queued are dropped. */
  cancelAll(): void {
    generation++;
    for (const id of live) {
      if (intervals.has(id)) realClearInterval(id);
      else realClearTimeout(id);
    }
    live.clear();
    intervals.clear();
  },
  /** The engine's own functions, for the agent's timers (not the app's). */
  setTimeout: realSetTimeout,
  clearTimeout: realClearTimeout,
};
