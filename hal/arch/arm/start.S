/*
 * ARM boot stub (ARMv6 ARM1176JZF-S; ARMv7-A shares it). QEMU's raspi machines load our ELF at its
 * link address and enter _start with IRQs masked; the Pi firmware does the same for kernel.img.
 * ARMv7 (Pi 2): every core enters here, maybe in HYP mode; we drop to SVC and park all but core 0.
 * Then per-mode stacks, the vector table, VFP, .bss and the MMU, and the engine.
 */
    .syntax unified
    .arm
#if __ARM_ARCH >= 7
    .arch_extension virt
#endif
    .section .text.boot, "ax"
    .global _start
_start:
    cpsid   if
#if __ARM_ARCH >= 7
    /* The Pi 2 firmware may enter in HYP mode (ARM ARM B1.7): return to SVC through ELR/SPSR_hyp. */
    mrs     r0, cpsr
    and     r1, r0, #0x1f
    cmp     r1, #0x1a
    bne     1f
    bic     r0, r0, #0x1f
    orr     r0, r0, #(0x13 | 0xc0)      /* SVC, IRQ and FIQ masked */
    msr     spsr_hyp, r0
    adr     r0, 1f
    msr     elr_hyp, r0
    eret
1:
    /* Only core 0 runs the firmware (MPIDR.Aff0); the others sleep forever. WFI rather than WFE:
       no interrupt is routed to them, and QEMU runs a WFE loop as a busy loop. */
    mrc     p15, 0, r0, c0, c0, 5
    ands    r0, r0, #3
    beq     2f
3:  wfi
    b       3b
2:
#endif
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

#if __ARM_ARCH >= 7
    /* Vectors where they are linked: VBAR (ARM ARM B4.1.156). */
    ldr     r0, =tsm_vectors
    mcr     p15, 0, r0, c12, c0, 0
#else
    /* Vectors at 0 (SCTLR.V = 0): copy the table and its literal pool down. */
    ldr     r0, =tsm_vectors
    mov     r1, #0
    ldmia   r0!, {r2-r9}
    stmia   r1!, {r2-r9}
    ldmia   r0!, {r2-r9}
    stmia   r1!, {r2-r9}
#endif

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

    bl      tsm_arch_mmu_init
    bl      tsm_engine_boot
4:  wfi
    b       4b
