/*
 * CPU exceptions on 32-bit ARM. Until the interrupt path exists every exception is fatal: print
 * what happened with the registers and exit non-zero, never hang (ARM ARM B1.8 for the return
 * address offsets, B4.9 for the fault status and address registers).
 */
#include <stdint.h>
#include "tsmetal.h"
#include "tsmetal-hooks.h"

extern uint8_t __stack_guard[], __irq_stack_guard[];

enum { EXC_UNDEF = 1, EXC_SVC, EXC_PABORT, EXC_DABORT, EXC_RESERVED, EXC_IRQ, EXC_FIQ };

typedef struct {
    uint32_t r[13];
    uint32_t lr;
    uint32_t spsr;
} exception_frame;

static const char *const kind_names[] = {
    "?", "undefined instruction", "SVC", "prefetch abort", "data abort", "reserved vector",
    "IRQ", "FIQ",
};

static uint32_t faulting_pc(int kind, const exception_frame *f)
{
    int thumb = (f->spsr >> 5) & 1;
    switch (kind) {
    case EXC_DABORT: return f->lr - 8;
    case EXC_UNDEF: return f->lr - (thumb ? 2 : 4);
    case EXC_SVC: return f->lr - (thumb ? 2 : 4);
    default: return f->lr - 4;
    }
}

/* An SVC that reaches us is a semihosting call with no debugger or emulator behind it, i.e.
   tsm_exit on real hardware: there is nobody to tell the exit code to, so halt. */
static int is_semihosting_call(const exception_frame *f)
{
    if ((f->spsr >> 5) & 1)
        return (*(const uint16_t *)(f->lr - 2) & 0xff) == 0xab;
    return (*(const uint32_t *)(f->lr - 4) & 0xffffff) == 0x123456;
}

void tsm_arch_exception(int kind, exception_frame *f)
{
    if (kind == EXC_SVC && is_semihosting_call(f)) {
        for (;;)
            __asm__ volatile("wfi");
    }
    tsm_console_puts("\ntsmetal: CPU fault: ");
    tsm_console_puts(kind_names[kind < 8 ? kind : 0]);
    tsm_console_put_hex(" at pc=", faulting_pc(kind, f), 8);
    tsm_console_puts("\n");
    if (kind == EXC_DABORT) {
        uint32_t dfar, dfsr;
        __asm__ volatile("mrc p15, 0, %0, c6, c0, 0" : "=r"(dfar));
        __asm__ volatile("mrc p15, 0, %0, c5, c0, 0" : "=r"(dfsr));
        tsm_console_put_hex("  fault address ", dfar, 8);
        tsm_console_put_hex(" (DFSR ", dfsr, 8);
        tsm_console_puts(")\n");
        /* The unmapped guard pages of firmware.ld (mmu.c); this handler runs on the abort stack. */
        if (dfar - (uint32_t)(uintptr_t)__stack_guard < 4096)
            tsm_console_puts("  stack overflow: the main stack ran into its guard page\n");
        else if (dfar - (uint32_t)(uintptr_t)__irq_stack_guard < 4096)
            tsm_console_puts("  stack overflow: the IRQ stack ran into its guard page\n");
    } else if (kind == EXC_PABORT) {
        uint32_t ifsr;
        __asm__ volatile("mrc p15, 0, %0, c5, c0, 1" : "=r"(ifsr));
        tsm_console_put_hex("  IFSR ", ifsr, 8);
        tsm_console_puts("\n");
    }
    static const char *const names[] = {
        "  r0=", " r1=", " r2=", " r3=", "\n  r4=", " r5=", " r6=", " r7=",
        "\n  r8=", " r9=", " r10=", " r11=", "\n  r12=",
    };
    for (int i = 0; i < 13; i++)
        tsm_console_put_hex(names[i], f->r[i], 8);
    tsm_console_put_hex(" lr=", f->lr, 8);
    tsm_console_put_hex(" spsr=", f->spsr, 8);
    tsm_console_puts("\n");
    tsm_exit(TSM_EXIT_FAULT);
}
