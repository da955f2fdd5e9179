/*
 * RISC-V boot stub for the SiFive FU540 (QEMU sifive_u, -bios none). Every hart starts here in
 * M-mode at 0x80000000. Hart 0 is the E51 (rv64imac, no FPU): the firmware runs on hart 1, a U54
 * (rv64gc), and every other hart sleeps in WFI. Then the stack, the FPU (mstatus.FS), the trap
 * vector, the external interrupt enable, .bss, the thread pointer, and the engine.
 */
#include "tls-init.inc"

    .section .text.boot, "ax"
    .global _start
_start:
    csrw    mie, zero
    csrr    t0, mhartid
    li      t1, 1
    bne     t0, t1, park

    .option push
    .option norelax
    la      gp, __global_pointer$
    .option pop
    la      sp, __stack_top

    /* The guard page below the stack: PMP entry 0, NAPOT over 4 KiB, no R/W/X, locked, since
       only a locked entry applies to M-mode (privileged spec 3.7.1); pmpaddr holds address >> 2
       with the low bits (size / 2 - 1) >> 2 set for the NAPOT size. Accesses no entry matches
       stay allowed in M-mode. */
    la      t0, __stack_guard
    addi    t0, t0, 0x7ff
    srli    t0, t0, 2
    csrw    pmpaddr0, t0
    li      t0, 0x98                /* L | A = NAPOT, R = W = X = 0 */
    csrw    pmpcfg0, t0

    /* FPU on: mstatus.FS = Initial (privileged spec 3.1.6.6), rounding to nearest. */
    li      t0, (1 << 13)
    csrs    mstatus, t0
    csrwi   fcsr, 0

    la      t0, tsm_trap_entry
    csrw    mtvec, t0
    /* Machine external interrupts (the PLIC) on; mstatus.MIE stays clear until hal.irq.attach. */
    li      t0, (1 << 11)
    csrs    mie, t0

    la      t0, __bss_start
    la      t1, __bss_end
1:  bgeu    t0, t1, 2f
    sd      zero, 0(t0)
    addi    t0, t0, 8
    j       1b
2:
    TSM_TLS_INIT
    call    tsm_engine_boot
park:
    wfi
    j       park
