/**
 * The build's target table: everything that differs per CPU architecture on the host side
 * (toolchain, flags, HAL sources, QEMU). The only place outside hal/arch/ and boards/ that knows
 * about architectures.
 */
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
  includeDirs: string[];
  linkerScript: string;
  /** QEMU options that make the guest's exit code the emulator's (semihosting, debug-exit). */
  qemuExitArgs: string[];
  /** The arch's first instruction for an interrupt (bench: irq_latency_insns starts there). */
  irqEntrySymbol: string;
}

const armNoneEabi = (command: string): Tool => ({
  command: `arm-none-eabi-${command}`,
  debianPackage: command === "gcc" ? "gcc-arm-none-eabi" : "binutils-arm-none-eabi",
});

const armCommon = {
  cc: armNoneEabi("gcc"),
  objcopy: armNoneEabi("objcopy"),
  size: armNoneEabi("size"),
  nm: armNoneEabi("nm"),
  qemu: { command: "qemu-system-arm", debianPackage: "qemu-system-arm" },
  libc: { debianPackage: "libnewlib-arm-none-eabi", probeHeader: "newlib.h" },
  ldflags: ["-nostartfiles", "-Wl,--gc-sections", "-Wl,--no-warn-rwx-segments"],
  libs: ["-lm", "-lc", "-lgcc"],
  sources: [
    "hal/arch/arm/start.S",
    "hal/arch/arm/vectors.S",
    "hal/arch/arm/exception.c",
    "hal/arch/semihosting.c",
    "hal/arch/arm/mmu.c",
    "engine/src/libc-newlib.c",
    "engine/src/libc-common.c",
    "engine/src/libc-malloc.c",
  ],
  includeDirs: ["hal/arch/arm"],
  linkerScript: "hal/arch/arm/firmware.ld",
  qemuExitArgs: ["-semihosting-config", "enable=on,target=native"],
  irqEntrySymbol: "tsm_exc_irq",
};

const riscvElf = (command: string): Tool => ({
  command: `riscv64-unknown-elf-${command}`,
  debianPackage: command === "gcc" ? "gcc-riscv64-unknown-elf" : "binutils-riscv64-unknown-elf",
});

const targets: Record<string, Target> = {
  // ARM1176JZF-S (BCM2835). Unaligned accesses are compiled out: with the MMU off, real
  // hardware may fault on them even though QEMU does not.
  armv6: {
    ...armCommon,
    cflags: ["-mcpu=arm1176jzf-s", "-mfpu=vfp", "-mfloat-abi=hard", "-marm", "-mno-unaligned-access"],
  },
  // Cortex-A7 (BCM2836, i.MX6UL). With the MMU on, unaligned accesses to normal memory are fine.
  armv7: {
    ...armCommon,
    cflags: ["-mcpu=cortex-a7", "-mfpu=neon-vfpv4", "-mfloat-abi=hard", "-marm"],
  },
  // RV64GC on the SiFive U54 (FU540), M-mode, no MMU, with Debian's picolibc; numbers are
  // formatted by the engine's own dtoa (engine/src/dtoa.c), not the library's printf. ISA spec
  // 2.2 keeps Zicsr and Zifencei in "I", so -march names picolibc's multilib folder.
  riscv64: {
    cc: riscvElf("gcc"),
    objcopy: riscvElf("objcopy"),
    size: riscvElf("size"),
    nm: riscvElf("nm"),
    qemu: { command: "qemu-system-riscv64", debianPackage: "qemu-system-misc" },
    libc: { debianPackage: "picolibc-riscv64-unknown-elf", probeHeader: "picolibc.h" },
    cflags: ["-march=rv64imafdc", "-misa-spec=2.2", "-mabi=lp64d", "-mcmodel=medany", "--specs=picolibc.specs"],
    ldflags: ["-nostartfiles", "-Wl,--gc-sections", "-Wl,--no-warn-rwx-segments"],
    libs: ["-lm", "-lc", "-lgcc"],
    sources: [
      "hal/arch/riscv64/start.S",
      "hal/arch/riscv64/trap-entry.S",
      "hal/arch/riscv64/trap.c",
      "hal/arch/semihosting.c",
      "engine/src/libc-picolibc.c",
      "engine/src/libc-common.c",
      "engine/src/libc-malloc.c",
    ],
    includeDirs: ["hal/arch/riscv64"],
    linkerScript: "hal/arch/riscv64/firmware.ld",
    qemuExitArgs: ["-semihosting-config", "enable=on,target=native"],
    irqEntrySymbol: "tsm_trap_entry",
  },
};

export function targetFor(arch: string): Target {
  const t = targets[arch];
  if (!t) throw new Error(`no build target for arch '${arch}' (known: ${Object.keys(targets).join(", ")})`);
  return t;
}

export const knownArchs = (): string[] => Object.keys(targets);
