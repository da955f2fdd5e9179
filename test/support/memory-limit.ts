/** The largest --memory-limit a board's heap allows, as the build and the CLI check it. */
import { loadBoard } from "../../tools/lib/boards.ts";
import { heapLayout } from "../../tools/lib/heap-layout.ts";

export const maxLimit = (board: string): number => heapLayout(loadBoard(board)).maxLimit;
