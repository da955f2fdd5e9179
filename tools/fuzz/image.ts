/**
 * The image half of `npm run fuzz`: builds a firmware that uses every unit (test/fixtures/
 * image-fuzz.ts), then boots it under QEMU with its bytecode image or engine snapshot damaged —
 * bit flips, changed bytes, 00000000/FFFFFFFF words, erased (FF) runs, truncation, trailing
 * bytes — in every region: header, unit table, each unit, the snapshot's header and body. Every
 * damaged image must be refused with exit 2 and a "tsmetal: refusing" message: accepted
 * (whatever it then printed), hung or faulted are failures. In-place changes patch the linked
 * ELF's sections; cuts and appends change the section's size, so those relink.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { buildFirmware, type Firmware } from "../lib/build.ts";
import { buildEngineLibrary } from "../lib/engine.ts";
import { imageLayout, SNAPSHOT_HEADER_SIZE } from "../lib/image-format.ts";
import { link } from "../lib/link.ts";
import { repoPath } from "../lib/paths.ts";
import { runQemu, type QemuResult } from "../lib/qemu.ts";
import { engineSnapshot } from "../lib/snapshot.ts";
import { pool } from "../lib/toolchain.ts";
import { UserError } from "../lib/errors.ts";
import { elfSections } from "./elf-sections.ts";
import { Rng } from "./rng.ts";
import { apply, describe, KINDS, mutation, type Kind, type Mutation, type Region } from "./mutate.ts";

export const FUZZ_APP = repoPath("test/fixtures/image-fuzz.ts");

export type Outcome = "refused" | "acceptedSame" | "acceptedChanged" | "hang" | "fault";
export const OUTCOMES: Outcome[] = ["refused", "acceptedSame", "acceptedChanged", "hang", "fault"];

export interface ImageFuzzOptions {
  board: string;
  seed: number;
  /** Mutations in all, spread evenly over the regions and kinds. */
  iterations: number;
  /** Only these regions (names as listed by imageRegions); all when absent. */
  regions?: string[];
  /** Seconds before a boot counts as a hang. */
  timeoutS: number;
  log: (line: string) => void;
}

export interface ImageFuzzResult {
  regions: string[];
  counts: Map<string, Record<Outcome | "tried", number>>;
  failures: string[];
}

/** The regions of a firmware's bytecode image and snapshot, in section offsets. */
export function imageRegions(blob: Buffer, snapshot: Buffer | null): Region[] {
  const layout = imageLayout(blob);
  const regions: Region[] = [
    { name: "header", section: "bytecode", start: 0, end: 40 },
    { name: "table", section: "bytecode", start: 40, end: layout.tableEnd },
    ...layout.units.map((u, i): Region => ({ name: i === 0 ? "main" : `unit:${u.name}`, section: "bytecode", start: u.offset, end: u.offset + u.padded })),
  ];
  if (snapshot) {
    regions.push({ name: "snapshot-header", section: "snapshot", start: 0, end: SNAPSHOT_HEADER_SIZE });
    regions.push({ name: "snapshot", section: "snapshot", start: SNAPSHOT_HEADER_SIZE, end: snapshot.length });
  }
  return regions;
}

/** The image's regions and the trailing bytes after each section, with the kinds each gets. */
export interface Target {
  region: Region;
  kinds: Kind[];
}

export function targets(regions: Region[], sections: Record<"bytecode" | "snapshot", Buffer | null>): Target[] {
  const out: Target[] = regions.map((region) => ({ region, kinds: [...KINDS] }));
  for (const s of ["bytecode", "snapshot"] as const) {
    const bytes = sections[s];
    if (bytes) out.push({ region: { name: `${s}-trailing`, section: s, start: bytes.length, end: bytes.length }, kinds: ["append"] });
  }
  return out;
}

/** The mutations a seed stands for: target k % T, its kinds in turn. */
export function plan(chosen: Target[], sections: Record<"bytecode" | "snapshot", Buffer | null>, seed: number, iterations: number): Mutation[] {
  const r = new Rng(seed);
  const next = (): number => r.u32();
  const out: Mutation[] = [];
  for (let k = 0; k < iterations && chosen.length > 0; k++) {
    const { region, kinds } = chosen[k % chosen.length];
    const kind = kinds[Math.floor(k / chosen.length) % kinds.length];
    const section = sections[region.section];
    if (!section) continue;
    const m = mutation(next, region, kind, section) ?? mutation(next, region, "flip", section);
    if (m) out.push(m);
  }
  return out;
}

function classify(r: QemuResult, control: QemuResult): Outcome {
  if (r.timedOut) return "hang";
  // 4: the CPU fault handler's exit code; 125: QEMU itself failed (docs/build-pipeline.md).
  if (r.code === 4 || r.code === 125) return "fault";
  if (r.code === 2 && /tsmetal: refusing /.test(r.output)) return "refused";
  if (r.code === control.code && r.output === control.output) return "acceptedSame";
  return "acceptedChanged";
}

