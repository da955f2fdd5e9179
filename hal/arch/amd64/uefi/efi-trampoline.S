/*
 * From UEFI's long mode to the PVH entry's state (Xen docs/misc/pvh.pandoc: 32-bit protected mode,
 * paging off, flat 4 GiB CS/DS/ES/SS, EBX = the hvm_start_info), so the payload starts at its
 * tsm_pvh_start32 exactly as under a PVH VMM. efi-stub.c copies this code to a page below 1 GiB
 * (it must run identity-mapped and below 4 GiB once paging is off) and calls it with
 * RDI = the start info and RSI = the 32-bit entry, after ExitBootServices and with interrupts off.
 * Leaving IA-32e mode (Intel SDM vol. 3, 10.8.5.4): in a 32-bit compatibility-mode code segment,
 * clear CR0.PG (which clears EFER.LMA), then EFER.LME. Position independent: only RIP-relative
 * references, and the GDT's base is filled in at run time.
 */
    .section .text
    .code64
    .global tsm_efi_trampoline, tsm_efi_trampoline_end
tsm_efi_trampoline:
    cli
    movl    %edi, %ebx
    leaq    gdt(%rip), %rax
    movq    %rax, gdt_pointer+2(%rip)
    lgdt    gdt_pointer(%rip)
    /* Far return into the 32-bit code segment 0x08 (a 64-bit `ljmp` takes no immediate). */
    leaq    compat(%rip), %rax
    pushq   $0x08
    pushq   %rax
    lretq
    .code32
compat:
    movl    $0x10, %eax
    movl    %eax, %ds
    movl    %eax, %es
    movl    %eax, %ss
    movl    %eax, %fs
    movl    %eax, %gs
    movl    %cr0, %eax
    andl    $0x7fffffff, %eax
    movl    %eax, %cr0
    movl    $0xc0000080, %ecx
    rdmsr
    andl    $~(1 << 8), %eax
    wrmsr
    /* CR4.PAE and the rest are start.S's to set; a stale CR3 is harmless with paging off. */
    jmp     *%esi

    .p2align 3
gdt:
    .quad 0
    .quad 0x00cf9a000000ffff    /* 0x08: 32-bit code, base 0, 4 GiB (SDM vol. 3, 3.4.5) */
    .quad 0x00cf92000000ffff    /* 0x10: data, base 0, 4 GiB */
gdt_end:
    .p2align 3
    .word 0, 0, 0
gdt_pointer:
    .word gdt_end - gdt - 1
    .quad 0
tsm_efi_trampoline_end:
