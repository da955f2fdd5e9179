/*
 * Fixture for test/tools/lib/insn-count.test.ts: a program whose instruction
 * count up to a marker is known exactly, so the plugin's numbers can be
 * checked to the instruction. Runs on `-M raspi0` (ARM1176, ELF entry, SVC
 * mode, MMU off). Do not add or reorder instructions without updating the
 * expected counts in the test:
 *   pc_mark(loop_done)  = 2 + 3*LOOPS
 *   store_mark(UART DR) = 2 + 3*LOOPS + 2
 */
    .syntax unified
    .arm
    .equ LOOPS, 1000
    .equ UART0_DR, 0x20201000       /* BCM2835 PL011 data register */

    .section .text.start, "ax"
    .global _start
_start:
    mov     r0, #0                  /* 1 */
    ldr     r1, =LOOPS              /* 2 */
loop:
    add     r0, r0, #1              /* 3 per iteration */
    subs    r1, r1, #1
    bne     loop
    .global loop_done
loop_done:
    ldr     r2, =UART0_DR           /* +1 */
    mov     r3, #'K'                /* +2 */
    strb    r3, [r2]                /* marked store: 2 + 3*LOOPS + 2 retired before it */
    mov     r3, #'\n'
    strb    r3, [r2]
    /* exit code = LOOPS & 0x7f (104), so it also proves the loop ran */
    and     r0, r0, #0x7f
    ldr     r1, =exit_block
    str     r0, [r1, #4]
    mov     r0, #0x20               /* SYS_EXIT_EXTENDED */
    svc     0x123456                /* ARM-state semihosting trap */
hang:
    b       hang

    .ltorg
    .data
    .align 2
exit_block:
    .word   0x20026                 /* ADP_Stopped_ApplicationExit */
    .word   0                       /* exit code, filled in above */
