/*
 * Early console on a 16550 UART in x86 port I/O space (COM1 at 0x3f8 on every VMM here):
 * THR at +0, LSR at +5 with bit 5 "transmitter holding register empty" (PC16550D datasheet,
 * 8.4 and 8.6.3). Polled and init-free: the VMMs' models need no set-up, and the TypeScript
 * driver (drivers/uart/ns16550.ts) programs the line. For panics, CPU faults and uncaught errors.
 */
#include <stdint.h>
#include "tsmetal-hooks.h"
#include "arch.h"

#ifndef TSM_EARLY_CONSOLE_BASE
#error "TSM_EARLY_CONSOLE_BASE comes from the board's board.json (earlyConsole.base)"
#endif

#define UART_THR (TSM_EARLY_CONSOLE_BASE + 0)
#define UART_LSR (TSM_EARLY_CONSOLE_BASE + 5)
#define LSR_THRE (1u << 5)
#define TX_POLL_LIMIT 100000

void tsm_console_write(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        for (int n = 0; !(tsm_arch_in8(UART_LSR) & LSR_THRE) && n < TX_POLL_LIMIT; n++)
            ;
        tsm_arch_out8(UART_THR, (uint8_t)s[i]);
    }
}
