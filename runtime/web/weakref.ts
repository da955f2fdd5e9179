/**
 * WeakRef and FinalizationRegistry (ES2021, ECMA-262 26.1 and 26.2), which QuickJS 2021-03-27
 * lacks: the image unit "weakref", defined on first use like the web globals
 * (engine/src/web-globals.c). They hold their target strongly: `deref()` returns it for as long
 * as the WeakRef lives, and a registry's cleanup callbacks never run. ECMA-262 allows exactly
 * that (9.10.3: whether and when an object is collected is implementation-defined, and
 * HostEnqueueFinalizationRegistryCleanupJob need never be called), but a cache built on WeakRef
 * keeps what it caches: docs/compatibility.md says so.
 */

/** Whether `v` can be held weakly: an object (ES2023 CanBeHeldWeakly; symbols are not, here). */
function canBeHeldWeakly(v: unknown): v is object {
  return (typeof v === "object" && v !== null) || typeof v === "function";
}

const targets = new WeakMap<object, object>();

export class WeakRef<T extends object> {
  constructor(target: T) {
    if (new.target === undefined) throw new TypeError("Constructor WeakRef requires 'new'");
    if (!canBeHeldWeakly(target)) throw new TypeError("WeakRef: invalid target");
    targets.set(this, target);
  }

  /** 26.1.3.2 WeakRef.prototype.deref */
  deref(): T | undefined {
    const target = targets.get(this);
    if (target === undefined) throw new TypeError("WeakRef.prototype.deref: not a WeakRef");
    return target as T;
  }

  get [Symbol.toStringTag](): string {
    return "WeakRef";
  }
}

interface Cell {
  target: object;
  held: unknown;
  token: object | undefined;
}

const registries = new WeakMap<object, Cell[]>();

export class FinalizationRegistry<T> {
  constructor(cleanup: (held: T) => void) {
    if (new.target === undefined) throw new TypeError("Constructor FinalizationRegistry requires 'new'");
    if (typeof cleanup !== "function") throw new TypeError("FinalizationRegistry: cleanup must be callable");
    registries.set(this, []);
  }

  /** 26.2.3.2: the cell is kept (its target never dies here), so unregister can find it. */
  register(target: object, held: T, token?: object): void {
    const cells = cellsOf(this, "register");
    if (!canBeHeldWeakly(target)) throw new TypeError("FinalizationRegistry.prototype.register: invalid target");
    if (Object.is(target, held)) throw new TypeError("FinalizationRegistry.prototype.register: target and holdings must not be the same");
    if (token !== undefined && !canBeHeldWeakly(token)) throw new TypeError("FinalizationRegistry.prototype.register: invalid unregister token");
    cells.push({ target, held, token });
  }

  /** 26.2.3.3 */
  unregister(token: object): boolean {
    const cells = cellsOf(this, "unregister");
    if (!canBeHeldWeakly(token)) throw new TypeError("FinalizationRegistry.prototype.unregister: invalid unregister token");
    const kept = cells.filter((c) => c.token !== token);
    const removed = kept.length !== cells.length;
    cells.length = 0;
    cells.push(...kept);
    return removed;
  }

  get [Symbol.toStringTag](): string {
    return "FinalizationRegistry";
  }
}

function cellsOf(registry: object, method: string): Cell[] {
  const cells = registries.get(registry);
  if (cells === undefined) throw new TypeError(`FinalizationRegistry.prototype.${method}: not a FinalizationRegistry`);
  return cells;
}
