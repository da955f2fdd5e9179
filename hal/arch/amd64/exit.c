/*
 * Exit and host file writes on x86, which has no semihosting. One ELF runs on three VMMs, so
 * tsm_exit tries each one's way out in turn; the first that exists ends the VM:
 *   1. QEMU: isa-debug-exit on port 0xf4 (-device isa-debug-exit,iobase=0xf4,iosize=0x04), QEMU's
 *      status becomes (value << 1) | 1. We write code + 1, so exit 0 is status 3 and QEMU's own
 *      failure status 1 is never a firmware code (tools/lib/targets.ts decodeDebugExit).
 *      Codes 0..126 pass; others become 126 (an 8-bit status holds no more).
 *   2. Elsewhere the code is printed on the console, then Cloud Hypervisor's ACPI shutdown port
 *      (0x600, S5 with SLP_EN: ACPI spec 4.8.3.2.1) and the i8042 reset line (0x64 <- 0xfe), which
 *      Firecracker turns into the end of the VM.
 *   3. Interrupts off and HLT forever.
 * tsm_host_save (the engine snapshot) writes through the Bochs/QEMU debug console on port 0x402,
 * whose host file the QEMU command line names (targets.ts qemuHostSaveArgs); reading the port back
 * gives 0xe9 when the device is there.
 */
#include <stdint.h>
#include <stddef.h>
#include "tsmetal.h"
#include "tsmetal-hooks.h"
#include "arch.h"

#define DEBUG_EXIT_PORT 0xf4
#define DEBUG_EXIT_MAX_CODE 126
#define ACPI_PM1_CONTROL_PORT 0x600
#define ACPI_S5_SLP_EN ((5 << 2) | (1 << 5))
#define I8042_COMMAND_PORT 0x64
#define I8042_PULSE_RESET 0xfe
#define DEBUGCON_PORT 0x402
#define DEBUGCON_READBACK 0xe9

void tsm_exit(int code)
{
    tsm_arch_irq_disable();
    int sent = code >= 0 && code <= DEBUG_EXIT_MAX_CODE ? code : DEBUG_EXIT_MAX_CODE;
    tsm_arch_out32(DEBUG_EXIT_PORT, (uint32_t)sent + 1);
    tsm_console_puts("tsmetal: exit code ");
    tsm_console_put_dec(code);
    tsm_console_puts("\n");
    tsm_arch_out8(ACPI_PM1_CONTROL_PORT, ACPI_S5_SLP_EN);
    tsm_arch_out8(I8042_COMMAND_PORT, I8042_PULSE_RESET);
    for (;;)
        __asm__ volatile("hlt");
}

int tsm_host_save(const char *path, const void *const parts[], const size_t lens[], int n)
{
    (void)path; /* the file is the one the QEMU command line gives the debug console */
    if (tsm_arch_in8(DEBUGCON_PORT) != DEBUGCON_READBACK)
        return -1;
    for (int i = 0; i < n; i++) {
        const uint8_t *p = parts[i];
        size_t len = lens[i];
        __asm__ volatile("rep outsb" : "+S"(p), "+c"(len) : "d"(DEBUGCON_PORT) : "memory");
    }
    return 0;
}
