/*
 * Early console on an i.MX UART (i.MX6UL RM, chapter "Universal Asynchronous
 * Receiver/Transmitter (UART)": UTXD at 0x40, UCR1 at 0x80 with UARTEN (bit 0), UCR2 at 0x84 with
 * TXEN (bit 2) and SRST (bit 0, active low), UTS at 0xB4 with TXFULL (bit 4)). Polled. It turns
 * the transmitter on itself, because a boot straight from the boot ROM (USB serial download)
 * leaves the console UART off; the baud rate is the TypeScript driver's (drivers/uart/imx-uart.ts).
 * For panics, CPU faults and uncaught errors.
 */
#include <stdint.h>
#include "tsmetal-hooks.h"

#ifndef TSM_EARLY_CONSOLE_BASE
#error "TSM_EARLY_CONSOLE_BASE comes from the board's board.json (earlyConsole.base)"
#endif

#define UART_UTXD (*(volatile uint32_t *)(TSM_EARLY_CONSOLE_BASE + 0x40))
#define UART_UCR1 (*(volatile uint32_t *)(TSM_EARLY_CONSOLE_BASE + 0x80))
#define UART_UCR2 (*(volatile uint32_t *)(TSM_EARLY_CONSOLE_BASE + 0x84))
#define UART_UTS (*(volatile uint32_t *)(TSM_EARLY_CONSOLE_BASE + 0xb4))
#define UCR1_UARTEN (1u << 0)
#define UCR2_SRST (1u << 0)
#define UCR2_TXEN (1u << 2)
#define UTS_TXFULL (1u << 4)
/* A UART without its clock never drains: give up on a byte rather than hang a panic. */
#define TX_POLL_LIMIT 100000

void tsm_console_write(const char *s, size_t len)
{
    UART_UCR1 |= UCR1_UARTEN;
    UART_UCR2 |= UCR2_SRST | UCR2_TXEN;
    for (size_t i = 0; i < len; i++) {
        for (int n = 0; (UART_UTS & UTS_TXFULL) && n < TX_POLL_LIMIT; n++)
            ;
        UART_UTXD = (uint8_t)s[i];
    }
}
