/*
 * x86-64 boot stub for a PVH guest (QEMU -M microvm -kernel, Firecracker, Cloud Hypervisor).
 *
 * The VMM finds the 32-bit entry in the ELF note XEN_ELFNOTE_PHYS32_ENTRY (Xen's
 * docs/misc/pvh.pandoc) and starts it in 32-bit protected mode: paging off, flat CS/DS/ES/SS,
 * interrupts off, EBX = physical address of the hvm_start_info. From there: a GDT with a 64-bit
 * code segment, identity-mapped page tables for the first GiB in 2 MiB pages, CR4.PAE, EFER.LME
 * (+NXE when the CPU has it, +SCE for the C library's `syscall`), CR0.PG, and a far jump into
 * long mode (Intel SDM vol. 3, 10.8.5 "Initializing IA-32e Mode"). Then SSE (the x86-64 ABI
 * needs it), a boot stack, .bss, the C side (boot.c), which checks the memory and replaces
 * these boot page tables with the board's memory map, then the main stack and the C library.
 */
#define CR0_PE (1 << 0)
#define CR0_MP (1 << 1)
#define CR0_EM (1 << 2)
#define CR0_TS (1 << 3)
#define CR0_NE (1 << 5)
#define CR0_WP (1 << 16)
#define CR0_PG (1 << 31)
#define CR4_PAE (1 << 5)
#define CR4_OSFXSR (1 << 9)
#define CR4_OSXMMEXCPT (1 << 10)
#define MSR_EFER 0xc0000080
#define EFER_SCE (1 << 0)
#define EFER_LME (1 << 8)
#define EFER_NXE (1 << 11)
#define PTE_P 0x1
#define PTE_W 0x2
#define PTE_PS 0x80
#define COM1 0x3f8
#define GDT_CODE64 0x08
#define GDT_DATA 0x10

/* Xen ELF note (xen/include/public/elfnote.h): name "Xen", type 18 = PHYS32_ENTRY. In an
   ELF64 the value is 8 bytes, as Linux writes it (_ASM_PTR) and QEMU reads it. */
    .section .note.Xen, "a", @note
    .p2align 2
    .long 4
    .long 8
    .long 18
    .asciz "Xen"
    .p2align 2
    .quad tsm_pvh_start32
    .p2align 2

    .section .text.boot, "ax"
    .code32
    .global tsm_pvh_start32
tsm_pvh_start32:
    cli
    cld
    movl    %ebx, tsm_pvh_start_info

    /* Long mode needs CPUID 0x80000001 EDX.LM (bit 29): say so on COM1 rather than triple fault. */
    movl    $0x80000000, %eax
    cpuid
    cmpl    $0x80000001, %eax
    jb      no_long_mode
    movl    $0x80000001, %eax
    cpuid
    btl     $29, %edx
    jnc     no_long_mode
    movl    %edx, %esi                      /* EDX bit 20: NX, for EFER.NXE below */

    lgdt    gdt_pointer

    /* Boot page tables (a NOLOAD section outside .bss, so clearing .bss later spares them):
       PML4[0] -> PDPT[0] -> one PD of 512 2 MiB pages for the first GiB (SDM vol. 3, 4.5). */
    movl    $tsm_boot_pml4, %edi
    xorl    %eax, %eax
    movl    $(3 * 4096 / 4), %ecx
    rep stosl
    movl    $(tsm_boot_pdpt + PTE_P + PTE_W), tsm_boot_pml4
    movl    $(tsm_boot_pd + PTE_P + PTE_W), tsm_boot_pdpt
    movl    $tsm_boot_pd, %edi
    movl    $(PTE_P + PTE_W + PTE_PS), %eax
    movl    $512, %ecx
1:  movl    %eax, (%edi)
    addl    $0x200000, %eax
    addl    $8, %edi
    loop    1b
    movl    $tsm_boot_pml4, %eax
    movl    %eax, %cr3

    movl    %cr4, %eax
    orl     $(CR4_PAE + CR4_OSFXSR + CR4_OSXMMEXCPT), %eax
    movl    %eax, %cr4

    movl    $MSR_EFER, %ecx
    rdmsr
    orl     $(EFER_LME + EFER_SCE), %eax
    btl     $20, %esi
    jnc     2f
    orl     $EFER_NXE, %eax
2:  wrmsr

    /* Paging on activates IA-32e mode; x87/SSE usable (MP set, EM and TS clear: SDM vol. 3, 14.1.3). */
    movl    %cr0, %eax
    andl    $~(CR0_EM + CR0_TS), %eax
    orl     $(CR0_PE + CR0_MP + CR0_NE + CR0_WP + CR0_PG), %eax
    movl    %eax, %cr0
    ljmp    $GDT_CODE64, $start64

no_long_mode:
    movl    $no_long_mode_msg, %esi
    movw    $COM1, %dx
3:  lodsb
    testb   %al, %al
    jz      4f
    outb    %al, %dx
    jmp     3b
4:  hlt
    jmp     4b

    .code64
start64:
    movl    $GDT_DATA, %eax
    movl    %eax, %ds
    movl    %eax, %es
    movl    %eax, %ss
    xorl    %eax, %eax
    movl    %eax, %fs
    movl    %eax, %gs
    /* A stack inside the image until boot.c has checked that RAM reaches __stack_top. */
    leaq    boot_stack_top(%rip), %rsp
    xorl    %ebp, %ebp

    leaq    __bss_start(%rip), %rdi
    leaq    __bss_end(%rip), %rcx
    subq    %rdi, %rcx
    shrq    $3, %rcx
    xorl    %eax, %eax
    rep stosq

    /* x87 and SSE control words at their reset values (SDM vol. 1, 8.1.5 and 10.2.3.1): round to
       nearest, all exceptions masked, whatever state the VMM left. */
    fninit
    pushq   $0x1f80
    ldmxcsr (%rsp)
    popq    %rax
    movl    tsm_pvh_start_info(%rip), %edi
    call    tsm_amd64_boot
    leaq    __stack_top(%rip), %rsp
    call    tsm_libc_start
5:  cli
    hlt
    jmp     5b

    .section .rodata
no_long_mode_msg:
    .asciz "tsmetal: this CPU has no 64-bit long mode (CPUID 0x80000001 EDX.LM)\r\n"

/* The GDT (SDM vol. 3, 3.4.5 and 5.2.1): 0x08 64-bit code (L=1), 0x10 data, 0x18 the 64-bit
   TSS (16 bytes, filled in by descriptors.c). The order 0x08/0x10 is also what `syscall` loads
   from IA32_STAR (SDM vol. 3, 5.8.8). */
    .section .data
    .p2align 4
    .global tsm_gdt
tsm_gdt:
    .quad 0
    .quad 0x00af9a000000ffff
    .quad 0x00cf92000000ffff
    .quad 0, 0
tsm_gdt_end:
    .p2align 3
    .global tsm_pvh_start_info
tsm_pvh_start_info:
    .long 0
    .p2align 2
    .word 0
gdt_pointer:
    .word tsm_gdt_end - tsm_gdt - 1
    .quad tsm_gdt

    .section .boot_page_tables, "aw", @nobits
    .p2align 12
tsm_boot_pml4:
    .skip 4096
tsm_boot_pdpt:
    .skip 4096
tsm_boot_pd:
    .skip 4096
    .p2align 4
    .skip 8192
boot_stack_top:
