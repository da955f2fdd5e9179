// The TSC and APIC timer frequencies of hal/arch/amd64/cpu-timer.c on the host, over simulated
// VMs (test/hal/arch/amd64/cpu-timer_harness.c): the sources QEMU's TCG cannot present (CPUID
// leaves 0x40000010, 0x15, 0x16), the order they are tried in, and the message when none answers.
// The PIT path and the error under QEMU are booted in test/qemu/amd64.test.ts.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { execFileSync, spawnSync } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { repoPath } from "../../../../tools/lib/paths.ts";

const dir = mkdtempSync(path.join(os.tmpdir(), "tsmetal-cpu-timer-"));
const bin = path.join(dir, "cpu-timer_harness");

test.before(() => {
  // cpu-timer.c is copied out so that its #include "arch.h" finds the harness's, not the target's.
  copyFileSync(repoPath("hal/arch/amd64/cpu-timer.c"), path.join(dir, "cpu-timer.c"));
  execFileSync("cc", ["-O1", "-g", "-Wall", "-Werror", `-I${dir}`, `-I${repoPath("test/hal/arch/amd64/cpu-timer-host")}`, repoPath("test/hal/arch/amd64/cpu-timer_harness.c"), "-o", bin]);
});
test.after(() => rmSync(dir, { recursive: true, force: true }));

interface Clock {
  hz: number;
  apic: number;
  /** The APIC timer's initial count for a deadline 1 ms ahead. */
  count1ms: number;
}

interface Search {
  /** The clock, or the message of a search that found no source. */
  result: Clock | string;
  /** Port accesses the search made. */
  ports: number;
}

function search(...args: string[]): Search {
  const r = spawnSync(bin, args, { encoding: "utf8" });
  assert.is(r.status, 0, r.stderr);
  const m = /^hz (\d+) apic (\d+) count1ms (\d+)\nports (\d+)\n$/.exec(r.stdout);
  if (m) return { result: { hz: Number(m[1]), apic: Number(m[2]), count1ms: Number(m[3]) }, ports: Number(m[4]) };
  const e = /^error (.*)\nports (\d+)\n$/.exec(r.stdout);
  assert.ok(e, r.stdout);
  return { result: e[1], ports: Number(e[2]) };
}

function clock(...args: string[]): Clock {
  const { result } = search(...args);
  if (typeof result === "string") assert.unreachable(`expected a clock, got: ${result}`);
  return result as Clock;
}

function error(...args: string[]): string {
  const { result } = search(...args);
  assert.type(result, "string", `expected no clock, got ${JSON.stringify(result)}`);
  return result as string;
}

const leaf = (n: number, ...regs: number[]) => `leaf=${n}:${[0, 1, 2, 3].map((i) => regs[i] ?? 0).join(":")}`;
// "KVMKVMKVM\0\0\0" as EBX, ECX, EDX.
const KVM = [0x4b4d564b, 0x564b4d56, 0x4d];
// Cloud Hypervisor's hypervisor range, up to its timing leaf: 2.1 GHz TSC, KVM's 1 GHz APIC timer.
const cloudHypervisor = [leaf(0x40000000, 0x40000010, ...KVM), leaf(0x40000010, 2_100_000, 1_000_000)];
// KVM's range without the timing leaf (Firecracker).
const kvmOnly = leaf(0x40000000, 0x40000001, ...KVM);
// An Intel crystal leaf: 24 MHz crystal, TSC/crystal = 176/2: 2.112 GHz.
const crystal = [leaf(0, 0x16), leaf(0x15, 2, 176, 24_000_000)];
const measuredApic = (c: Clock) => assert.ok(c.apic > 990_000_000 && c.apic <= 1_000_000_000, `apic ${c.apic}: not measured against the TSC`);

test("Cloud Hypervisor: leaf 0x40000010 gives the TSC (the top of its kHz) and the 1 GHz APIC timer", () => {
  const c = clock("hv", ...cloudHypervisor);
  assert.is(c.hz, 2_100_000_999);
  assert.is(c.apic, 1_000_000_000);
  // 1 ms of TSC is 2,100,000 ticks: at 1 GHz, 999,999 APIC ticks (rounded down: never late).
  assert.is(c.count1ms, 999_999);
});

test("leaf 0x40000010 comes before the PIT and leaf 0x15 under a hypervisor", () => {
  assert.is(clock("hv", "pit", ...crystal, ...cloudHypervisor).hz, 2_100_000_999);
});

test("under a hypervisor the PIT comes before leaf 0x15, which is the last resort, with the APIC timer measured", () => {
  const c = clock("hv", "pit", "tsc=1500000000", ...crystal, kvmOnly);
  assert.ok(c.hz >= 1_500_000_000 && c.hz < 1_500_150_000, `measured ${c.hz}`);
  // Without the PIT: leaf 0x15's TSC, but not its crystal for the APIC timer (KVM's runs at 1 GHz).
  const d = clock("hv", ...crystal, kvmOnly);
  assert.is(d.hz, 2_112_000_000);
  measuredApic(d);
});

