/*
 * Entry of the linux-riscv64 executable (docs/boards/linux.md): the kernel starts _start with sp
 * at argc, then argv[] and envp[] (RISC-V ELF psABI, "Process initialization"); the pointer goes
 * to tsm_linux_start (hal/arch/linux/boot.c), which runs on the stack of the board's layout
 * (hal/arch/linux/linux.ld). The kernel has the FPU on for user processes already.
 */
    .section .text.boot, "ax"
    .global _start
_start:
    .option push
    .option norelax
    la      gp, __global_pointer$
    .option pop
    /* The thread pointer, for picolibc's thread-local errno: .tdata copied to the block the
       layout reserves (hal/arch/linux/linux.ld); .tbss there is zero like all .bss. */
    la      t0, __tdata_start
    la      t1, __tdata_end
    la      t2, __tls_block
1:  bgeu    t0, t1, 2f
    lbu     t3, 0(t0)
    sb      t3, 0(t2)
    addi    t0, t0, 1
    addi    t2, t2, 1
    j       1b
2:  la      tp, __tls_block
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
