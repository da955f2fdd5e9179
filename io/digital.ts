/**
 * One GPIO pin as an input or an output, after the Digital class of ECMA-419 2nd edition (IO class
 * pattern, section 10): an options object with `pin`, `mode`, `edge` and `onReadable`,
 * read()/write()/close(), and exclusive ownership of the pin (a second Digital on a pin of the
 * same port before close() throws). Differences: the port and interrupt router are options (the
 * board opens them), and the modes a port cannot do (InputPullUpDown, OutputOpenDrain on
 * BCM2835) are refused with a RangeError, as the standard allows a host to.
 *
 * Edges: with `edge` and `onReadable`, the pin's edge detectors raise its bank's interrupt line.
 * Several pins share one line (BCM2835: one per 32-pin bank), and a line takes one handler
 * (docs/interrupts.md), so one handler per (port, line) serves every Digital on it: it takes the
 * bank's events once, which clears them and so the interrupt, and calls onReadable of each Digital
 * whose pin had an event. The line is released (irq.off) when the last of them closes.
 */
import type { IrqRouter } from "hal";
import type { DigitalPort } from "../drivers/interfaces/digital-port.ts";

export type DigitalReadableCallback = (this: Digital) => void;

export interface DigitalOptions {
  /** The pin number on `gpio`. */
  readonly pin: number;
  /** Digital.Input, Digital.InputPullUp, Digital.InputPullDown or Digital.Output. */
  readonly mode: number;
  /** Inputs: Digital.Rising, Digital.Falling or both (a bit mask); needed by onReadable. */
  readonly edge?: number;
  /** Called after an edge of `edge` on the pin (from the event loop, not interrupt context). */
  readonly onReadable?: DigitalReadableCallback;
  readonly gpio: DigitalPort;
  /** Routes the port's interrupt lines; needed with onReadable. */
  readonly irq?: IrqRouter;
}

/** A Digital listening for edges: what the shared handler of its line needs. */
interface Listener {
  readonly digital: Digital;
  readonly bank: number;
  readonly bit: number;
  readonly callback: DigitalReadableCallback;
  /** Set once the Digital is open, cleared by close(): a dispatch in progress skips it. */
  active: boolean;
}

/** The listeners on one interrupt line of one port. */
interface LineShare {
  readonly line: number;
  /** The router the handler was installed on (the first Digital's). */
  readonly irq: IrqRouter;
  /**
   * Replaced, never changed in place, when one joins or leaves: a dispatch in progress (whose
   * callbacks may open or close Digitals) keeps the array it started with, and the interrupt path
   * allocates nothing.
   */
  members: readonly Listener[];
  /** Bit b set when a member's pin is in bank b. */
  banks: number;
}

/** What Digitals know about one port: pins in use (a mask per bank) and the shared lines. */
interface PortState {
  readonly claimed: number[];
  readonly shares: LineShare[];
}

/** By port; made on first use so that importing this module costs nothing at boot. */
let ports: WeakMap<DigitalPort, PortState> | undefined;

function portState(port: DigitalPort): PortState {
  const map = (ports ??= new WeakMap());
  let state = map.get(port);
  if (state === undefined) map.set(port, (state = { claimed: [0, 0], shares: [] }));
  return state;
}

/** Adds `l` to the port's share of `line`, installing the line's handler for the first one. */
function join(state: PortState, port: DigitalPort, irq: IrqRouter, line: number, l: Listener): LineShare {
  const shares = state.shares;
  for (let i = 0; i < shares.length; i++) {
    const share = shares[i];
    if (share.line === line) {
      share.members = share.members.concat(l);
      share.banks |= 1 << l.bank;
      return share;
    }
  }
  const share: LineShare = { line, irq, members: [l], banks: 1 << l.bank };
  // Throws if another driver holds the line; then nothing has been recorded.
  irq.on(line, () => dispatch(port, share), { keepAlive: true });
  shares.push(share);
  return share;
}

/** Removes `l` from `share`, and the line's handler with the last one. */
function leave(state: PortState, share: LineShare, l: Listener): void {
  const members = share.members.filter((m) => m !== l);
  let banks = 0;
  for (let i = 0; i < members.length; i++) banks |= 1 << members[i].bank;
  share.members = members;
  share.banks = banks;
  if (members.length !== 0) return;
  const shares = state.shares;
  shares.splice(shares.indexOf(share), 1);
  share.irq.off(share.line);
}

/**
 * The shared handler of one line (a bottom half): takes each bank's events once, which clears
 * them and lowers the line, and calls the listeners whose pins had one. Events of pins nobody
 * listens to are cleared with the rest.
 */
function dispatch(port: DigitalPort, share: LineShare): void {
  const members = share.members;
  const n = members.length;
  for (let bank = 0, banks = share.banks; banks !== 0; bank++, banks >>>= 1) {
    if ((banks & 1) === 0) continue;
    const events = port.takeEvents(bank);
    if (events === 0) continue;
    for (let i = 0; i < n; i++) {
      const l = members[i];
      // A callback may close a later member: it is skipped, and its events are gone.
      if (l.bank === bank && (events & l.bit) !== 0 && l.active) l.callback.call(l.digital);
    }
  }
}

