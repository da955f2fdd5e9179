/*
 * Machine-mode trap entry (mtvec, direct mode). The frame holds x1..x31 at 8 * n and mstatus
 * after them.
 * - Interrupts (mcause bit 63): only the caller-saved registers are saved (the C handler keeps
 *   the rest), the FPU is switched off (mstatus.FS = Off) so that an FP instruction on the
 *   interrupt path traps loudly instead of corrupting the interrupted code's FP registers, and
 *   the trap returns with mret.
 * - Exceptions are fatal: the remaining registers are saved for the report (tsm_riscv_trap).
 */
#define FRAME 264
#define MSTATUS_FS (3 << 13)

    .section .text
    .balign 4
    .global tsm_trap_entry
tsm_trap_entry:
    addi    sp, sp, -FRAME
    sd      x1, 8(sp)
    sd      x5, 40(sp)
    sd      x6, 48(sp)
    sd      x7, 56(sp)
    sd      x10, 80(sp)
    sd      x11, 88(sp)
    sd      x12, 96(sp)
    sd      x13, 104(sp)
    sd      x14, 112(sp)
    sd      x15, 120(sp)
    sd      x16, 128(sp)
    sd      x17, 136(sp)
    sd      x28, 224(sp)
    sd      x29, 232(sp)
    sd      x30, 240(sp)
    sd      x31, 248(sp)
    csrr    a0, mcause
    bgez    a0, exception

    csrr    t0, mstatus
    sd      t0, 256(sp)
    li      t1, MSTATUS_FS
    csrc    mstatus, t1
    call    tsm_riscv_interrupt
    ld      t0, 256(sp)
    csrw    mstatus, t0
    ld      x1, 8(sp)
    ld      x5, 40(sp)
    ld      x6, 48(sp)
    ld      x7, 56(sp)
    ld      x10, 80(sp)
    ld      x11, 88(sp)
    ld      x12, 96(sp)
    ld      x13, 104(sp)
    ld      x14, 112(sp)
    ld      x15, 120(sp)
    ld      x16, 128(sp)
    ld      x17, 136(sp)
    ld      x28, 224(sp)
    ld      x29, 232(sp)
    ld      x30, 240(sp)
    ld      x31, 248(sp)
    addi    sp, sp, FRAME
    mret

exception:
    sd      x3, 24(sp)
    sd      x4, 32(sp)
    sd      x8, 64(sp)
    sd      x9, 72(sp)
    sd      x18, 144(sp)
    sd      x19, 152(sp)
    sd      x20, 160(sp)
    sd      x21, 168(sp)
    sd      x22, 176(sp)
    sd      x23, 184(sp)
    sd      x24, 192(sp)
    sd      x25, 200(sp)
    sd      x26, 208(sp)
    sd      x27, 216(sp)
    /* The trapped sp, before this frame. */
    addi    t0, sp, FRAME
    sd      t0, 16(sp)
    mv      a0, sp
    call    tsm_riscv_trap
1:  wfi
    j       1b
