/**
 * The console's fast path: Node's util.format output for argument lists of primitives only, the
 * common `console.log("text", 42)`, without loading the full formatter (runtime/format/format.ts). Returns
 * undefined when the arguments need the full formatter: objects, symbols, or a first string
 * argument that could hold format specifiers.
 */
export function formatPrimitives(args: readonly unknown[]): string | undefined {
  let out = "";
  for (let i = 0; i < args.length; i++) {
    const v = args[i];
    let text: string;
    switch (typeof v) {
      case "string":
        if (i === 0 && v.indexOf("%") >= 0) return undefined;
        text = v;
        break;
      case "number":
        text = v === 0 && 1 / v < 0 ? "-0" : String(v);
        break;
      case "bigint":
        text = `${v}n`;
        break;
      case "boolean":
      case "undefined":
        text = String(v);
        break;
      default:
        if (v !== null) return undefined;
        text = "null";
    }
    out = i === 0 ? text : `${out} ${text}`;
  }
  return out;
}
