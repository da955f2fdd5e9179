/**
 * W3C User Timing Level 3 on the engine's `performance` (engine/src/timers.c gives now() and
 * timeOrigin): mark, measure, getEntries, getEntriesByName, getEntriesByType, clearMarks and
 * clearMeasures. A prelude of unit "main" (tools/lib/target-lib.ts ES_PRELUDES), only in a firmware
 * whose code names `performance` and one of these methods: the others carry none of it.
 *
 * The buffer is bounded (a firmware runs for months): at most MAX_ENTRIES marks and measures
 * together are kept, the oldest recorded dropped first (browsers and Node keep every one).
 * PerformanceMark/PerformanceMeasure are not globals here: entries have their shape (§ 4, § 5).
 */

/** Marks and measures kept at most; recording another drops the oldest recorded. */
export const MAX_ENTRIES = 1000;

/** A PerformanceEntry (Performance Timeline § 5): a mark or a measure. */
export interface UserTimingEntry {
  readonly name: string;
  readonly entryType: "mark" | "measure";
  readonly startTime: number;
  readonly duration: number;
  readonly detail: unknown;
  toJSON(): { name: string; entryType: string; startTime: number; duration: number; detail: unknown };
}

/** PerformanceMarkOptions (User Timing § 3.1.1). */
export interface MarkOptions {
  detail?: unknown;
  startTime?: number;
}

/** PerformanceMeasureOptions (User Timing § 3.1.2). */
export interface MeasureOptions {
  detail?: unknown;
  start?: string | number;
  duration?: number;
  end?: string | number;
}

/** The User Timing methods on `performance`. */
export interface UserTiming {
  mark(name: string, options?: MarkOptions): UserTimingEntry;
  measure(name: string, startOrOptions?: string | MeasureOptions, endMark?: string): UserTimingEntry;
  getEntries(): UserTimingEntry[];
  getEntriesByName(name: string, type?: string): UserTimingEntry[];
  getEntriesByType(type: string): UserTimingEntry[];
  clearMarks(name?: string): void;
  clearMeasures(name?: string): void;
}

class Entry implements UserTimingEntry {
  constructor(
    readonly name: string,
    readonly entryType: "mark" | "measure",
    readonly startTime: number,
    readonly duration: number,
    readonly detail: unknown,
  ) {}

  toJSON() {
    return { name: this.name, entryType: this.entryType, startTime: this.startTime, duration: this.duration, detail: this.detail };
  }

  get [Symbol.toStringTag](): string {
    return this.entryType === "mark" ? "PerformanceMark" : "PerformanceMeasure";
  }
}

/** detail is kept as a structured clone (User Timing § 3.1.1 step 5, § 3.1.3 step 5); null when absent. */
const cloneDetail = (detail: unknown): unknown => (detail === undefined || detail === null ? null : structuredClone(detail));

function requireName(count: number, method: string): void {
  if (count === 0) throw new TypeError(`performance.${method}: the "name" argument must be specified`);
}

function timestamp(t: unknown): number {
  const n = Number(t);
  // § 3.1.1 step 2 and § 3.1.4 (convert a mark to a timestamp): a negative time is a TypeError.
  if (!(n >= 0)) throw new TypeError(`${String(t)} is not a valid timestamp`);
  return n;
}

/** The User Timing methods over clock `now` (performance.now). */
export function createUserTiming(now: () => number): UserTiming {
  let entries: Entry[] = [];

  const record = (e: Entry): Entry => {
    if (entries.length >= MAX_ENTRIES) entries.splice(0, entries.length - MAX_ENTRIES + 1);
    entries.push(e);
    return e;
  };

  // § 3.1.4 "convert a mark to a timestamp": a name is its most recent mark's startTime.
  const markTime = (mark: string | number): number => {
    if (typeof mark === "number") return timestamp(mark);
    const name = String(mark);
    for (let i = entries.length - 1; i >= 0; i--) if (entries[i].entryType === "mark" && entries[i].name === name) return entries[i].startTime;
    throw new DOMException(`The "${name}" performance mark has not been set`, "SyntaxError");
  };

  // Performance Timeline § 6 "filter buffer by name and type": in chronological (startTime) order.
  const filtered = (name?: string, type?: string): Entry[] => entries.filter((e) => (name === undefined || e.name === name) && (type === undefined || e.entryType === type)).sort((a, b) => a.startTime - b.startTime);

  const clear = (type: "mark" | "measure", name?: string): void => {
    entries = entries.filter((e) => e.entryType !== type || (name !== undefined && e.name !== name));
  };

  return {
    mark(name: string, options?: MarkOptions): UserTimingEntry {
      requireName(arguments.length, "mark");
      const startTime = options?.startTime !== undefined ? timestamp(options.startTime) : now();
      return record(new Entry(String(name), "mark", startTime, 0, cloneDetail(options?.detail)));
    },

    measure(name: string, startOrOptions?: string | MeasureOptions, endMark?: string): UserTimingEntry {
      requireName(arguments.length, "measure");
      const options = typeof startOrOptions === "object" && startOrOptions !== null ? startOrOptions : undefined;
      // § 3.1.3 step 1: a non-empty options object excludes endMark, needs start or end, and
      // cannot give all three of start, end and duration.
      if (options && (options.start !== undefined || options.end !== undefined || options.duration !== undefined || options.detail !== undefined)) {
        if (endMark !== undefined) throw new TypeError("performance.measure: endMark must not be specified with options");
        if (options.start === undefined && options.end === undefined) throw new TypeError("performance.measure: options must have start or end");
        if (options.start !== undefined && options.end !== undefined && options.duration !== undefined) throw new TypeError("performance.measure: options must not have start, end and duration together");
      }
      const duration = options?.duration !== undefined ? timestamp(options.duration) : undefined;
      // § 3.1.3 step 2: the end time.
      let end: number;
      if (endMark !== undefined) end = markTime(endMark);
      else if (options?.end !== undefined) end = markTime(options.end);
      else if (options?.start !== undefined && duration !== undefined) end = markTime(options.start) + duration;
      else end = now();
      // Step 3: the start time.
      let start: number;
      if (options?.start !== undefined) start = markTime(options.start);
      else if (duration !== undefined && options?.end !== undefined) start = end - duration;
      else if (typeof startOrOptions === "string" || (startOrOptions !== undefined && !options)) start = markTime(String(startOrOptions));
      else start = 0;
      return record(new Entry(String(name), "measure", start, end - start, cloneDetail(options?.detail)));
    },

    getEntries: () => filtered(),
    getEntriesByName: (name: string, type?: string) => filtered(String(name), type === undefined ? undefined : String(type)),
    getEntriesByType: (type: string) => filtered(undefined, String(type)),
    clearMarks: (name?: string) => clear("mark", name === undefined ? undefined : String(name)),
    clearMeasures: (name?: string) => clear("measure", name === undefined ? undefined : String(name)),
  };
}

/** Defines the User Timing methods on `target` (writable, configurable, enumerable as Web IDL operations are) unless it has them. */
export function installUserTiming(target: { now(): number }): void {
  if (typeof (target as Partial<UserTiming>).mark === "function") return;
  const methods = createUserTiming(() => target.now());
  for (const [key, value] of Object.entries(methods)) Object.defineProperty(target, key, { value, writable: true, configurable: true, enumerable: true });
}

// As a prelude: on the global performance (Node's own is left alone, which the unit test relies on).
if (typeof performance === "object" && performance !== null) installUserTiming(performance);
