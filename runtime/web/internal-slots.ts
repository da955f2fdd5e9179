/**
 * The internal slots of the web globals' objects (Web IDL § 3.7: a platform object's state is out
 * of reach of user code): a WeakMap from object to state. Reading it through an object of another
 * kind (`URL.prototype.href.call({})`) throws "Illegal invocation", as Node and browsers do.
 */
export class InternalSlots<O extends object, S> {
  private readonly states = new WeakMap<O, S>();

  /** `kind`: the object named in the TypeError, with its article ("an Event"). */
  constructor(private readonly kind: string) {}

  set(object: O, state: S): void {
    this.states.set(object, state);
  }

  get(object: O): S {
    const state = this.states.get(object);
    if (state === undefined) throw new TypeError(`Illegal invocation: not ${this.kind}`);
    return state;
  }
}
