/**
 * Line breaking for `inspect`: Node's reduceToSingleString, isBelowBreakLength and
 * groupArrayElements, with their constants, so entries wrap and align exactly as in Node 20.
 */
import { stringWidth } from "./inspect-text.ts";

/** How a container's entries were produced: object properties, array items, or items plus keys. */
export const kObjectType = 0;
export const kArrayType = 1;
export const kArrayExtrasType = 2;

/** The part of the inspection state that layout decisions read. */
export interface LayoutContext {
  readonly compact: number | boolean;
  readonly breakLength: number;
  readonly maxArrayLength: number;
  indentationLvl: number;
  /** Depth of the most recently entered container; Node uses it to limit single-line nesting. */
  currentDepth: number;
}

/**
 * Join the formatted entries of one container. With the default compact=3 the entries go on one
 * line when at most `compact` inner levels are involved and the line stays under breakLength;
 * otherwise one entry per line (arrays of more than 6 entries may first be grouped in columns).
 */
export function reduceToSingleString(
  ctx: LayoutContext,
  output: string[],
  base: string,
  braces: string[],
  extrasType: number,
  recurseTimes: number,
  value?: object,
): string {
  if (ctx.compact !== true) {
    if (typeof ctx.compact === "number" && ctx.compact >= 1) {
      const entries = output.length;
      if (extrasType === kArrayExtrasType && entries > 6) {
        output = groupArrayElements(ctx, output, value);
      }
      // A grouped array never collapses back onto one line (entries !== output.length).
      if (ctx.currentDepth - recurseTimes < ctx.compact && entries === output.length) {
        // Node's "10" is slack for everything else that may share the line.
        const start = output.length + ctx.indentationLvl + braces[0].length + base.length + 10;
        if (isBelowBreakLength(ctx, output, start, base)) {
          const joined = output.join(", ");
          if (joined.indexOf("\n") === -1) {
            return `${base ? `${base} ` : ""}${braces[0]} ${joined} ${braces[1]}`;
          }
        }
      }
    }
    const indentation = `\n${" ".repeat(ctx.indentationLvl)}`;
    return `${base ? `${base} ` : ""}${braces[0]}${indentation}  ${output.join(`,${indentation}  `)}${indentation}${braces[1]}`;
  }
  // compact: true — Node's older layout: fill the first line, then one entry per line.
  if (isBelowBreakLength(ctx, output, 0, base)) {
    return `${braces[0]}${base ? ` ${base}` : ""} ${output.join(", ")} ${braces[1]}`;
  }
  const indentation = " ".repeat(ctx.indentationLvl);
  const ln = base === "" && braces[0].length === 1 ? " " : `${base ? ` ${base}` : ""}\n${indentation}  `;
  return `${braces[0]}${ln}${output.join(`,\n${indentation}  `)} ${braces[1]}`;
}

/** Whether the entries (each followed by a separator) fit in breakLength after `start` columns. */
function isBelowBreakLength(ctx: LayoutContext, output: string[], start: number, base: string): boolean {
  let totalLength = output.length + start;
  if (totalLength + output.length > ctx.breakLength) return false;
  for (let i = 0; i < output.length; i++) {
    totalLength += output[i].length;
    if (totalLength > ctx.breakLength) return false;
  }
  return base === "" || base.indexOf("\n") === -1;
}

/**
 * Node's column grouping for arrays: choose a column count that makes the block roughly square
 * (a character is taken as 2.5 times taller than wide, biased towards more columns for short
 * entries), capped by breakLength, compact*4 and 15. Numbers are right-aligned, anything else
 * left-aligned. Returns the original entries when grouping would not help.
 */
function groupArrayElements(ctx: LayoutContext, output: string[], value: object | undefined): string[] {
  let totalLength = 0;
  let maxLength = 0;
  let outputLength = output.length;
  // The "... n more items" entry does not take part in the columns.
  if (ctx.maxArrayLength < output.length) outputLength--;
  const separatorSpace = 2; // ", "
  const dataLen: number[] = new Array(outputLength);
  for (let i = 0; i < outputLength; i++) {
    const len = stringWidth(output[i]);
    dataLen[i] = len;
    totalLength += len + separatorSpace;
    if (maxLength < len) maxLength = len;
  }
  const actualMax = maxLength + separatorSpace;
  // At least three columns must fit, and one very long entry must not spread the others apart.
  if (actualMax * 3 + ctx.indentationLvl < ctx.breakLength && (totalLength / actualMax > 5 || maxLength <= 6)) {
    const approxCharHeights = 2.5;
    const averageBias = Math.sqrt(actualMax - totalLength / output.length);
    const biasedMax = Math.max(actualMax - 3 - averageBias, 1);
    const columns = Math.min(
      Math.round(Math.sqrt(approxCharHeights * biasedMax * outputLength) / biasedMax),
      Math.floor((ctx.breakLength - ctx.indentationLvl) / actualMax),
      (ctx.compact as number) * 4,
      15,
    );
    if (columns <= 1) return output;
    const maxLineLength: number[] = [];
    for (let i = 0; i < columns; i++) {
      let lineMaxLength = 0;
      for (let j = i; j < output.length; j += columns) {
        if (dataLen[j] > lineMaxLength) lineMaxLength = dataLen[j];
      }
      maxLineLength[i] = lineMaxLength + separatorSpace;
    }
    // Right-align only when every inspected slot is a number or bigint; Node checks value[i] for
    // i below output.length, so extra keys or a "more items" entry make the array left-aligned.
    let padStart = true;
    if (value !== undefined) {
      const items = value as { [index: number]: unknown };
      for (let i = 0; i < output.length; i++) {
        const type = typeof items[i];
        if (type !== "number" && type !== "bigint") {
          padStart = false;
          break;
        }
      }
    }
    const tmp: string[] = [];
    for (let i = 0; i < outputLength; i += columns) {
      const max = Math.min(i + columns, outputLength);
      let str = "";
      let j = i;
      for (; j < max - 1; j++) {
        const padding = maxLineLength[j - i] + output[j].length - dataLen[j];
        const cell = `${output[j]}, `;
        str += padStart ? cell.padStart(padding, " ") : cell.padEnd(padding, " ");
      }
      if (padStart) {
        const padding = maxLineLength[j - i] + output[j].length - dataLen[j] - separatorSpace;
        str += output[j].padStart(padding, " ");
      } else {
        str += output[j];
      }
      tmp.push(str);
    }
    if (ctx.maxArrayLength < output.length) tmp.push(output[outputLength]);
    return tmp;
  }
  return output;
}
