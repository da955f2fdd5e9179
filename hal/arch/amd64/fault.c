/*
 * Fatal exceptions on x86-64: print the vector and its name, the error code, RIP, CR2 and the
 * registers, then exit 4 (never hang). Vector names: Intel SDM vol. 3, table 7-1.
 */
#include <stdint.h>
#include "tsmetal.h"
#include "tsmetal-hooks.h"
#include "amd64.h"

extern uint8_t __stack_guard[];

static const char *const exception_names[32] = {
    "divide error (#DE)", "debug (#DB)", "non-maskable interrupt (NMI)", "breakpoint (#BP)",
    "overflow (#OF)", "bound range exceeded (#BR)", "invalid opcode (#UD)",
    "device not available (#NM)", "double fault (#DF)", "coprocessor segment overrun",
    "invalid TSS (#TS)", "segment not present (#NP)", "stack-segment fault (#SS)",
    "general protection (#GP)", "page fault (#PF)", "reserved (15)",
    "x87 floating-point error (#MF)", "alignment check (#AC)", "machine check (#MC)",
    "SIMD floating-point exception (#XM)", "virtualization exception (#VE)",
    "control protection (#CP)", "reserved (22)", "reserved (23)", "reserved (24)",
    "reserved (25)", "reserved (26)", "reserved (27)", "hypervisor injection (#HV)",
    "VMM communication (#VC)", "security exception (#SX)", "reserved (31)",
};

void tsm_amd64_fault(const struct tsm_amd64_frame *f)
{
    uint64_t cr2;
    __asm__ volatile("mov %%cr2, %0" : "=r"(cr2));
    tsm_console_puts("\ntsmetal: CPU fault: ");
    tsm_console_puts(f->vector < 32 ? exception_names[f->vector] : "unexpected interrupt");
    tsm_console_put_hex(" at rip=", f->rip, 16);
    tsm_console_puts("\n  vector ");
    tsm_console_put_dec((int64_t)f->vector);
    tsm_console_put_hex(" error ", f->error, 16);
    tsm_console_put_hex(" cr2 (fault address) ", cr2, 16);
    tsm_console_put_hex(" rflags ", f->rflags, 16);
    /* The not-present guard page below the main stack (mmu.c); this handler runs on an IST stack. */
    if (f->vector == 14 && cr2 - (uintptr_t)__stack_guard < 4096)
        tsm_console_puts("\n  stack overflow: the main stack ran into its guard page");
    const struct { const char *name; uint64_t v; } regs[] = {
        { "rax", f->rax }, { "rbx", f->rbx }, { "rcx", f->rcx }, { "rdx", f->rdx },
        { "rsi", f->rsi }, { "rdi", f->rdi }, { "rbp", f->rbp }, { "rsp", f->rsp },
        { "r8", f->r8 }, { "r9", f->r9 }, { "r10", f->r10 }, { "r11", f->r11 },
        { "r12", f->r12 }, { "r13", f->r13 }, { "r14", f->r14 }, { "r15", f->r15 },
    };
    for (unsigned i = 0; i < sizeof regs / sizeof regs[0]; i++) {
        tsm_console_puts(i % 4 == 0 ? "\n  " : " ");
        tsm_console_puts(regs[i].name);
        tsm_console_put_hex("=", regs[i].v, 16);
    }
    tsm_console_put_hex("\n  cs=", f->cs, 16);
    tsm_console_put_hex(" ss=", f->ss, 16);
    tsm_console_puts("\n");
    tsm_exit(TSM_EXIT_FAULT);
}
