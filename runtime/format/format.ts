/**
 * `format(...args)`: Node's util.format — printf-like specifiers in a leading string, then the
 * remaining arguments joined by spaces (strings raw, everything else through `inspect`).
 */
import { isBuiltInName } from "./inspect-brand.ts";
import { inspect } from "./inspect.ts";
import { formatBigInt, formatNumber } from "./inspect-text.ts";

/**
 * %s String (objects without a user toString are inspected at depth 0), %d Number, %i parseInt,
 * %f parseFloat, %j JSON ('[Circular]' for cycles), %o inspect with hidden properties at depth 4,
 * %O inspect, %c consumed and ignored (CSS), %% a percent sign.
 */
export function format(...args: unknown[]): string {
  return formatArgs(args);
}

/** `format` over an argument list (console passes its rest array without re-spreading). */
export function formatArgs(args: readonly unknown[]): string {
  const first = args[0];
  let a = 0;
  let str = "";
  let join = "";

  if (typeof first === "string") {
    if (args.length === 1) return first;
    let lastPos = 0;
    // Most messages have no '%': skip the character loop entirely.
    const firstPercent = first.indexOf("%");
    for (let i = firstPercent === -1 ? first.length : firstPercent; i < first.length - 1; i++) {
      if (first.charCodeAt(i) !== 37) continue;
      const nextChar = first.charCodeAt(++i);
      if (a + 1 !== args.length) {
        let tempStr: string;
        switch (nextChar) {
          case 115: // 's'
            tempStr = formatS(args[++a]);
            break;
          case 106: // 'j'
            tempStr = String(tryStringify(args[++a]));
            break;
          case 100: {
            // 'd'
            const tempNum = args[++a];
            if (typeof tempNum === "bigint") tempStr = formatBigInt(tempNum);
            else if (typeof tempNum === "symbol") tempStr = "NaN";
            else tempStr = formatNumber(Number(tempNum));
            break;
          }
          case 79: // 'O'
            tempStr = inspect(args[++a]);
            break;
          case 111: // 'o'
            tempStr = inspect(args[++a], { showHidden: true, depth: 4 });
            break;
          case 105: {
            // 'i'
            const tempInteger = args[++a];
            if (typeof tempInteger === "bigint") tempStr = formatBigInt(tempInteger);
            else if (typeof tempInteger === "symbol") tempStr = "NaN";
            else tempStr = formatNumber(parseInt(tempInteger as string));
            break;
          }
          case 102: {
            // 'f'
            const tempFloat = args[++a];
            tempStr = typeof tempFloat === "symbol" ? "NaN" : formatNumber(parseFloat(tempFloat as string));
            break;
          }
          case 99: // 'c'
            a += 1;
            tempStr = "";
            break;
          case 37: // '%'
            str += first.slice(lastPos, i);
            lastPos = i + 1;
            continue;
          default:
            // Not a specifier: left in the text as is.
            continue;
        }
        if (lastPos !== i - 1) str += first.slice(lastPos, i - 1);
        str += tempStr;
        lastPos = i + 1;
      } else if (nextChar === 37) {
        str += first.slice(lastPos, i);
        lastPos = i + 1;
      }
    }
    if (lastPos !== 0) {
      a++;
      join = " ";
      if (lastPos < first.length) str += first.slice(lastPos);
    }
  }

  while (a < args.length) {
    const value = args[a];
    str += join;
    str += typeof value !== "string" ? inspect(value) : value;
    join = " ";
    a++;
  }
  return str;
}

function formatS(arg: unknown): string {
  if (typeof arg === "number") return formatNumber(arg);
  if (typeof arg === "bigint") return formatBigInt(arg);
  if (typeof arg !== "object" || arg === null || !hasBuiltInToString(arg)) return String(arg);
  return inspect(arg, { depth: 0, compact: 3 });
}

const hasOwn = (o: object, key: PropertyKey): boolean => Object.prototype.hasOwnProperty.call(o, key);
const returnFalse = (): boolean => false;

/**
 * Whether String(value) would only give "[object Object]"-like text, i.e. neither the object nor
 * a user-defined prototype supplies toString / Symbol.toPrimitive. Such objects are inspected.
 */
function hasBuiltInToString(value: object): boolean {
  const v = value as Record<PropertyKey, unknown>;
  let hasOwnToString = hasOwn;
  let hasOwnToPrimitive = hasOwn;
  if (typeof v.toString !== "function") {
    if (typeof v[Symbol.toPrimitive] !== "function") return true;
    if (hasOwn(value, Symbol.toPrimitive)) return false;
    hasOwnToString = returnFalse;
  } else if (hasOwn(value, "toString")) {
    return false;
  } else if (typeof v[Symbol.toPrimitive] !== "function") {
    hasOwnToPrimitive = returnFalse;
  } else if (hasOwn(value, Symbol.toPrimitive)) {
    return false;
  }
  let pointer = value;
  do {
    pointer = Object.getPrototypeOf(pointer) as object;
  } while (!hasOwnToString(pointer, "toString") && !hasOwnToPrimitive(pointer, Symbol.toPrimitive));
  const descriptor = Object.getOwnPropertyDescriptor(pointer, "constructor");
  return descriptor !== undefined && typeof descriptor.value === "function" && isBuiltInName(descriptor.value.name);
}

function firstLine(err: unknown): string {
  const message = (err as { message?: unknown } | null)?.message;
  return String(message).split("\n", 1)[0];
}

// The engine's own wording for a cycle (V8: "Converting circular structure to JSON", QuickJS:
// "circular reference"), learnt once so only that TypeError becomes '[Circular]'.
let circularMessage: string | undefined;

function tryStringify(arg: unknown): string | undefined {
  try {
    return JSON.stringify(arg);
  } catch (err) {
    if (circularMessage === undefined) {
      const a: { a?: unknown } = {};
      a.a = a;
      try {
        JSON.stringify(a);
      } catch (circularError) {
        circularMessage = firstLine(circularError);
      }
    }
    if (err instanceof TypeError && firstLine(err) === circularMessage) return "[Circular]";
    throw err;
  }
}
