/*
 * Machine-mode trap entry (mtvec, direct mode). The frame holds x1..x31 at 8 * n and mstatus
 * after them.
 * - Interrupts (mcause bit 63): only the caller-saved registers are saved (the C handler keeps
 *   the rest), the FPU is switched off (mstatus.FS = Off) so that an FP instruction on the
 *   interrupt path traps loudly instead of corrupting the interrupted code's FP registers, and
 *   the trap returns with mret.
 * - Exceptions are fatal, and are reported from a stack of their own (__trap_stack_top,
 *   firmware.ld): the trapped sp may point into the guard page below the main stack, where every
 *   store faults again. mscratch holds t0 while mcause is looked at.
 */
#define FRAME 264
#define MSTATUS_FS (3 << 13)

/* The caller-saved registers (ra, t0-t6, a0-a7), each at 8 * n in the frame at sp. */
.macro caller_saved op
    .irp n, 1, 5, 6, 7, 10, 11, 12, 13, 14, 15, 16, 17, 28, 29, 30, 31
    \op     x\n, 8 * \n(sp)
    .endr
.endm

    .section .text
    .balign 4
    .global tsm_trap_entry
tsm_trap_entry:
    csrw    mscratch, t0
    csrr    t0, mcause
    bgez    t0, exception
    csrr    t0, mscratch
    addi    sp, sp, -FRAME
    caller_saved sd
    csrr    a0, mcause

    csrr    t0, mstatus
    sd      t0, 256(sp)
    li      t1, MSTATUS_FS
    csrc    mstatus, t1
    call    tsm_riscv_interrupt
    ld      t0, 256(sp)
    csrw    mstatus, t0
    caller_saved ld
    addi    sp, sp, FRAME
    mret

exception:
    la      t0, __trap_stack_top
    addi    t0, t0, -FRAME
    /* The trapped sp, before any frame. */
    sd      sp, 16(t0)
    mv      sp, t0
    csrr    t0, mscratch
    caller_saved sd
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
    mv      a0, sp
    call    tsm_riscv_trap
1:  wfi
    j       1b