test("the PIT: measured, never under, and looked for by its read-back status before any poll", () => {
  for (const tsc of [2_000_000_000, 3_012_345_678, 1_000_000]) {
    const c = clock("hv", "pit", `tsc=${tsc}`, kvmOnly);
    // Rounded up by one poll at each end: ~800 TSC ticks here (40 ppm at 2 GHz; at 1 MHz, where
    // one poll is 400 us, only "never under" holds).
    assert.ok(c.hz >= tsc && (tsc < 1e9 || c.hz < tsc * 1.0001), `tsc ${tsc}: measured ${c.hz}`);
    if (tsc >= 1e9) measuredApic(c);
  }
  // No PIT: a handful of port accesses (each a VM exit to user space on Cloud Hypervisor), not
  // the million polls that would find its count never changing.
  const none = search("hv", kvmOnly);
  assert.type(none.result, "string");
  assert.ok(none.ports < 20, `${none.ports} port accesses`);
});

test("bare metal: leaf 0x15 gives the TSC before the PIT, and the APIC timer runs at the crystal", () => {
  const c = clock("pit", "tsc=3000000000", ...crystal);
  assert.is(c.hz, 2_112_000_000);
  assert.is(c.apic, 24_000_000);
  assert.is(c.count1ms, 24_000);
});

test("bare metal, leaf 0x15 without the crystal (ECX 0): leaf 0x16's base frequency; 0x16 alone is none", () => {
  const c = clock("pit", leaf(0, 0x16), leaf(0x15, 2, 176, 0), leaf(0x16, 2_100, 3_000, 100));
  assert.is(c.hz, 2_100_000_000);
  // crystal = 2.1 GHz * 2 / 176 = 23,863,636.36 Hz, rounded down
  assert.is(c.apic, 23_863_636);
  // Without 0x15's ratio the base frequency is not the TSC's: the PIT measures.
  const d = clock("pit", "tsc=2500000000", leaf(0, 0x16), leaf(0x16, 2_100, 3_000, 100));
  assert.ok(d.hz >= 2_500_000_000 && d.hz < 2_500_250_000, `measured ${d.hz}`);
});

test("Hyper-V's hypervisor range is not read as the timing leaf", () => {
  // "Microsoft Hv", with a range that happens to reach 0x40000010
  const hyperV = leaf(0x40000000, 0x40000010, 0x7263694d, 0x666f736f, 0x76482074);
  assert.is(error("hv", hyperV, leaf(0x40000010, 2_100_000, 1_000_000)), `no TSC frequency source: CPUID 0x40000010 not read (Hyper-V's leaves); no 8254 PIT (channel 2 status 0xff); CPUID 0x15 absent (leaves to 0xd)`);
});

test("no source at all: the message names each source tried, in order", () => {
  // QEMU's TCG with pit=off (the cloud-hypervisor board under QEMU)
  const tcg = leaf(0x40000000, 0x40000001, 0x54474354, 0x43544743, 0x47435447);
  assert.is(error("hv", tcg), `no TSC frequency source: CPUID 0x40000010 absent (hypervisor "TCGTCGTCGTCG", leaves to 0x40000001); no 8254 PIT (channel 2 status 0xff); CPUID 0x15 absent (leaves to 0xd)`);
  assert.is(error("hv", cloudHypervisor[0], leaf(0x40000010, 0, 0)), `no TSC frequency source: CPUID 0x40000010 reports 0 kHz (hypervisor "KVMKVMKVM..."); no 8254 PIT (channel 2 status 0xff); CPUID 0x15 absent (leaves to 0xd)`);
  // bare metal: leaf 0x15 first, then the PIT
  assert.is(error(leaf(0, 0x15), leaf(0x15, 0, 0, 0)), "no TSC frequency source: no hypervisor (CPUID.1:ECX[31] clear); CPUID 0x15 gives no ratio (EAX 0x0, EBX 0x0); no 8254 PIT (channel 2 status 0xff)");
  assert.is(error(leaf(0, 0x15), leaf(0x15, 2, 176, 0)), "no TSC frequency source: no hypervisor (CPUID.1:ECX[31] clear); CPUID 0x15 gives no crystal (ECX 0) and 0x16 is absent; no 8254 PIT (channel 2 status 0xff)");
  assert.is(error(leaf(0, 0x16), leaf(0x15, 2, 176, 0)), "no TSC frequency source: no hypervisor (CPUID.1:ECX[31] clear); CPUID 0x15 gives no crystal (ECX 0) and 0x16 no base frequency; no 8254 PIT (channel 2 status 0xff)");
  // A long one fits hal/native/clock.c's 240-byte buffer, and QuickJS's 256 bytes for an error's
  // message with "clock.attach: " in front.
  const long = error("hv", leaf(0, 0x16), leaf(0x15, 0xffffffff, 0, 0), leaf(0x40000000, 0x4000000f, 0x7f7f7f7f, 0x7f7f7f7f, 0x7f7f7f7f));
  assert.is(long, `no TSC frequency source: CPUID 0x40000010 absent (hypervisor "............", leaves to 0x4000000f); no 8254 PIT (channel 2 status 0xff); CPUID 0x15 gives no ratio (EAX 0xffffffff, EBX 0x0)`);
  assert.ok(long.length < 240 && `clock.attach: ${long}`.length < 256, long);
});

test.run();
