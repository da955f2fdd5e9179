/**
 * The firmware heap of a board, computed from board.json the way the linker scripts lay out RAM
 * (hal/arch/<arch>/firmware.ld, hal/arch/linux/linux.ld): from loadAddress + imageMax up to the
 * DMA region (board.json dmaSize, 1 MiB by default; on ARM the page tables below it) under the stacks at the top of RAM.
 * --memory-limit is checked against it before anything is built: the linker's --defsym would wrap
 * a value of 4 GiB or more on a 32-bit board (4097m became 1 MiB), and the engine would silently
 * lower a limit larger than the heap.
 */
import type { Board } from "./boards.ts";
import { UserError } from "./errors.ts";

const MIB = 0x100000;

export interface HeapLayout {
  start: number;
  end: number;
  /** The largest JS memory limit the engine applies as given: engine/src/engine.c
      apply_memory_limit() keeps 1/16 of the heap for the C library and lowers anything above. */
  maxLimit: number;
}

export function heapLayout(board: Board): HeapLayout {
  const { belowStack, belowDma } = board.target.ramLayout;
  const start = board.loadAddress + board.imageMax;
  // ALIGN(guard - 0xfffff, 1 MiB) in the linker scripts: the DMA region's end, rounded down.
  const dmaEnd = Math.floor((board.ramEnd - board.stackSize - belowStack) / MIB) * MIB;
  const end = dmaEnd - board.dmaSize - belowDma;
  const size = Math.max(0, end - start);
  return { start, end, maxLimit: size - Math.floor(size / 16) };
}

const mib = (n: number) => `${(n / MIB).toFixed(1)} MiB`;

/**
 * Refuses a memory limit the board cannot give. `what` says where it came from for the message
 * (the option as the user typed it, or board.json).
 */
export function checkMemoryLimit(board: Board, limit: number, what = `--memory-limit ${limit}`): void {
  const { start, end, maxLimit } = heapLayout(board);
  if (maxLimit <= 0) {
    throw new UserError(`board '${board.name}': board.json leaves no heap (loadAddress + imageMax 0x${start.toString(16)} is above the heap's end 0x${end.toString(16)})`);
  }
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > maxLimit) {
    throw new UserError(
      `${what} is out of range for board '${board.name}': its heap (0x${start.toString(16)}..0x${end.toString(16)}, from ` +
        `loadAddress + imageMax up to the DMA region and stacks below ramEnd) allows a limit of 1 to ${maxLimit} bytes ` +
        `(${mib(maxLimit)}); without --memory-limit the firmware gets all of it`,
    );
  }
}
