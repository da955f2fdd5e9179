/*
 * The tables x86-64 needs in ring 0 (Intel SDM vol. 3): a 64-bit TSS for its interrupt stacks
 * (8.7), the IDT (7.14), and the MSRs that make `syscall` work without an operating system
 * (5.8.8). The GDT itself is static (start.S).
 */
#include <stdint.h>
#include <string.h>
#include "arch.h"
#include "amd64.h"

#define GDT_CODE64 0x08
#define GDT_TSS 0x18
#define IDT_INTERRUPT_GATE 0x8e /* present, DPL 0, 64-bit interrupt gate: IF cleared on entry */
#define IST_DEFAULT 1
#define IST_DOUBLE_FAULT 2      /* its own stack: a fault on the IST stack still gets reported */
#define VECTOR_DOUBLE_FAULT 8
#define VECTOR_NMI 2

#define MSR_EFER 0xc0000080u
#define MSR_STAR 0xc0000081u
#define MSR_LSTAR 0xc0000082u
#define MSR_FMASK 0xc0000084u
#define EFER_SCE 1u
/* Cleared on `syscall` like Linux does: TF, IF, DF, IOPL, NT, AC (SDM vol. 1, 3.4.3). */
#define SYSCALL_FLAGS_MASK 0x47700u

struct __attribute__((packed)) tss64 {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;
};

struct idt_gate {
    uint16_t offset_low;
    uint16_t selector;
    uint8_t ist;
    uint8_t type;
    uint16_t offset_mid;
    uint32_t offset_high;
    uint32_t reserved;
};

extern uint64_t tsm_gdt[];
extern const uint64_t tsm_vector_stubs[256];
extern char tsm_syscall_entry[];

static TSM_ARCH_STATE struct tss64 tss;
static TSM_ARCH_STATE struct idt_gate idt[256];
static TSM_ARCH_STATE uint8_t ist_stack[16384];
static TSM_ARCH_STATE uint8_t double_fault_stack[4096];

static void tss_init(void)
{
    memset(&tss, 0, sizeof tss);
    tss.ist[IST_DEFAULT - 1] = (uintptr_t)(ist_stack + sizeof ist_stack);
    tss.ist[IST_DOUBLE_FAULT - 1] = (uintptr_t)(double_fault_stack + sizeof double_fault_stack);
    tss.iomap_base = sizeof tss; /* no I/O permission bitmap: ring 0 needs none */
    /* 16-byte system descriptor, type 9 = available 64-bit TSS (SDM vol. 3, 8.2.3). */
    uint64_t base = (uintptr_t)&tss, limit = sizeof tss - 1;
    tsm_gdt[GDT_TSS / 8] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ull << 40) |
                           ((limit >> 16 & 0xf) << 48) | ((base >> 24 & 0xff) << 56);
    tsm_gdt[GDT_TSS / 8 + 1] = base >> 32;
    __asm__ volatile("ltr %w0" :: "r"(GDT_TSS) : "memory");
}

static void idt_init(void)
{
    for (int v = 0; v < 256; v++) {
        uint64_t a = tsm_vector_stubs[v];
        idt[v] = (struct idt_gate){
            .offset_low = (uint16_t)a,
            .selector = GDT_CODE64,
            .ist = v == VECTOR_DOUBLE_FAULT || v == VECTOR_NMI ? IST_DOUBLE_FAULT : IST_DEFAULT,
            .type = IDT_INTERRUPT_GATE,
            .offset_mid = (uint16_t)(a >> 16),
            .offset_high = (uint32_t)(a >> 32),
        };
    }
    struct __attribute__((packed)) { uint16_t limit; uint64_t base; } p = { sizeof idt - 1, (uintptr_t)idt };
    __asm__ volatile("lidt %0" :: "m"(p) : "memory");
}

static void syscall_init(void)
{
    tsm_arch_wrmsr(MSR_STAR, (uint64_t)GDT_CODE64 << 32);
    tsm_arch_wrmsr(MSR_LSTAR, (uintptr_t)tsm_syscall_entry);
    tsm_arch_wrmsr(MSR_FMASK, SYSCALL_FLAGS_MASK);
    tsm_arch_wrmsr(MSR_EFER, tsm_arch_rdmsr(MSR_EFER) | EFER_SCE);
}

void tsm_descriptors_init(void)
{
    tss_init();
    idt_init();
    syscall_init();
}
