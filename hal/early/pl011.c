/*
 * Early console on an ARM PL011 UART (PrimeCell UART TRM 3.3.1 DR, 3.3.3 FR). Polled and
 * init-free: it relies on the UART the firmware or the TypeScript driver set up, and QEMU needs
 * none. Used for panics, CPU faults and uncaught errors; normal output goes through the
 * TypeScript driver (drivers/uart/pl011.ts).
 */
#include <stdint.h>
#include "tsmetal-hooks.h"

#ifndef TSM_EARLY_CONSOLE_BASE
#error "TSM_EARLY_CONSOLE_BASE comes from the board's board.json (earlyConsole.base)"
#endif

#define UART_DR (*(volatile uint32_t *)(TSM_EARLY_CONSOLE_BASE + 0x00))
#define UART_FR (*(volatile uint32_t *)(TSM_EARLY_CONSOLE_BASE + 0x18))
#define FR_TXFF (1u << 5)
/* A disabled UART never drains its FIFO: give up on a byte rather than hang a panic. */
#define TX_POLL_LIMIT 100000

void tsm_console_write(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        for (int n = 0; (UART_FR & FR_TXFF) && n < TX_POLL_LIMIT; n++)
            ;
        UART_DR = (uint8_t)s[i];
    }
}
