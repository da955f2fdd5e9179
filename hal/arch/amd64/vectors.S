/*
 * Interrupt and exception entry (Intel SDM vol. 3, 7.12 "Exception and Interrupt Handling in
 * 64-bit Mode"). Every vector has a stub that makes the frame uniform (a 0 where the CPU pushes
 * no error code: SDM vol. 3, table 7-1), pushes its number and joins the common path, which saves
 * the general registers and calls tsm_amd64_fault(frame) (fault.c). The IDT (descriptors.c) sends
 * every vector through an IST stack: musl's libc.a is compiled with the red zone, 128 bytes below
 * RSP that an interrupt frame pushed on the interrupted stack would overwrite.
 * Exceptions (vectors 0..31) are fatal. External interrupts (32..255) save the x87/SSE state as
 * well (FXSAVE: the top half is ordinary compiled C, and the interrupted code may be in the middle
 * of SSE work), call tsm_amd64_interrupt(frame) (interrupt.c) and return with IRETQ.
 */
    .altmacro
    .macro vector n
    .p2align 4
vector_\n:
    .if !(\n == 8 || (\n >= 10 && \n <= 14) || \n == 17 || \n == 21 || \n == 29 || \n == 30)
    pushq   $0
    .endif
    pushq   $\n
    jmp     tsm_irq_entry
    .endm

    .macro stub_address n
    .quad vector_\n
    .endm

    .section .text
    .set n, 0
    .rept 256
    vector %n
    .set n, n + 1
    .endr

/* Frame for fault.c, from the top of the IST stack down: ss, rsp, rflags, cs, rip, error, vector,
   then rax ... r15 as pushed here (struct tsm_amd64_frame). */
    .p2align 4
    .global tsm_irq_entry
tsm_irq_entry:
    pushq   %rax
    pushq   %rbx
    pushq   %rcx
    pushq   %rdx
    pushq   %rsi
    pushq   %rdi
    pushq   %rbp
    pushq   %r8
    pushq   %r9
    pushq   %r10
    pushq   %r11
    pushq   %r12
    pushq   %r13
    pushq   %r14
    pushq   %r15
    cld
    movq    %rsp, %rdi
    cmpq    $32, 15*8(%rsp)
    jae     2f
    andq    $-16, %rsp
    call    tsm_amd64_fault
1:  cli
    hlt
    jmp     1b

/* The IST stack is 16-byte aligned at the frame (SDM vol. 3, 7.14.4) and the frame is 22 words:
   RSP is aligned here for FXSAVE's 512-byte area and for the call. */
2:  subq    $512, %rsp
    fxsave64 (%rsp)
    call    tsm_amd64_interrupt
    fxrstor64 (%rsp)
    addq    $512, %rsp
    popq    %r15
    popq    %r14
    popq    %r13
    popq    %r12
    popq    %r11
    popq    %r10
    popq    %r9
    popq    %r8
    popq    %rbp
    popq    %rdi
    popq    %rsi
    popq    %rdx
    popq    %rcx
    popq    %rbx
    popq    %rax
    addq    $16, %rsp   /* vector and error code */
    iretq

/* The stubs' addresses, in vector order, for the IDT. */
    .section .rodata
    .p2align 3
    .global tsm_vector_stubs
tsm_vector_stubs:
    .set n, 0
    .rept 256
    stub_address %n
    .set n, n + 1
    .endr