/** ECMA-419 Digital: one GPIO pin as an input (with edge callbacks) or an output; from board().openDigital(). */
export class Digital {
  static readonly Input = 0;
  static readonly InputPullUp = 1;
  static readonly InputPullDown = 2;
  /** Both pulls at once (ECMA-419); no BCM2835 pin can, so the constructor refuses it. */
  static readonly InputPullUpDown = 3;
  static readonly Output = 8;
  /** ECMA-419's open-drain output; BCM2835 has none, so the constructor refuses it. */
  static readonly OutputOpenDrain = 9;
  static readonly Rising = 1;
  static readonly Falling = 2;

  readonly pin: number;
  readonly mode: number;
  private readonly port: DigitalPort;
  private readonly bank: number;
  private readonly bit: number;
  /** When listening for edges: this Digital on its line's share. */
  private listener?: Listener;
  private share?: LineShare;
  private open = false;

  constructor(options: DigitalOptions) {
    const { pin, mode, gpio: port, onReadable } = options;
    const edge = options.edge ?? 0;
    if (pin >>> 0 !== pin) throw new RangeError(`Digital: pin ${pin} is not a pin number`);
    const input = mode === Digital.Input || mode === Digital.InputPullUp || mode === Digital.InputPullDown;
    if (!input && mode !== Digital.Output) throw new RangeError(`Digital: mode ${mode} is not supported`);
    if (edge >>> 0 !== edge || edge > (Digital.Rising | Digital.Falling)) throw new RangeError(`Digital: edge ${edge} is not Rising, Falling or both`);
    if (onReadable !== undefined) {
      if (typeof onReadable !== "function") throw new TypeError("Digital: onReadable must be a function");
      if (!input) throw new RangeError("Digital: onReadable needs an input mode");
      if (edge === 0) throw new TypeError("Digital: onReadable needs edge (Digital.Rising, Digital.Falling or both)");
    }
    // ECMA-419: `edge` only selects when onReadable is called; without one it enables nothing.
    const listen = onReadable !== undefined;
    const irq = options.irq;
    if (listen && irq === undefined) throw new TypeError("Digital: onReadable needs irq (the board's interrupt router)");

    this.pin = pin;
    this.mode = mode;
    this.port = port;
    const bank = (this.bank = pin >>> 5);
    const bit = (this.bit = 1 << (pin & 31));

    const state = portState(port);
    if (((state.claimed[bank] ?? 0) & bit) !== 0) throw new Error(`Digital: pin ${pin} is in use; close() it first`);
    // The line first, as Serial does: irq.on throws if another driver holds it, and then nothing
    // has been changed in the port. interruptLine() also refuses a pin the port does not have.
    if (listen) {
      const l: Listener = (this.listener = { digital: this, bank, bit, callback: onReadable!, active: false });
      this.share = join(state, port, irq!, port.interruptLine(pin), l);
    }
    try {
      if (input) {
        port.setFunction(pin, "input");
        port.setPull(pin, mode === Digital.InputPullUp ? "up" : mode === Digital.InputPullDown ? "down" : "none");
        if (listen) {
          port.clearEvents(bank, bit); // an event from before this Digital is not its business
          port.setEdge(pin, { rising: (edge & Digital.Rising) !== 0, falling: (edge & Digital.Falling) !== 0 });
        }
      } else {
        // The output latch keeps its level (ECMA-419 names no initial value); write() before or
        // after as needed.
        port.setFunction(pin, "output");
      }
    } catch (e) {
      if (this.share !== undefined) leave(state, this.share, this.listener!);
      this.share = this.listener = undefined;
      throw e;
    }
    state.claimed[bank] = (state.claimed[bank] ?? 0) | bit;
    this.open = true;
    if (this.listener !== undefined) this.listener.active = true;
  }

  /** ECMA-419's data format: Digital has only "number" (0 or 1). */
  get format(): "number" {
    return "number";
  }

  set format(value: "number") {
    if (value !== "number") throw new RangeError(`Digital: unsupported format ${String(value)}`);
  }

  /** Whether close() has been called. */
  get closed(): boolean {
    return !this.open;
  }

  /** The pin's level, 0 or 1; for an output, the level it drives. */
  read(): 0 | 1 {
    if (!this.open) throw new Error("Digital: closed");
    return this.port.read(this.pin);
  }

  /** Drives an output: 0 or false low, 1 or true high. An input throws (ECMA-419). */
  write(value: 0 | 1 | boolean): void {
    if (!this.open) throw new Error("Digital: closed");
    if (this.mode !== Digital.Output) throw new Error(`Digital: pin ${this.pin} is an input`);
    this.port.write(this.pin, value);
  }

  /**
   * Releases the pin: disables its edge events and makes it an input (an output stops driving;
   * pulls stay as they are), and releases the interrupt line if this was its last Digital.
   * Closing twice does nothing.
   */
  close(): void {
    if (!this.open) return;
    this.open = false;
    const port = this.port;
    const state = portState(port);
    const share = this.share;
    const listener = this.listener;
    this.share = this.listener = undefined;
    if (listener !== undefined) listener.active = false;
    try {
      if (share !== undefined) {
        port.setEdge(this.pin, {});
        port.clearEvents(this.bank, this.bit);
      }
      port.setFunction(this.pin, "input");
    } finally {
      state.claimed[this.bank] &= ~this.bit;
      if (share !== undefined) leave(state, share, listener!);
    }
  }
}
