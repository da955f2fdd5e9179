/**
 * The board's card as the update agent keeps apps on it (io/update/keep.ts over files() from
 * "tsmetal"): named by the agent only in bases built with a disk (tools/lib/update-base.ts
 * `keep`), so that other bases carry neither the storage nor the disk unit.
 */
import { files } from "../files.ts";
import { keepOnCard, readCard, type CardState } from "./keep.ts";

export const cardKeeper = {
  read: async (): Promise<CardState> => readCard(await files()),
  keep: async (unit: Uint8Array, version: number): Promise<void> => keepOnCard(await files(), unit, version),
};
