/**
 * The web globals and the image unit that defines each (runtime/web/): the build's
 * tools/lib/units.ts and the simulator's guest runtime read this table, engine/src/web-globals.c
 * holds the same in C (test/tools/lib/units.test.ts compares them).
 */
export const WEB_GLOBALS: Readonly<Record<string, readonly string[]>> = {
  encoding: ["TextEncoder", "TextDecoder"],
  url: ["URL", "URLSearchParams"],
  abort: ["AbortController", "AbortSignal", "EventTarget", "Event", "DOMException"],
  // stacks/http's Fetch API over the board's default network (runtime/web/http.ts).
  http: ["fetch", "Request", "Response", "Headers"],
  // The HTML Standard's atob, btoa, structuredClone and reportError (runtime/web/html.ts).
  html: ["atob", "btoa", "structuredClone", "reportError"],
  // ES2021's WeakRef and FinalizationRegistry, which the engine lacks (runtime/web/weakref.ts).
  weakref: ["WeakRef", "FinalizationRegistry"],
};
