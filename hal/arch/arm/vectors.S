/*
 * Exception vectors, copied to address 0 by start.S. Each entry loads its handler from the literal
 * pool right after the table so the copy stays position independent.
 */
    .syntax unified
    .arm
    .section .rodata.vectors, "a"
    .align  5
    .global tsm_vectors
tsm_vectors:
    ldr     pc, [pc, #24]       /* reset */
    ldr     pc, [pc, #24]       /* undefined instruction */
    ldr     pc, [pc, #24]       /* SVC */
    ldr     pc, [pc, #24]       /* prefetch abort */
    ldr     pc, [pc, #24]       /* data abort */
    ldr     pc, [pc, #24]       /* reserved */
    ldr     pc, [pc, #24]       /* IRQ */
    ldr     pc, [pc, #24]       /* FIQ */
    .word   _start
    .word   tsm_exc_undef
    .word   tsm_exc_svc
    .word   tsm_exc_pabort
    .word   tsm_exc_dabort
    .word   tsm_exc_reserved
    .word   tsm_exc_irq
    .word   tsm_exc_fiq

/*
 * Common entry: save r0-r12 and the return address on the mode's stack, then call
 * tsm_arch_exception(kind, frame). frame = {r0..r12, lr_exc, spsr}. The handler does not return.
 */
    .text
    .macro  EXC name, kind
    .global \name
\name:
    sub     sp, sp, #8
    stmdb   sp!, {r0-r12}
    str     lr, [sp, #52]
    mrs     r0, spsr
    str     r0, [sp, #56]
    mov     r0, #\kind
    mov     r1, sp
    bl      tsm_arch_exception
1:  b       1b
    .endm

    EXC tsm_exc_undef, 1
    EXC tsm_exc_svc, 2
    EXC tsm_exc_pabort, 3
    EXC tsm_exc_dabort, 4
    EXC tsm_exc_reserved, 5
    EXC tsm_exc_fiq, 7

/*
 * IRQ: the top half in C (hal/native/irq.c) masks and queues the pending lines, then we return
 * to the interrupted code. SRS/RFE save and restore the return address and SPSR on the IRQ stack
 * (ARM ARM A4.1.58, A4.1.101); the C code is compiled without VFP registers, so only the AAPCS
 * caller-saved core registers need saving. The stack stays 8-byte aligned: 2 + 6 words.
 */
    .global tsm_exc_irq
tsm_exc_irq:
    sub     lr, lr, #4
    srsdb   sp!, #0x12
    push    {r0-r3, r12, lr}
#if __ARM_ARCH >= 7
    /* The generic timer's deadline (arch.h, "cpu-timer" clocks): once it fired (CNTP_CTL.ISTATUS
       with ENABLE), mask it at the timer (IMASK), so its level-sensitive PPI falls before the top
       half claims from the GIC; the wake-up is all the loop needs (ARM ARM B8.1.4). */
    ldr     r0, =tsm_arch_cpu_timer_in_use
    ldr     r0, [r0]
    cmp     r0, #0
    beq     1f
    mrc     p15, 0, r0, c14, c2, 1
    and     r1, r0, #5
    cmp     r1, #5
    orreq   r0, r0, #2
    mcreq   p15, 0, r0, c14, c2, 1
    isb
1:
#endif
    bl      tsm_irq_top_half
    pop     {r0-r3, r12, lr}
    rfeia   sp!

#if __ARM_ARCH >= 7
    .bss
    .align  2
    .global tsm_arch_cpu_timer_in_use
tsm_arch_cpu_timer_in_use:
    .word   0
#endif
