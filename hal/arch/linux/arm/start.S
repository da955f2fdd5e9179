/*
 * Entry of the linux-arm executable (docs/boards/linux.md): the kernel starts _start with sp at
 * argc, then argv[] and envp[] (ARM Linux ELF ABI); the pointer goes to tsm_linux_start
 * (hal/arch/linux/boot.c), which runs on the stack of the board's layout (hal/arch/linux/linux.ld).
 * newlib needs no start-up of its own here: malloc is ours and its state is static.
 */
    .syntax unified
    .arm
    .section .text.boot, "ax"
    .global _start
_start:
    mov     r0, sp
    ldr     r1, =__stack_top
    bic     r1, r1, #7
    mov     sp, r1
    mov     fp, #0
    bl      tsm_linux_start
    udf     #0
    .ltorg

/* long tsm_linux_syscall(long nr, long a1, long a2, long a3, long a4): EABI system calls take
   the number in r7 and arguments in r0..r6, `svc #0`, result or -errno in r0 (syscall(2),
   "Architecture calling conventions"). The fifth C argument arrives on the stack (AAPCS). */
    .text
    .global tsm_linux_syscall
    .type tsm_linux_syscall, %function
tsm_linux_syscall:
    push    {r7, lr}
    mov     r7, r0
    mov     r0, r1
    mov     r1, r2
    mov     r2, r3
    ldr     r3, [sp, #8]
    svc     #0
    pop     {r7, pc}

    .section .note.GNU-stack, "", %progbits
