import { test } from "uvu";
import * as assert from "uvu/assert";
import { InternalSlots } from "../../../runtime/web/internal-slots.ts";

test("an object's state is kept per object and read back", () => {
  const slots = new InternalSlots<object, { n: number }>("a Thing");
  const a = {}, b = {};
  slots.set(a, { n: 1 });
  slots.set(b, { n: 2 });
  assert.is(slots.get(a).n, 1);
  assert.is(slots.get(b).n, 2);
});

test("an object without state is an illegal invocation, naming the kind", () => {
  const slots = new InternalSlots<object, number>("a Thing");
  assert.throws(() => slots.get({}), (e: Error) => e instanceof TypeError && e.message === "Illegal invocation: not a Thing");
});

test.run();
