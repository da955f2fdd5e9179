import { boardNames, loadBoard } from "../lib/boards.ts";
import { parseOptions } from "../lib/options.ts";

export async function boardsCommand(argv: string[]): Promise<number> {
  parseOptions(argv, {}); // no options: anything given is refused
  const rows = boardNames().map((n) => {
    const b = loadBoard(n);
    return [n, b.arch, b.soc, b.qemu.machine, b.description];
  });
  const head = ["board", "arch", "soc", "qemu", "description"];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  for (const r of [head, ...rows]) console.log(r.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd());
  return 0;
}