export async function fuzzImage(opts: ImageFuzzOptions): Promise<ImageFuzzResult> {
  const fw: Firmware = await buildFirmware({ board: opts.board, app: FUZZ_APP });
  if (fw.board.target.linux) throw new UserError(`the image fuzz boots under QEMU; '${opts.board}' is a Linux userspace board`);
  const engine = await buildEngineLibrary(fw.board);
  const snapshotFile = await engineSnapshot(fw.board, engine);
  const blob = await readFile(fw.blob);
  const snapshot = snapshotFile ? await readFile(snapshotFile) : null;
  const elf = await readFile(fw.elf);
  const sections = elfSections(elf);
  const where = { bytecode: sections.get(".tsm_bytecode"), snapshot: sections.get(".tsm_snapshot") };
  if (!where.bytecode || !elf.subarray(where.bytecode.offset, where.bytecode.offset + blob.length).equals(blob)) {
    throw new UserError(`${fw.elf}: its .tsm_bytecode section is not ${fw.blob}`);
  }
  if (snapshot && (!where.snapshot || !elf.subarray(where.snapshot.offset, where.snapshot.offset + snapshot.length).equals(snapshot))) {
    throw new UserError(`${fw.elf}: its .tsm_snapshot section is not ${snapshotFile}`);
  }

  const bySection = { bytecode: blob, snapshot };
  const all = targets(imageRegions(blob, snapshot), bySection);
  const known = all.map((t) => t.region.name);
  for (const r of opts.regions ?? []) {
    if (!known.includes(r)) throw new UserError(`--region ${r}: no such region on ${opts.board}; regions: ${known.join(", ")}`);
  }
  const chosen = all.filter((t) => !opts.regions || opts.regions.includes(t.region.name));
  const mutations = plan(chosen, bySection, opts.seed, opts.iterations);

  const tmp = await mkdtemp(path.join(os.tmpdir(), "tsmetal-fuzz-"));
  try {
    const boot = (file: string) => runQemu({ board: fw.board, elf: file, timeoutS: opts.timeoutS, input: "", onOutput: () => {} });
    const control = await boot(fw.elf);
    if (control.code !== 0 || control.timedOut) {
      throw new UserError(`the unmodified fuzz firmware must exit 0; it exited ${control.code}:\n${control.output}${control.stderr}`);
    }
    const names = chosen.map((t) => t.region.name);
    const counts = new Map(names.map((n) => [n, { tried: 0, refused: 0, acceptedSame: 0, acceptedChanged: 0, hang: 0, fault: 0 }]));
    const failed: Array<string | undefined> = [];
    opts.log(`fuzz ${opts.board}: seed ${opts.seed}, ${mutations.length} damaged images over ${names.length} regions`);

    await pool(
      mutations.map((m, i) => async () => {
        const dir = path.join(tmp, String(i));
        let file: string;
        if (m.kind === "truncate" || m.kind === "append") {
          // The section's size changes: relink with the changed file.
          await mkdir(dir, { recursive: true });
          const changed = path.join(dir, m.section === "bytecode" ? "bytecode.tsmb" : "snapshot.bin");
          await writeFile(changed, apply(bySection[m.section] ?? Buffer.alloc(0), m));
          const linked = await link(fw.board, engine, m.section === "bytecode" ? changed : fw.blob, dir, {
            snapshot: m.section === "snapshot" ? changed : snapshotFile,
            elfName: "fuzz.elf",
          });
          file = linked.elf;
        } else {
          const range = where[m.section];
          if (!range) throw new Error(`no ${m.section} section`);
          const patched = Buffer.from(elf);
          m.bytes.copy(patched, range.offset + m.offset);
          file = path.join(tmp, `${i}.elf`);
          await writeFile(file, patched);
        }
        const r = await boot(file);
        const outcome = classify(r, control);
        const c = counts.get(m.region);
        if (c) {
          c.tried++;
          c[outcome]++;
        }
        if (outcome !== "refused") {
          const tail = (r.output + r.stderr).trim().split("\n").slice(-3).join(" | ");
          failed[i] = `#${i} ${describe(m)}: ${outcome} (exit ${r.code}): ${tail}`;
        }
        await rm(dir, { recursive: true, force: true });
        await rm(file, { force: true });
      }),
      2,
    );
    // In mutation order, whichever boot finished first.
    const failures = failed.filter((f): f is string => f !== undefined);
    return { regions: names, counts, failures };
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** The per-region table `npm run fuzz` prints. */
export function summary(result: ImageFuzzResult): string[] {
  const head = ["region", "tried", "refused(2)", "accepted-same", "accepted-changed", "hangs", "faults"];
  const rows = result.regions.map((n) => {
    const c = result.counts.get(n) ?? { tried: 0, refused: 0, acceptedSame: 0, acceptedChanged: 0, hang: 0, fault: 0 };
    return [n, c.tried, c.refused, c.acceptedSame, c.acceptedChanged, c.hang, c.fault].map(String);
  });
  const total = head.slice(1).map((_, i) => String(rows.reduce((s, r) => s + Number(r[i + 1]), 0)));
  rows.push(["total", ...total]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  return [head, ...rows].map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  "));
}
