import { test } from "uvu";
import * as assert from "uvu/assert";
import { atob, btoa, reportError } from "../../../runtime/web/html.ts";

// runtime/web/html.ts against Node's own atob and btoa (WHATWG HTML § 8.3, Infra forgiving-base64).
const inputs = ["", "f", "fo", "foo", "foob", "fooba", "foobar", "\u00ff\u00fe\u00fd", "\u0000\u0001", "é"];

test("btoa matches Node's for Latin-1 strings", () => {
  for (const s of inputs) assert.is(btoa(s), globalThis.btoa(s), JSON.stringify(s));
  assert.is(btoa(null as unknown as string), globalThis.btoa(null as unknown as string));
});

test("btoa refuses a code unit above U+00FF with InvalidCharacterError", () => {
  for (const s of ["€", "a\u0100", "😀"]) {
    assert.throws(() => btoa(s), (e: DOMException) => e.name === "InvalidCharacterError" && e.code === 5);
  }
});

test("atob matches Node's on valid, spaced and padded input", () => {
  const cases = ["", "Zg", "Zg==", "Zm8", "Zm8=", "Zm9v", " Z g = = ", "\tZm9v\nYmFy\f\r", "//79", "AAEC", "YQ"];
  for (const s of cases) assert.is(atob(s), globalThis.atob(s), JSON.stringify(s));
});

test("atob refuses what forgiving-base64 refuses, as Node does", () => {
  const bad = ["Z", "Zg=", "Zg===", "Z===", "Zm9v!", "Zm9=v", "=Zm9", "Zm\u00e99v", "abcde"];
  for (const s of bad) {
    assert.throws(() => globalThis.atob(s), undefined, `Node refuses ${JSON.stringify(s)}`);
    assert.throws(() => atob(s), (e: DOMException) => e.name === "InvalidCharacterError", JSON.stringify(s));
  }
});

test("atob, btoa and reportError need their argument", () => {
  assert.throws(() => (atob as () => string)(), TypeError);
  assert.throws(() => (btoa as () => string)(), TypeError);
  assert.throws(() => (reportError as () => void)(), TypeError);
});

test("reportError throws nothing at the call: it queues the throw as a microtask", () => {
  const queued: (() => void)[] = [];
  const saved = globalThis.queueMicrotask;
  globalThis.queueMicrotask = (f) => queued.push(f);
  try {
    const e = new RangeError("r");
    reportError(e);
    assert.is(queued.length, 1);
    assert.throws(() => queued[0](), (x: unknown) => x === e);
  } finally {
    globalThis.queueMicrotask = saved;
  }
});

test.run();
