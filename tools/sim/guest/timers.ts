/**
 * The engine's timers (engine/src/timers.c) for the simulator's guest: the same rules (HTML's
 * ToInt32 timeout, negative means 0, function handlers only, shared ids, intervals rescheduled
 * from their previous deadline but never into the past), a heap keyed by deadline then creation.
 */
interface Timer {
  deadline: number;
  interval: number;
  seq: number;
  id: number;
  repeat: boolean;
  fn: (...args: unknown[]) => unknown;
  args: unknown[];
}

export interface TimerClock {
  /** Makes sure the board's clock is attached; false if the board has none. */
  ensure(): boolean;
  now(): number;
  ticksFromMs(ms: number): number;
}

export class Timers {
  private readonly heap: Timer[] = [];
  private nextId = 1;
  private nextSeq = 0;

  /** `watch` receives what each callback returns (a promise may reject later). */
  constructor(private readonly clock: TimerClock, private readonly watch: (result: unknown) => void) {}

  get pending(): boolean {
    return this.heap.length > 0;
  }

  get nextDeadline(): number {
    return this.heap[0].deadline;
  }

  get sequence(): number {
    return this.nextSeq;
  }

  set(repeat: boolean, handler: unknown, timeout: unknown, args: unknown[]): number {
    const name = repeat ? "setInterval" : "setTimeout";
    if (typeof handler !== "function") throw new TypeError(`${name}: the handler must be a function`);
    if (!this.clock.ensure()) throw new TypeError(`${name}: this board attached no clock (hal.clock.attach)`);
    let ms = timeout === undefined ? 0 : Number(timeout) | 0;
    if (ms < 0) ms = 0;
    const interval = this.clock.ticksFromMs(ms);
    const t: Timer = { deadline: this.clock.now() + interval, interval, seq: this.nextSeq++, id: this.nextId, repeat, fn: handler as Timer["fn"], args };
    this.push(t);
    this.nextId = this.nextId === 0x7fff_ffff ? 1 : this.nextId + 1;
    return t.id;
  }

  clear(id: unknown): void {
    if (typeof id !== "number") return;
    const i = this.heap.findIndex((t) => t.id === (id | 0));
    if (i >= 0) this.removeAt(i);
  }

  /** Runs the earliest timer if it is due at `now` and older than `seqLimit`; true if one ran. */
  runDue(now: number, seqLimit: number): boolean {
    const t = this.heap[0];
    if (!t || t.deadline > now || ((t.seq - seqLimit) | 0) >= 0) return false;
    this.removeAt(0);
    if (t.repeat) {
      // Back in the list before the callback runs, so that it can clear itself.
      t.deadline += t.interval;
      if (t.deadline <= now) t.deadline = now + t.interval;
      t.seq = this.nextSeq++;
      this.push(t);
    }
    this.watch(t.fn(...t.args));
    return true;
  }

  private before(a: Timer, b: Timer): boolean {
    return a.deadline < b.deadline || (a.deadline === b.deadline && ((a.seq - b.seq) | 0) < 0);
  }

  private push(t: Timer): void {
    this.heap.push(t);
    this.siftUp(this.heap.length - 1);
  }

  private removeAt(i: number): void {
    const h = this.heap;
    const last = h.pop() as Timer;
    if (i === h.length) return;
    h[i] = last;
    this.siftDown(i);
    this.siftUp(i);
  }

  private siftUp(i: number): void {
    const h = this.heap;
    const t = h[i];
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(t, h[parent])) break;
      h[i] = h[parent];
      i = parent;
    }
    h[i] = t;
  }

  private siftDown(i: number): void {
    const h = this.heap;
    const t = h[i];
    for (;;) {
      let child = 2 * i + 1;
      if (child >= h.length) break;
      if (child + 1 < h.length && this.before(h[child + 1], h[child])) child++;
      if (!this.before(h[child], t)) break;
      h[i] = h[child];
      i = child;
    }
    h[i] = t;
  }
}
