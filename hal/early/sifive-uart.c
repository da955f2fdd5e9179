/*
 * Early console on a SiFive UART (FU540-C000 manual, chapter 13: txdata at 0x00, bit 31 "full";
 * txctrl at 0x08, bit 0 txen). Polled; enables the transmitter itself, since -bios none leaves
 * nothing set up. For panics, CPU faults and uncaught errors.
 */
#include <stdint.h>
#include "tsmetal-hooks.h"

#ifndef TSM_EARLY_CONSOLE_BASE
#error "TSM_EARLY_CONSOLE_BASE comes from the board's board.json (earlyConsole.base)"
#endif

#define UART_TXDATA (*(volatile uint32_t *)(TSM_EARLY_CONSOLE_BASE + 0x00))
#define UART_TXCTRL (*(volatile uint32_t *)(TSM_EARLY_CONSOLE_BASE + 0x08))
#define TXDATA_FULL (1u << 31)
#define TX_POLL_LIMIT 100000

void tsm_console_write(const char *s, size_t len)
{
    UART_TXCTRL |= 1;
    for (size_t i = 0; i < len; i++) {
        for (int n = 0; (UART_TXDATA & TXDATA_FULL) && n < TX_POLL_LIMIT; n++)
            ;
        UART_TXDATA = (uint8_t)s[i];
    }
}
