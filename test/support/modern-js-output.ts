/**
 * What test/fixtures/modern-js.ts must print: Node's output for the same bundle, with the lines
 * of the ES2024 built-ins Node 20 lacks (it prints "<name> missing" for each) replaced by what
 * ECMA-262 2024 gives, worked out by hand from the spec's steps.
 */
import { nodeOutput } from "./node-output.ts";

const ES2024_LINES: Readonly<Record<string, string>> = {
  "Object.groupBy missing": 'Object.groupBy {"odd":[1,3,5],"even":[2,4]} true {"0":["h","e"],"l":["l","l"],"o":["o"]}\ngroupBy errors "TypeError" "TypeError" "RangeError" 1',
  "Map.groupBy missing": 'Map.groupBy [["1",1],["0",2],["2",1],["NaN",2]] true',
  "Promise.withResolvers missing": 'withResolvers 7 "function" "TypeError"',
  "ArrayBuffer.prototype.transfer missing": 'transfer true 0 0 [1,2,3,4] [1,2,3,4,0,0] [9,8]\ntransfer errors "TypeError" "TypeError" "RangeError" "TypeError"',
  "Array.fromAsync missing": 'fromAsync [10,21] ["a","b"] ["x","y"]\nfromAsync errors "TypeError" "TypeError"',
};

export async function modernJsOutput(app: string): Promise<string> {
  const node = await nodeOutput(app);
  for (const missing of Object.keys(ES2024_LINES)) {
    // A newer Node has them: then its own lines are the reference, and this table is not needed.
    if (!node.includes(`${missing}\n`)) throw new Error(`Node printed no "${missing}": compare with its own lines instead`);
  }
  return node.replace(/^.* missing$/gm, (line) => ES2024_LINES[line] ?? line);
}
