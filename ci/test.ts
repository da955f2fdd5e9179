/**
 * npm test: type-check (tools and tests with Node's types; firmware code with the target's
 * ES2020 library), then the uvu suites: unit tests (test/<source path>.test.ts), simulator tests (test/sim) and
 * QEMU boot tests (test/qemu), and npm run fuzz with a small fixed seed budget on pizero and sifive_u.
 * Ends with one line "N passed, N failed" and a non-zero exit if anything failed.
 */
import { spawnSync } from "node:child_process";
import { repoPath } from "../tools/lib/paths.ts";

interface Step {
  name: string;
  cmd: string[];
  /** uvu prints "Passed: N" / "Total: N"; a type-check counts as one test. */
  uvu: boolean;
}

const uvu = (dir: string, ...ignore: string[]): string[] => [
  process.execPath, "--import", "tsx", repoPath("node_modules/uvu/bin.js"), dir, "\\.test\\.ts$", ...ignore.flatMap((i) => ["-i", i]),
];
const tsc = repoPath("node_modules/.bin/tsc");
const only = process.argv[2];

const steps: Step[] = [
  { name: "typecheck tools and tests", cmd: [tsc, "-p", repoPath("tsconfig.json")], uvu: false },
  { name: "typecheck firmware", cmd: [tsc, "-p", repoPath("tsconfig.firmware.json")], uvu: false },
  // Unit tests sit at paths mirroring their source (test/drivers/uart/pl011.test.ts for
  // drivers/uart/pl011.ts); the boot and simulator suites and the fixtures are apart.
  { name: "unit tests", cmd: uvu("test", "^(qemu|sim|fixtures|support)(/|$)"), uvu: true },
  { name: "simulator tests", cmd: uvu("test/sim"), uvu: true },
  { name: "QEMU boot tests", cmd: uvu("test/qemu"), uvu: true },
  // npm run fuzz with a small fixed-seed budget (image fuzz, then the JS-level one if present).
  ...["pizero", "sifive_u"].map((board) => ({
    name: `fuzz ${board}`,
    cmd: [process.execPath, "--import", "tsx", repoPath("tools/cli.ts"), "fuzz", "--board", board, "--seed", "1", "--iterations", "18", "--js-iterations", "80", "--timeout", "20"],
    uvu: false,
  })),
].filter((s) => !only || s.name.includes(only));

let passed = 0;
let failed = 0;
for (const step of steps) {
  console.log(`\n== ${step.name}`);
  const r = spawnSync(step.cmd[0], step.cmd.slice(1), { cwd: repoPath(), encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  process.stdout.write(r.stdout);
  if (step.uvu) {
    const plain = r.stdout.replace(/\x1b\[[0-9;]*m/g, "");
    const total = Number(/Total:\s+(\d+)/.exec(plain)?.[1] ?? 0);
    const ok = Number(/Passed:\s+(\d+)/.exec(plain)?.[1] ?? 0);
    passed += ok;
    failed += total - ok;
    // A crashed or empty suite must not look like success.
    if (r.status !== 0 && total === ok) failed += 1;
    if (total === 0 && r.status === 0) {
      console.log(`${step.name}: ran no tests`);
      failed += 1;
    }
  } else if (r.status === 0) {
    passed += 1;
  } else {
    failed += 1;
  }
}
console.log(`\n${passed} passed, ${failed} failed`);
process.exitCode = failed === 0 ? 0 : 1;
