/**
 * The build's target table: everything that differs per CPU architecture on the host side
 * (toolchain, flags, HAL sources, QEMU). The only place outside hal/arch/ and boards/ that knows
 * about architectures.
 */
import { EXIT_RESET } from "./qemu-reset.ts";

export interface Tool {
  /** Command name on PATH. */
  command: string;
  /** Debian package that provides it (named in the error when missing). */
  debianPackage: string;
}

export interface Target {
  cc: Tool;
  objcopy: Tool;
  size: Tool;
  nm: Tool;
  qemu: Tool;
  /** Needed by the link, named when missing (the C library and libm). */
  libc: { debianPackage: string; probeHeader: string };
  cflags: string[];
  ldflags: string[];
  libs: string[];
  /** HAL sources under hal/arch/<dir>/ plus the libc glue, relative to the repo. */
  sources: string[];
  /** The arch's header folder, relative to the repo: its arch.h is the one the C contract
      (engine/include/tsmetal-hooks.h) includes; see cIncludeDirs in tools/lib/engine.ts. */
  includeDirs: string[];
  linkerScript: string;
  /** QEMU options that make the guest's exit code the emulator's (semihosting, debug-exit). */
  qemuExitArgs: string[];
  /** The arch's first instruction for an interrupt (bench: irq_latency_insns starts there). */
  irqEntrySymbol: string;
  /** What the linker makes: ELF class and e_machine (System V ABI, ELF header), checked before an
      ELF is booted or run (tools/lib/elf-check.ts). */
  elf: { class: 32 | 64; machine: number };
  /** The linker script's RAM at the top (tools/lib/heap-layout.ts mirrors it): besides the main
      stack, the bytes between ramEnd and where the 1 MiB DMA region's end is rounded down from
      (other stacks, guard pages), and those between the DMA region and the heap's end. */
  ramLayout: { belowStack: number; belowDma: number };
  /**
   * QEMU's exit status → the firmware's exit code, or null when the status cannot have come from
   * the firmware (QEMU itself failed). Absent: the status is the code (semihosting).
   */
  decodeExit?: (status: number) => number | null;
  /** QEMU options the build adds when the firmware saves a file on the host (the engine snapshot),
      for targets whose host channel is a device rather than semihosting. Run in the file's folder. */
  qemuHostSaveArgs?: string[];
  /** Linux userspace targets (docs/boards/linux.md): the firmware is a static Linux executable
      that `npm run linux` runs as a host process, under `emulator` (qemu-user) when the host's
      CPU cannot run it, else directly. The engine snapshot is not made for these targets. */
  linux?: { emulator?: Tool };
}

/** e_machine values (ELF specification, and the processor supplements for RISC-V and x86-64). */
const EM_ARM = 40, EM_X86_64 = 62, EM_RISCV = 243;
/** The linker scripts without an IRQ stack or page table: a 4 KiB gap below the stack. */
const plainRam = { belowStack: 0x1000, belowDma: 0 };
/** The C library glue every target links after its own libc's; libc-printf.c keeps the library's
    floating-point printf out of the image (engine/src/libc-printf.c). */
const libcCommon = ["engine/src/libc-common.c", "engine/src/libc-malloc.c", "engine/src/libc-printf.c"];
/** A bare-metal arch's headers and linker script, in hal/arch/<arch>/. */
const archFiles = (arch: string) => ({ includeDirs: [`hal/arch/${arch}`], linkerScript: `hal/arch/${arch}/firmware.ld` });
/** ARM and RISC-V exit through semihosting: the firmware's exit code becomes QEMU's. */
const semihostingExit = ["-semihosting-config", "enable=on,target=native"];
/** How ARM and RISC-V link with their embedded libc (newlib, picolibc): our start files, unused sections dropped. */
const embeddedLink = { ldflags: ["-nostartfiles", "-Wl,--gc-sections", "-Wl,--no-warn-rwx-segments"], libs: ["-lm", "-lc", "-lgcc"] };

/**
 * The GNU compiler and binutils a target uses, as Debian packages them: `<triplet>-gcc` in
 * gcc-<triplet>, the binutils in binutils-<triplet>; without a triplet the host's own.
 */
function gnuTools(triplet?: string): Pick<Target, "cc" | "objcopy" | "size" | "nm"> {
  const tool = (command: string): Tool => ({
    command: triplet ? `${triplet}-${command}` : command,
    debianPackage: (command === "gcc" ? "gcc" : "binutils") + (triplet ? `-${triplet}` : ""),
  });
  return { cc: tool("gcc"), objcopy: tool("objcopy"), size: tool("size"), nm: tool("nm") };
}

