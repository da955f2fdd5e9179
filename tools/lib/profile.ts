/**
 * Turns the insn-count plugin's per-block profile into instructions per function, with the
 * firmware's symbol table (nm). For finding where boot time goes; not part of the bench figures.
 */
import { readFile } from "node:fs/promises";
import type { Board } from "./boards.ts";
import { codeSymbols } from "./symbols.ts";

export async function profileByFunction(board: Board, elf: string, profile: string): Promise<Array<[string, number]>> {
  const symbols = await codeSymbols(board, elf);
  const owner = (pc: number): string => {
    let lo = 0;
    let hi = symbols.length - 1;
    if (hi < 0 || pc < symbols[0].addr) return "?";
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (symbols[mid].addr <= pc) lo = mid;
      else hi = mid - 1;
    }
    return symbols[lo].name;
  };
  const totals = new Map<string, number>();
  for (const line of (await readFile(profile, "utf8")).split("\n")) {
    const [vaddr, n, execs] = line.split(" ");
    if (!execs) continue;
    const fn = owner(parseInt(vaddr, 16));
    totals.set(fn, (totals.get(fn) ?? 0) + Number(n) * Number(execs));
  }
  return [...totals].sort((a, b) => b[1] - a[1]);
}
