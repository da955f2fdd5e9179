/**
 * What test/fixtures/modern-js.ts must print: Node's output for the same bundle, with the lines
 * of the ES2024 built-ins Node 20 lacks (it prints "<name> missing" for each), and of the edge
 * cases where Node 20 follows an older edition, replaced by what ECMA-262 2024 gives, worked out
 * by hand from the spec's steps.
 */
import { nodeOutput } from "./node-output.ts";

const ES2024_LINES: Readonly<Record<string, string>> = {
  "Object.groupBy missing": 'Object.groupBy {"odd":[1,3,5],"even":[2,4]} true {"0":["h","e"],"l":["l","l"],"o":["o"]}\ngroupBy errors "TypeError" "TypeError" "RangeError" 1',
  "Map.groupBy missing": 'Map.groupBy [["1",1],["0",2],["2",1],["NaN",2]] true',
  "Promise.withResolvers missing": 'withResolvers 7 "function" "TypeError"',
  "ArrayBuffer.prototype.transfer missing": 'transfer true 0 0 [1,2,3,4] [1,2,3,4,0,0] [9,8]\ntransfer errors "TypeError" "TypeError" "RangeError" "TypeError"',
  "Array.fromAsync missing": 'fromAsync [10,21] ["a","b"] ["x","y"]\nfromAsync errors "TypeError" "TypeError"',
};

/**
 * Node 20's line, then ECMA-262 2024's (engine/patches/0019). "regexp flags": RegExp.prototype
 * [Symbol.match] and [Symbol.replace] read `flags` (steps 4 and 7), where V8 11 still reads
 * `global`. "date setters": Date.prototype.setHours and the other setters convert every argument,
 * then return NaN for an invalid date without storing it (steps 3-8), where V8 11 converts the
 * first argument and then reads the date.
 */
const OLDER_EDITION_LINES: readonly (readonly [string, string])[] = [
  ['regexp flags "no error" "RangeError" "no error" "xaa" ["a"]', 'regexp flags "RangeError" "RangeError" "RangeError" "xxx" ["a","a","a"]'],
  ['date setters "NaN" "NaN" ["h","mo"] "60000" 60000', 'date setters "NaN" "NaN" ["h","m","s","ms","mo","d"] "NaN" 0'],
];

export async function modernJsOutput(app: string): Promise<string> {
  let node = await nodeOutput(app);
  for (const [older, spec] of OLDER_EDITION_LINES) {
    const lines = node.split("\n");
    if (lines.includes(spec)) continue; // a newer Node: its own line is the reference
    if (!lines.includes(older)) throw new Error(`Node printed neither "${older}" nor ECMA-262 2024's "${spec}"`);
    node = lines.map((line) => (line === older ? spec : line)).join("\n");
  }
  for (const missing of Object.keys(ES2024_LINES)) {
    // A newer Node has them: then its own lines are the reference, and this table is not needed.
    if (!node.includes(`${missing}\n`)) throw new Error(`Node printed no "${missing}": compare with its own lines instead`);
  }
  return node.replace(/^.* missing$/gm, (line) => ES2024_LINES[line] ?? line);
}