const armCommon = {
  ...gnuTools("arm-none-eabi"),
  qemu: { command: "qemu-system-arm", debianPackage: "qemu-system-arm" },
  libc: { debianPackage: "libnewlib-arm-none-eabi", probeHeader: "newlib.h" },
  ...embeddedLink,
  sources: [
    "hal/arch/arm/start.S",
    "hal/arch/arm/vectors.S",
    "hal/arch/arm/exception.c",
    "hal/arch/semihosting.c",
    "hal/arch/arm/mmu.c",
    "engine/src/libc-newlib.c",
    ...libcCommon,
  ],
  ...archFiles("arm"),
  qemuExitArgs: semihostingExit,
  irqEntrySymbol: "tsm_exc_irq",
  elf: { class: 32 as const, machine: EM_ARM },
  // hal/arch/arm/firmware.ld: the abort and IRQ stacks and a guard page above the main stack, its
  // guard page below (16 KiB besides stackSize); the 16 KiB page table and 2 KiB of page tables.
  ramLayout: { belowStack: 0x4000, belowDma: 0x4800 },
};

const MUSL_SPECS = "/usr/lib/x86_64-linux-musl/musl-gcc.specs";

/**
 * isa-debug-exit (hal/arch/amd64/exit.c) ends QEMU with status (value << 1) | 1, and the firmware
 * writes code + 1, so its codes 0..126 arrive as odd statuses from 3 to 255. Status 1 is what
 * QEMU itself exits with on an error (bad option, missing file): not a firmware code. Status 0 is
 * a reset under -no-reboot (or a triple fault), EXIT_RESET (tools/lib/qemu-reset.ts).
 */
export function decodeDebugExit(status: number): number | null {
  if (status === 0) return EXIT_RESET;
  if (status >= 3 && status % 2 === 1) return (status - 3) >> 1;
  return null;
}

const targets: Record<string, Target> = {
  // ARM1176JZF-S (BCM2835). Unaligned accesses are compiled out: with the MMU off, real
  // hardware may fault on them even though QEMU does not.
  armv6: {
    ...armCommon,
    cflags: ["-mcpu=arm1176jzf-s", "-mfpu=vfp", "-mfloat-abi=hard", "-marm", "-mno-unaligned-access"],
  },
  // Cortex-A7 (BCM2836, i.MX6UL). With the MMU on, unaligned accesses to normal memory are fine.
  // Thumb-2: on usbarmory-mk2 the image is 19% smaller than in ARM state (480 vs 592 KB) for
  // 0.2% more boot instructions (npm run bench); Debian's newlib is Thumb-2 either way.
  armv7: {
    ...armCommon,
    cflags: ["-mcpu=cortex-a7", "-mfpu=neon-vfpv4", "-mfloat-abi=hard", "-mthumb"],
  },
  // RV64GC on the SiFive U54 (FU540), M-mode, no MMU, with Debian's picolibc; numbers are
  // formatted by the engine's own dtoa (engine/src/dtoa.c), not the library's printf. ISA spec
  // 2.2 keeps Zicsr and Zifencei in "I", so -march names picolibc's multilib folder.
  riscv64: {
    ...gnuTools("riscv64-unknown-elf"),
    qemu: { command: "qemu-system-riscv64", debianPackage: "qemu-system-misc" },
    libc: { debianPackage: "picolibc-riscv64-unknown-elf", probeHeader: "picolibc.h" },
    cflags: ["-march=rv64imafdc", "-misa-spec=2.2", "-mabi=lp64d", "-mcmodel=medany", "--specs=picolibc.specs"],
    ...embeddedLink,
    sources: [
      "hal/arch/riscv64/start.S",
      "hal/arch/riscv64/trap-entry.S",
      "hal/arch/riscv64/trap.c",
      "hal/arch/semihosting.c",
      "engine/src/libc-picolibc.c",
      "engine/src/libc-word-copy.c",
      ...libcCommon,
    ],
    ...archFiles("riscv64"),
    qemuExitArgs: semihostingExit,
    irqEntrySymbol: "tsm_trap_entry",
    elf: { class: 64, machine: EM_RISCV },
    // hal/arch/riscv64/firmware.ld: the trap stack (4 KiB) above the main stack, the guard below.
    ramLayout: { belowStack: 0x2000, belowDma: 0 },
  },
  amd64: {
    // x86-64 as a PVH guest (QEMU microvm, Firecracker, Cloud Hypervisor), in ring 0 with 2 MiB
    // identity pages. The host gcc with Debian's musl (musl-dev) through its specs file, as
    // --specs=picolibc.specs on RISC-V: musl's static libc.a runs in ring 0 behind a handler for
    // the `syscall` instruction (hal/arch/amd64/syscall-entry.S, engine/src/libc-musl.c). Our own
    // code is built without the red zone; musl's is not, which is why interrupts switch stacks.
    ...gnuTools(),
    qemu: { command: "qemu-system-x86_64", debianPackage: "qemu-system-x86" },
    libc: { debianPackage: "musl-dev", probeHeader: "/usr/include/x86_64-linux-musl/stdio.h" },
    cflags: [
      "-specs",
      MUSL_SPECS,
      "-m64",
      "-march=x86-64",
      "-mno-red-zone",
      "-mcmodel=small",
      "-fno-pic",
      "-fno-pie",
      "-fno-stack-protector",
      "-fcf-protection=none",
      "-fno-asynchronous-unwind-tables",
    ],
    ldflags: [
      "-nostartfiles",
      "-static",
      "-no-pie",
      "-Wl,--gc-sections",
      "-Wl,--no-warn-rwx-segments",
      "-Wl,-z,max-page-size=4096",
      "-Wl,--build-id=none",
    ],
    libs: ["-lc", "-lgcc"],
    sources: [
      "hal/arch/amd64/start.S",
      "hal/arch/amd64/vectors.S",
      "hal/arch/amd64/syscall-entry.S",
      "hal/arch/amd64/boot.c",
      "hal/arch/amd64/pvh.c",
      "hal/arch/amd64/mmu.c",
      "hal/arch/amd64/descriptors.c",
      "hal/arch/amd64/fault.c",
      "hal/arch/amd64/interrupt.c",
      "hal/arch/amd64/cpu-timer.c",
      "hal/arch/amd64/exit.c",
      "hal/arch/amd64/efi-handoff.c",
      "hal/native/port-io.c",
      "hal/native/cpu-random.c",
      "engine/src/libc-musl.c",
      "engine/src/libc-musl-common.c",
      ...libcCommon,
    ],
    ...archFiles("amd64"),
    qemuExitArgs: ["-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"],
    irqEntrySymbol: "tsm_irq_entry",
    elf: { class: 64, machine: EM_X86_64 },
    ramLayout: plainRam,
    decodeExit: decodeDebugExit,
    // The Bochs/QEMU debug console on port 0x402 (hal/arch/amd64/exit.c, tsm_host_save).
    qemuHostSaveArgs: ["-chardev", "file,id=tsmhost,path=snapshot.bin", "-device", "isa-debugcon,iobase=0x402,chardev=tsmhost"],
  },
};

