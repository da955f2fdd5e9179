/*
 * Traps on RISC-V (trap-entry.S). Interrupts: the machine timer is the loop's deadline (the
 * handler only disables it, see arch.h), machine external interrupts go to the top half, which
 * claims them from the PLIC. Exceptions are fatal: print the cause, mepc, mtval and the
 * registers, then exit 4 (never hang). Cause codes: RISC-V privileged spec, table 3.6.
 */
#include <stdint.h>
#include "arch.h"
#include "irq.h"
#include "tsmetal.h"
#include "tsmetal-hooks.h"

extern uint8_t __stack_guard[];

#define CAUSE_MACHINE_TIMER 7
#define CAUSE_MACHINE_EXTERNAL 11


void tsm_riscv_interrupt(uint64_t mcause)
{
    uint64_t code = mcause & ~(1ull << 63);
    if (code == CAUSE_MACHINE_TIMER) {
        __asm__ volatile("csrc mie, %0" :: "r"(TSM_RISCV_MTIE));
        return;
    }
    if (code == CAUSE_MACHINE_EXTERNAL) {
        tsm_irq_top_half();
        return;
    }
    /* Only MTIE and MEIE are ever enabled. */
    tsm_console_put_hex("\ntsmetal: unexpected interrupt, mcause ", mcause, 16);
    tsm_console_puts("\n");
    tsm_exit(TSM_EXIT_FAULT);
}

static const char *const exception_names[] = {
    "instruction address misaligned", "instruction access fault", "illegal instruction",
    "breakpoint", "load address misaligned", "load access fault", "store address misaligned",
    "store access fault", "environment call from U-mode", "environment call from S-mode", "?",
    "environment call from M-mode", "instruction page fault", "load page fault", "?",
    "store page fault",
};

static const char *const reg_names[32] = {
    "zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1", "a0", "a1", "a2", "a3", "a4", "a5",
    "a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
};

void tsm_riscv_trap(const uint64_t *frame)
{
    uint64_t mcause, mepc, mtval;
    __asm__ volatile("csrr %0, mcause" : "=r"(mcause));
    __asm__ volatile("csrr %0, mepc" : "=r"(mepc));
    __asm__ volatile("csrr %0, mtval" : "=r"(mtval));
    uint64_t code = mcause;
    tsm_console_puts("\ntsmetal: CPU fault: ");
    tsm_console_puts(code < 16 ? exception_names[code] : "unknown exception");
    tsm_console_put_hex(" at mepc=", mepc, 16);
    tsm_console_puts("\n");
    tsm_console_put_hex("  mcause ", mcause, 16);
    tsm_console_put_hex(" mtval (fault address) ", mtval, 16);
    /* Load or store access fault in the PMP guard page below the main stack (start.S). */
    if ((code == 5 || code == 7) && mtval - (uintptr_t)__stack_guard < 4096)
        tsm_console_puts("\n  stack overflow: the main stack ran into its guard page");
    for (int i = 1; i < 32; i++) {
        tsm_console_puts((i - 1) % 4 == 0 ? "\n  " : " ");
        tsm_console_puts(reg_names[i]);
        tsm_console_put_hex("=", frame[i], 16);
    }
    tsm_console_puts("\n");
    tsm_exit(TSM_EXIT_FAULT);
}
