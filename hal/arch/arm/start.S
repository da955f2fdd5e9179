/*
 * ARM boot stub (ARMv6 ARM1176JZF-S; ARMv7-A shares it). QEMU's raspi machines load our ELF at its
 * link address and enter _start in SVC mode with IRQs masked; the Pi firmware does the same for
 * kernel.img. We set up per-mode stacks, the vector table, VFP and .bss, then enter the engine.
 */
    .syntax unified
    .arm
    .section .text.boot, "ax"
    .global _start
_start:
    cpsid   if
    /* Exception-mode stacks (ARM ARM B1.3: each mode banks its own SP). */
    cps     #0x12               /* IRQ */
    ldr     sp, =__irq_stack_top
    cps     #0x11               /* FIQ */
    ldr     sp, =__irq_stack_top
    cps     #0x17               /* Abort */
    ldr     sp, =__exc_stack_top
    cps     #0x1b               /* Undefined */
    ldr     sp, =__exc_stack_top
    cps     #0x13               /* SVC: we run here */
    ldr     sp, =__stack_top

    /* Vectors at 0 (SCTLR.V = 0): copy the table and its literal pool down. */
    ldr     r0, =tsm_vectors
    mov     r1, #0
    ldmia   r0!, {r2-r9}
    stmia   r1!, {r2-r9}
    ldmia   r0!, {r2-r9}
    stmia   r1!, {r2-r9}

    /* SCTLR: clear V (low vectors) and A (no alignment faults); set U (ARMv6 unaligned model). */
    mrc     p15, 0, r0, c1, c0, 0
    bic     r0, r0, #(1 << 13)
    bic     r0, r0, #(1 << 1)
    orr     r0, r0, #(1 << 22)
    mcr     p15, 0, r0, c1, c0, 0

    /* VFP: full access to cp10/cp11 in CPACR, then FPEXC.EN (ARM1176JZF-S TRM 20.4). */
    mrc     p15, 0, r0, c1, c0, 2
    orr     r0, r0, #(0xf << 20)
    mcr     p15, 0, r0, c1, c0, 2
    mov     r0, #0
    mcr     p15, 0, r0, c7, c5, 4   /* flush prefetch buffer (ISB) */
    mov     r0, #0x40000000
    vmsr    fpexc, r0

    /* Zero .bss. */
    ldr     r0, =__bss_start
    ldr     r1, =__bss_end
    mov     r2, #0
1:  cmp     r0, r1
    strlo   r2, [r0], #4
    blo     1b

    bl      tsm_engine_boot
2:  wfi
    b       2b
