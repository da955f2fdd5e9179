/*
 * Exit and host file writes through semihosting, the same on every arch that has it: the ARM
 * operations (ARM DUI 0471; the RISC-V Semihosting spec reuses them) with their parameter blocks
 * in native words, invoked by the arch's trap (tsm_arch_semihost in hal/arch/<arch>/arch.h).
 * QEMU started with -semihosting-config enable=on,target=native serves them. SYS_EXIT can only
 * report success or failure, so exit uses SYS_EXIT_EXTENDED with {ADP_Stopped_ApplicationExit,
 * code}. On hardware without a debugger the trap lands in our own vectors, which halt the CPU.
 * The build also uses the file writes to save the engine snapshot (engine/src/snapshot.c).
 */
#include <stdint.h>
#include <string.h>
#include "tsmetal-hooks.h"
#include "arch.h"

#define SYS_OPEN 0x01
#define SYS_CLOSE 0x02
#define SYS_WRITE 0x05
#define SYS_EXIT_EXTENDED 0x20
#define ADP_STOPPED_APPLICATION_EXIT 0x20026
#define OPEN_MODE_WB 5

void tsm_exit(int code)
{
    volatile uintptr_t block[2] = { ADP_STOPPED_APPLICATION_EXIT, (uintptr_t)(intptr_t)code };
    tsm_arch_semihost(SYS_EXIT_EXTENDED, block);
    for (;;)
        tsm_arch_wait();
}

int tsm_host_save(const char *path, const void *const parts[], const size_t lens[], int n)
{
    volatile uintptr_t open_block[3] = { (uintptr_t)path, OPEN_MODE_WB, strlen(path) };
    uintptr_t handle = tsm_arch_semihost(SYS_OPEN, open_block);
    if (handle == (uintptr_t)-1)
        return -1;
    int failed = 0;
    for (int i = 0; i < n && !failed; i++) {
        volatile uintptr_t write_block[3] = { handle, (uintptr_t)parts[i], lens[i] };
        failed = tsm_arch_semihost(SYS_WRITE, write_block) != 0; /* returns the bytes NOT written */
    }
    volatile uintptr_t close_block[1] = { handle };
    tsm_arch_semihost(SYS_CLOSE, close_block);
    return failed ? -1 : 0;
}
