/*
 * Entry of the linux-riscv64 executable (docs/boards/linux.md): the kernel starts _start with sp
 * at argc, then argv[] and envp[] (RISC-V ELF psABI, "Process initialization"); the pointer goes
 * to tsm_linux_start (hal/arch/linux/boot.c), which runs on the stack of the board's layout
 * (hal/arch/linux/linux.ld). The kernel has the FPU on for user processes already.
 */
#include "../../riscv64/tls-init.inc"

    .section .text.boot, "ax"
    .global _start
_start:
    .option push
    .option norelax
    la      gp, __global_pointer$
    .option pop
    TSM_TLS_INIT
    mv      a0, sp
    la      sp, __stack_top
    andi    sp, sp, -16
    call    tsm_linux_start
    unimp

/* long tsm_linux_syscall(long nr, long a1, long a2, long a3, long a4): `ecall` with the number
   in a7 and arguments in a0..a5, result or -errno in a0 (syscall(2), "Architecture calling
   conventions"). */
    .text
    .global tsm_linux_syscall
    .type tsm_linux_syscall, @function
tsm_linux_syscall:
    mv      a7, a0
    mv      a0, a1
    mv      a1, a2
    mv      a2, a3
    mv      a3, a4
    ecall
    ret