/**
 * The Linux userspace targets (docs/boards/linux.md): the bare-metal toolchains and C libraries,
 * with our own system calls (hal/arch/linux/), linked at a fixed address as static executables
 * without the C library's start files. The same libc glue as the bare-metal target of the CPU,
 * except on amd64, where musl is an ordinary Linux C library here (engine/src/libc-linux-musl.c).
 */
const linuxCommon = ["hal/arch/linux/boot.c", "hal/arch/linux/exit.c", "hal/arch/linux/monotonic.c", "hal/arch/linux/host-console.c", "hal/arch/linux/random.c", "hal/arch/linux/seccomp.c", "hal/arch/linux/fault.c", "hal/arch/linux/registers.c"];
const linuxLdflags = ["-nostartfiles", "-static", "-Wl,--gc-sections", "-Wl,--no-warn-rwx-segments", "-Wl,--build-id=none"];
const qemuUser = (cpu: string): Tool => ({ command: `qemu-${cpu}-static`, debianPackage: "qemu-user-static" });
/** A Linux process: its own linker script, no QEMU exit device, no interrupt entry, no IRQ stack. */
const linuxProcess = {
  includeDirs: ["hal/arch/linux"],
  linkerScript: "hal/arch/linux/linux.ld",
  qemuExitArgs: [],
  irqEntrySymbol: "",
  ramLayout: plainRam,
};
const linuxTargets: Record<string, Target> = {
  "linux-amd64": {
    ...targets.amd64,
    // Runs directly on an x86-64 host; qemu-x86_64-static only for tools that always emulate.
    qemu: qemuUser("x86_64"),
    cflags: ["-specs", MUSL_SPECS, "-m64", "-march=x86-64", "-fno-pic", "-fno-pie", "-fno-stack-protector", "-fcf-protection=none", "-fno-asynchronous-unwind-tables"],
    ldflags: [...linuxLdflags, "-no-pie", "-Wl,-z,max-page-size=4096"],
    libs: ["-lc", "-lgcc"],
    sources: ["hal/arch/linux/amd64/start.S", ...linuxCommon, "engine/src/libc-linux-musl.c", "engine/src/libc-musl-common.c", ...libcCommon],
    ...linuxProcess,
    decodeExit: undefined,
    qemuHostSaveArgs: undefined,
    linux: {},
  },
  // The armv7 boards' code generation (Cortex-A7, VFPv4/NEON, hard float) and their newlib multilib.
  "linux-arm": {
    ...armCommon,
    qemu: qemuUser("arm"),
    cflags: targets.armv7.cflags,
    ldflags: linuxLdflags,
    sources: ["hal/arch/linux/arm/start.S", ...linuxCommon, "engine/src/libc-newlib.c", ...libcCommon],
    ...linuxProcess,
    linux: { emulator: qemuUser("arm") },
  },
  "linux-riscv64": {
    ...targets.riscv64,
    qemu: qemuUser("riscv64"),
    ldflags: linuxLdflags,
    sources: [
      "hal/arch/linux/riscv64/start.S",
      ...linuxCommon,
      "engine/src/libc-picolibc.c",
      "engine/src/libc-word-copy.c",
      ...libcCommon,
    ],
    ...linuxProcess,
    linux: { emulator: qemuUser("riscv64") },
  },
};
Object.assign(targets, linuxTargets);

export function targetFor(arch: string): Target {
  const t = targets[arch];
  if (!t) throw new Error(`no build target for arch '${arch}' (known: ${Object.keys(targets).join(", ")})`);
  return t;
}

export const knownArchs = (): string[] => Object.keys(targets);
