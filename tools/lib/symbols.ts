/** The firmware's code symbols (nm), for the profile and for bench marks at named functions. */
import type { Board } from "./boards.ts";
import { requireTool, run } from "./toolchain.ts";

export interface CodeSymbol {
  addr: number;
  name: string;
}

/** Function symbols (local ones included), by ascending address. */
export async function codeSymbols(board: Board, elf: string): Promise<CodeSymbol[]> {
  const nm = await requireTool(board.target.nm);
  return (await run(nm, ["-n", elf], "reading symbols"))
    .split("\n")
    .map((l) => l.split(" "))
    .filter((p) => p.length === 3 && /^[tTwW]$/.test(p[1]))
    .map(([addr, , name]) => ({ addr: parseInt(addr, 16), name }));
}

/** The address of function `name`; throws if the image has none. */
export function symbolAddress(symbols: readonly CodeSymbol[], name: string): number {
  const s = symbols.find((x) => x.name === name);
  if (!s) throw new Error(`symbol '${name}' not found in the firmware`);
  return s.addr;
}
