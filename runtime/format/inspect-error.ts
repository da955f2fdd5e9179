/**
 * Error formatting for `inspect`, following Node 20's formatError: the stack as printed text,
 * "[Name: message]" when there are no frames, the class name worked into the first line, frames
 * shared with `cause` collapsed, and redundant name/message/stack keys hidden.
 */
import { hintOf, isError } from "./inspect-brand.ts";
import { getPrefix } from "./inspect-text.ts";

const errorToString = Error.prototype.toString;

interface ErrorLike {
  name?: unknown;
  message?: unknown;
  stack?: unknown;
  cause?: unknown;
  errors?: unknown;
}

/**
 * The stack in V8's shape, "Name: message\n    at ...". QuickJS keeps only the frames in
 * `err.stack` ("    at f (main.js:3)\n", newline-terminated); Node prints the "Name: message" line
 * first, so it is rebuilt from the error here.
 */
export function stackOf(err: object): string {
  const stack = (err as ErrorLike).stack;
  if (!stack) return errorToString.call(err);
  const text = String(stack);
  if (text.slice(0, 7) !== "    at ") return text;
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 10) end--;
  return `${errorToString.call(err)}\n${text.slice(0, end)}`;
}

export interface ErrorContext {
  readonly showHidden: boolean;
  readonly indentationLvl: number;
}

/**
 * The text Node prints before an error's extra properties. Mutates `keys` as Node does: drops
 * name/message/stack when the stack already shows them, adds `cause` and `errors`.
 */
export function formatError(
  err: object,
  constructor: string | null,
  tag: string,
  ctx: ErrorContext,
  keys: PropertyKey[],
): string {
  const e = err as ErrorLike;
  const name = e.name != null ? String(e.name) : "Error";
  let stack = stackOf(err);

  if (!ctx.showHidden && keys.length !== 0) {
    for (const key of ["name", "message", "stack"]) {
      const index = keys.indexOf(key);
      if (index !== -1 && stack.indexOf(String((e as Record<string, unknown>)[key])) !== -1) keys.splice(index, 1);
    }
  }
  if ("cause" in err && keys.indexOf("cause") === -1) keys.push("cause");
  if (Array.isArray(e.errors) && keys.indexOf("errors") === -1) keys.push("errors");

  stack = improveStack(stack, constructor, name, tag);

  // Frames start after the message (which may itself contain "\n    at"). Node's `|| -1` also
  // turns a message found at index 0 into "search from the start".
  const message = e.message;
  let pos = -1;
  if (message) {
    const found = stack.indexOf(String(message));
    if (found) pos = found;
  }
  if (pos !== -1) pos += (message as { length: number }).length;
  const stackStart = stack.indexOf("\n    at", pos);
  if (stackStart === -1) {
    stack = `[${stack}]`;
  } else {
    const frames = framesWithoutCause(err, stack.slice(stackStart + 1));
    stack = `${stack.slice(0, stackStart)}\n${frames.join("\n")}`;
  }
  if (ctx.indentationLvl !== 0) {
    stack = stack.split("\n").join(`\n${" ".repeat(ctx.indentationLvl)}`);
  }
  return stack;
}

/** Put the constructor's name into the first line: "MyError: x", "Foo [TypeError]: x". */
function improveStack(stack: string, constructor: string | null, name: string, tag: string): string {
  let len = name.length;
  if (
    constructor === null ||
    (name.slice(-5) === "Error" &&
      stack.slice(0, len) === name &&
      (stack.length === len || stack[len] === ":" || stack[len] === "\n"))
  ) {
    let fallback = "Error";
    if (constructor === null) {
      const start =
        /^([A-Z][a-z_ A-Z0-9[\]()-]+)(?::|\n {4}at)/.exec(stack) || /^([a-z_A-Z0-9-]*Error)$/.exec(stack);
      fallback = (start && start[1]) || "";
      len = fallback.length;
      fallback = fallback || "Error";
    }
    const prefix = getPrefix(constructor, tag, fallback).slice(0, -1);
    if (name !== prefix) {
      if (prefix.indexOf(name) !== -1) {
        stack = len === 0 ? `${prefix}: ${stack}` : `${prefix}${stack.slice(len)}`;
      } else {
        stack = `${prefix} [${name}]${stack.slice(len)}`;
      }
    }
  }
  return stack;
}

/** Replace the frames an error shares with its `cause` by "... N lines matching cause stack trace ...". */
function framesWithoutCause(err: object, framePart: string): string[] {
  const frames = framePart.split("\n");
  let cause: unknown;
  try {
    cause = (err as ErrorLike).cause;
  } catch {
    return frames;
  }
  if (cause === null || (typeof cause !== "object" && typeof cause !== "function")) return frames;
  if (!isError(cause, hintOf(cause))) return frames;
  const causeStack = stackOf(cause);
  const causeStart = causeStack.indexOf("\n    at");
  if (causeStart === -1) return frames;
  const causeFrames = causeStack.slice(causeStart + 1).split("\n");
  const { len, offset } = identicalSequenceRange(frames, causeFrames);
  if (len > 0) {
    const skipped = len - 2;
    frames.splice(offset + 1, skipped, `    ... ${skipped} lines matching cause stack trace ...`);
  }
  return frames;
}

/** The first run of more than 3 consecutive equal lines in `a` and `b` (Node's heuristic). */
function identicalSequenceRange(a: string[], b: string[]): { len: number; offset: number } {
  for (let i = 0; i < a.length - 3; i++) {
    const pos = b.indexOf(a[i]);
    if (pos !== -1) {
      const rest = b.length - pos;
      if (rest > 3) {
        let len = 1;
        const maxLen = Math.min(a.length - i, rest);
        while (maxLen > len && a[i + len] === b[pos + len]) len++;
        if (len > 3) return { len, offset: i };
      }
    }
  }
  return { len: 0, offset: 0 };
}
