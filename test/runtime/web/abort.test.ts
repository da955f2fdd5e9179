import { test } from "uvu";
import * as assert from "uvu/assert";
import * as ours from "../../../runtime/web/abort.ts";

type Impl = { AbortController: typeof AbortController; AbortSignal: typeof AbortSignal; EventTarget: typeof EventTarget; Event: typeof Event };
const node: Impl = { AbortController, AbortSignal, EventTarget, Event };
const mine = ours as unknown as Impl;

/** A script of uses whose observable results are compared between Node's classes and ours. */
function script(m: Impl): unknown[] {
  const out: unknown[] = [];
  const c = new m.AbortController();
  const log: string[] = [];
  c.signal.onabort = (e) => log.push(`on:${e.type}`);
  c.signal.addEventListener("abort", () => log.push("l1"), { once: true });
  c.signal.addEventListener("abort", { handleEvent: () => log.push("l2") });
  c.signal.onabort = (e) => log.push(`on2:${e.isTrusted}`);
  out.push(c.signal.aborted, c.signal.reason);
  const err = new Error("why");
  c.abort(err);
  c.abort("twice");
  out.push(c.signal.aborted, c.signal.reason === err, log.join(","));
  try {
    c.signal.throwIfAborted();
  } catch (e) {
    out.push(e === err);
  }
  const d = new m.AbortController();
  d.abort();
  const r = d.signal.reason as DOMException;
  out.push(r.name, r.message, r.code, r instanceof Error);
  const a = m.AbortSignal.abort(42);
  out.push(a.aborted, a.reason);
  const parent = new m.AbortController();
  const any = m.AbortSignal.any([new m.AbortController().signal, parent.signal]);
  parent.abort("p");
  out.push(any.aborted, any.reason);
  const t = new m.EventTarget();
  let n = 0;
  const f = () => n++;
  t.addEventListener("x", f);
  t.addEventListener("x", f);
  t.addEventListener("x", f, true);
  t.dispatchEvent(new m.Event("x"));
  t.removeEventListener("x", f);
  t.dispatchEvent(new m.Event("x"));
  const ev = new m.Event("y", { cancelable: true });
  t.addEventListener("y", (e) => e.preventDefault());
  out.push(n, t.dispatchEvent(ev), ev.defaultPrevented, ev.eventPhase, ev.target === t, ev.currentTarget);
  const stop: string[] = [];
  t.addEventListener("z", (e) => (stop.push("1"), e.stopImmediatePropagation()));
  t.addEventListener("z", () => stop.push("2"));
  t.dispatchEvent(new m.Event("z"));
  out.push(stop.join(","));
  let thrown = "";
  try {
    new (m.AbortSignal as unknown as new () => AbortSignal)();
  } catch (e) {
    thrown = (e as Error).name;
  }
  out.push(thrown);
  return out;
}

test("AbortController, AbortSignal, EventTarget and Event behave as Node's", () => {
  assert.equal(script(mine), script(node));
});

test("preventDefault in a passive listener does nothing (DOM § 2.9; Node 20 cancels anyway)", () => {
  const t = new ours.EventTarget();
  t.addEventListener("y", (e) => e.preventDefault(), { passive: true });
  const ev = new ours.Event("y", { cancelable: true });
  assert.is(t.dispatchEvent(ev), true);
  assert.is(ev.defaultPrevented, false);
});

test("AbortSignal.timeout aborts with a TimeoutError on setTimeout; a bad delay is a RangeError", async () => {
  const s = ours.AbortSignal.timeout(5);
  assert.is(s.aborted, false);
  await new Promise((r) => setTimeout(r, 30));
  assert.is(s.aborted, true);
  assert.is((s.reason as DOMException).name, "TimeoutError");
  assert.is((s.reason as DOMException).code, 23);
  assert.throws(() => ours.AbortSignal.timeout(-1), RangeError);
});

test.run();
