/**
 * A minimal Event and EventTarget (WHATWG DOM Standard § 2.2, § 2.7), enough for AbortSignal and
 * for apps that dispatch their own events: listeners with capture, once, passive and signal
 * options, handleEvent objects, preventDefault, stopImmediatePropagation. There is no tree, so
 * no capturing or bubbling beyond the target itself; a listener that throws is reported as an
 * uncaught error from a microtask (as Node reports it), and the other listeners still run.
 */
import { DOMException } from "./dom-exception.ts";
import { InternalSlots } from "./internal-slots.ts";

export interface EventInit {
  bubbles?: boolean;
  cancelable?: boolean;
  composed?: boolean;
}

interface EventState {
  type: string;
  bubbles: boolean;
  cancelable: boolean;
  composed: boolean;
  canceled: boolean;
  inPassiveListener: boolean;
  stopImmediate: boolean;
  stop: boolean;
  dispatching: boolean;
  isTrusted: boolean;
  target: EventTarget | null;
  currentTarget: EventTarget | null;
}

const eventSlots = new InternalSlots<Event, EventState>("an Event");

export class Event {
  static readonly NONE = 0;
  static readonly CAPTURING_PHASE = 1;
  static readonly AT_TARGET = 2;
  static readonly BUBBLING_PHASE = 3;

  constructor(type: string, init: EventInit = {}) {
    if (arguments.length === 0) throw new TypeError("Event: the type argument is required");
    eventSlots.set(this, {
      type: String(type),
      bubbles: Boolean(init?.bubbles),
      cancelable: Boolean(init?.cancelable),
      composed: Boolean(init?.composed),
      canceled: false,
      inPassiveListener: false,
      stopImmediate: false,
      stop: false,
      dispatching: false,
      isTrusted: false,
      target: null,
      currentTarget: null,
    });
  }

  get type(): string {
    return eventSlots.get(this).type;
  }
  get target(): EventTarget | null {
    return eventSlots.get(this).target;
  }
  get currentTarget(): EventTarget | null {
    return eventSlots.get(this).currentTarget;
  }
  get srcElement(): EventTarget | null {
    return eventSlots.get(this).target;
  }
  get eventPhase(): number {
    return eventSlots.get(this).dispatching ? Event.AT_TARGET : Event.NONE;
  }
  get bubbles(): boolean {
    return eventSlots.get(this).bubbles;
  }
  get cancelable(): boolean {
    return eventSlots.get(this).cancelable;
  }
  get composed(): boolean {
    return eventSlots.get(this).composed;
  }
  get defaultPrevented(): boolean {
    return eventSlots.get(this).canceled;
  }
  get isTrusted(): boolean {
    return eventSlots.get(this).isTrusted;
  }
  get cancelBubble(): boolean {
    return eventSlots.get(this).stop;
  }
  set cancelBubble(value: boolean) {
    if (value) eventSlots.get(this).stop = true;
  }
  get returnValue(): boolean {
    return !eventSlots.get(this).canceled;
  }
  set returnValue(value: boolean) {
    if (!value) this.preventDefault();
  }

  composedPath(): EventTarget[] {
    const s = eventSlots.get(this);
    return s.dispatching && s.currentTarget !== null ? [s.currentTarget] : [];
  }

  preventDefault(): void {
    const s = eventSlots.get(this);
    if (s.cancelable && !s.inPassiveListener) s.canceled = true;
  }

  stopPropagation(): void {
    eventSlots.get(this).stop = true;
  }

  stopImmediatePropagation(): void {
    const s = eventSlots.get(this);
    s.stop = s.stopImmediate = true;
  }

  get [Symbol.toStringTag](): string {
    return "Event";
  }
}

/** Marks `event` as dispatched by the runtime (AbortSignal's "abort"), as isTrusted says. */
export function markTrusted(event: Event): void {
  eventSlots.get(event).isTrusted = true;
}

export type EventListener = ((event: Event) => void) | { handleEvent(event: Event): void };

export interface AddEventListenerOptions {
  capture?: boolean;
  once?: boolean;
  passive?: boolean;
  signal?: AbortSignalLike;
}

/** What addEventListener's `signal` option needs (abort.ts's AbortSignal). */
interface AbortSignalLike {
  readonly aborted: boolean;
  addEventListener(type: "abort", listener: () => void, options?: { once?: boolean }): void;
}

interface Listener {
  type: string;
  callback: EventListener;
  capture: boolean;
  once: boolean;
  passive: boolean;
  removed: boolean;
}

const targetSlots = new InternalSlots<EventTarget, Listener[]>("an EventTarget");

function flatten(options: boolean | { capture?: boolean } | undefined): boolean {
  return typeof options === "boolean" ? options : Boolean(options?.capture);
}

export class EventTarget {
  constructor() {
    targetSlots.set(this, []);
  }

  addEventListener(type: string, callback: EventListener | null, options?: boolean | AddEventListenerOptions): void {
    const list = targetSlots.get(this);
    if (callback === null || callback === undefined) return;
    if (typeof callback !== "function" && (typeof callback !== "object")) {
      throw new TypeError("EventTarget.addEventListener: the listener must be a function or an object");
    }
    const o = typeof options === "object" && options !== null ? options : {};
    const capture = flatten(options);
    const signal = o.signal;
    if (signal !== undefined && signal.aborted) return;
    const t = String(type);
    if (list.some((l) => l.type === t && l.callback === callback && l.capture === capture && !l.removed)) return;
    const listener: Listener = { type: t, callback, capture, once: Boolean(o.once), passive: Boolean(o.passive), removed: false };
    list.push(listener);
    if (signal !== undefined) signal.addEventListener("abort", () => removeListener(this, listener), { once: true });
  }

  removeEventListener(type: string, callback: EventListener | null, options?: boolean | { capture?: boolean }): void {
    const list = targetSlots.get(this);
    const t = String(type);
    const capture = flatten(options);
    const l = list.find((x) => x.type === t && x.callback === callback && x.capture === capture && !x.removed);
    if (l !== undefined) removeListener(this, l);
  }

  dispatchEvent(event: Event): boolean {
    const s = eventSlots.get(event);
    if (s.dispatching) throw new DOMException("EventTarget.dispatchEvent: the event is already being dispatched", "InvalidStateError");
    s.dispatching = true;
    s.target = s.currentTarget = this;
    try {
      // The listeners at the time of dispatch; one removed meanwhile is skipped (its flag).
      for (const l of targetSlots.get(this).slice()) {
        if (l.removed || l.type !== s.type) continue;
        if (l.once) removeListener(this, l);
        s.inPassiveListener = l.passive;
        try {
          if (typeof l.callback === "function") l.callback.call(this, event);
          else if (typeof l.callback.handleEvent === "function") l.callback.handleEvent(event);
          else throw new TypeError("EventTarget: the listener object has no handleEvent method");
        } catch (e) {
          // DOM § 2.10 "inner invoke": report the exception, go on with the others.
          queueMicrotask(() => {
            throw e;
          });
        }
        s.inPassiveListener = false;
        if (s.stopImmediate) break;
      }
    } finally {
      s.dispatching = false;
      s.currentTarget = null;
      s.stop = s.stopImmediate = false;
    }
    return !s.canceled;
  }

  get [Symbol.toStringTag](): string {
    return "EventTarget";
  }
}

function removeListener(target: EventTarget, l: Listener): void {
  l.removed = true;
  const list = targetSlots.get(target);
  const i = list.indexOf(l);
  if (i >= 0) list.splice(i, 1);
}
