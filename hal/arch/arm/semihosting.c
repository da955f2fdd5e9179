/*
 * Exit through ARM semihosting (ARM DUI 0471, "SYS_EXIT_EXTENDED"): QEMU started with
 * -semihosting-config enable=on,target=native exits with our code. SYS_EXIT (0x18) can only
 * report success or failure, so we use SYS_EXIT_EXTENDED (0x20) with {ADP_Stopped_ApplicationExit,
 * code}. On hardware without a debugger the SVC traps into our vectors, which halt the CPU.
 * The build also uses semihosting file writes to save the engine snapshot (engine/src/snapshot.c).
 */
#include <stdint.h>
#include "tsmetal.h"

#include <string.h>

#define SYS_OPEN 0x01
#define SYS_CLOSE 0x02
#define SYS_WRITE 0x05
#define SYS_EXIT_EXTENDED 0x20
#define ADP_STOPPED_APPLICATION_EXIT 0x20026
#define OPEN_MODE_WB 5

static uint32_t semihost(uint32_t op, volatile void *block)
{
    register uint32_t r0 __asm__("r0") = op;
    register volatile void *r1 __asm__("r1") = block;
    __asm__ volatile("svc 0x123456" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

void tsm_exit(int code)
{
    volatile uint32_t block[2] = { ADP_STOPPED_APPLICATION_EXIT, (uint32_t)code };
    semihost(SYS_EXIT_EXTENDED, block);
    for (;;)
        __asm__ volatile("wfi");
}

int tsm_host_save(const char *path, const void *const parts[], const size_t lens[], int n)
{
    volatile uint32_t open_block[3] = { (uint32_t)path, OPEN_MODE_WB, (uint32_t)strlen(path) };
    uint32_t handle = semihost(SYS_OPEN, open_block);
    if (handle == (uint32_t)-1)
        return -1;
    int failed = 0;
    for (int i = 0; i < n && !failed; i++) {
        volatile uint32_t write_block[3] = { handle, (uint32_t)parts[i], (uint32_t)lens[i] };
        failed = semihost(SYS_WRITE, write_block) != 0; /* returns the bytes NOT written */
    }
    volatile uint32_t close_block[1] = { handle };
    semihost(SYS_CLOSE, close_block);
    return failed ? -1 : 0;
}
