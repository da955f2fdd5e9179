import { test } from "uvu";
import * as assert from "uvu/assert";
import { FinalizationRegistry, WeakRef } from "../../../runtime/web/weakref.ts";

// runtime/web/weakref.ts: ECMA-262 26.1 and 26.2's observable behaviour, with targets held.
test("WeakRef derefs to its target and checks its receiver and target", () => {
  const t = {};
  const r = new WeakRef(t);
  assert.is(r.deref(), t);
  assert.is(Object.prototype.toString.call(r), "[object WeakRef]");
  assert.throws(() => new WeakRef(1 as unknown as object), TypeError);
  assert.throws(() => (WeakRef as unknown as () => void)(), TypeError);
  assert.throws(() => WeakRef.prototype.deref.call({}), TypeError);
  assert.is(new WeakRef(Math.max).deref(), Math.max);
});

test("FinalizationRegistry registers and unregisters by token, as Node's does", () => {
  for (const R of [FinalizationRegistry, globalThis.FinalizationRegistry]) {
    const reg = new R<string>(() => {});
    const target = {};
    const token = {};
    assert.is(reg.register(target, "held", token), undefined);
    assert.is(reg.unregister(token), true, R.name);
    assert.is(reg.unregister(token), false);
    assert.throws(() => reg.register(target, target as unknown as string), TypeError);
    assert.throws(() => reg.register(1 as unknown as object, "x"), TypeError);
    assert.throws(() => reg.unregister(1 as unknown as object), TypeError);
  }
  assert.throws(() => new FinalizationRegistry(1 as unknown as () => void), TypeError);
});

test.run();
