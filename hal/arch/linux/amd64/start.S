/*
 * Entry of the linux-amd64 executable (docs/boards/linux.md). The kernel starts _start with
 * %rsp at argc, then argv[], envp[] and the auxiliary vector (System V AMD64 ABI, 3.4.1); musl's
 * start-up reads all of them, so the pointer goes to tsm_linux_musl_start
 * (engine/src/libc-linux-musl.c). The firmware then runs on the stack of the board's layout
 * (hal/arch/linux/linux.ld), as on the bare-metal boards.
 */
    .section .text.boot, "ax"
    .global _start
_start:
    xor     %ebp, %ebp
    mov     %rsp, %rdi
    lea     __stack_top(%rip), %rsp
    and     $-16, %rsp
    call    tsm_linux_musl_start
    ud2

/* long tsm_linux_syscall(long nr, long a1, long a2, long a3, long a4): the `syscall` instruction
   takes the number in %rax and arguments in %rdi, %rsi, %rdx, %r10 (not %rcx, which it
   clobbers with %r11); the result, or -errno, comes back in %rax (syscall(2), "Architecture
   calling conventions"). */
    .text
    .global tsm_linux_syscall
    .type tsm_linux_syscall, @function
tsm_linux_syscall:
    mov     %rdi, %rax
    mov     %rsi, %rdi
    mov     %rdx, %rsi
    mov     %rcx, %rdx
    mov     %r8, %r10
    syscall
    ret

    .section .note.GNU-stack, "", @progbits
