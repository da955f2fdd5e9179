/*
 * The `syscall` instruction, executed by musl's libc.a in ring 0 (engine/src/libc-musl.c serves
 * the calls). With EFER.SCE set, SYSCALL works at any privilege level: RCX = return RIP,
 * R11 = RFLAGS, RFLAGS masked by IA32_FMASK, CS/SS from IA32_STAR, and no stack switch (Intel SDM
 * vol. 2B, SYSCALL). SYSRET would return to ring 3, so the way back is popfq + jmp *%rcx.
 *
 * Linux's system call ABI preserves every register but RAX, RCX and R11 - musl's inline asm
 * clobbers nothing else, the SSE registers included - and musl is compiled with the red zone, so
 * the handler first steps 128 bytes below the caller's RSP, saves the argument registers and
 * the x87/SSE state (FXSAVE), and calls
 *     long tsm_syscall(long a1, long a2, long a3, long a4, long a5, long a6, long nr)
 * (the Linux order: RDI, RSI, RDX, R10, R8, R9; the number in RAX), result in RAX.
 */
    .section .text
    .p2align 4
    .global tsm_syscall_entry
tsm_syscall_entry:
    leaq    -128(%rsp), %rsp
    pushq   %rbp
    movq    %rsp, %rbp
    pushq   %rcx
    pushq   %r11
    pushq   %rdi
    pushq   %rsi
    pushq   %rdx
    pushq   %r10
    pushq   %r8
    pushq   %r9
    andq    $-16, %rsp
    subq    $512, %rsp
    fxsave64 (%rsp)
    subq    $8, %rsp
    pushq   %rax
    movq    %r10, %rcx
    call    tsm_syscall
    addq    $16, %rsp
    fxrstor64 (%rsp)
    leaq    -64(%rbp), %rsp
    popq    %r9
    popq    %r8
    popq    %r10
    popq    %rdx
    popq    %rsi
    popq    %rdi
    popq    %r11
    popq    %rcx
    popq    %rbp
    /* RFLAGS back while still below the red zone; lea leaves the flags alone. */
    pushq   %r11
    popfq
    leaq    128(%rsp), %rsp
    jmp     *%rcx
