/*
 * Exit and host file writes through RISC-V semihosting (RISC-V Semihosting spec 1.0: the ARM
 * semihosting operations, invoked by the uncompressed sequence slli x0,x0,0x1f; ebreak;
 * srai x0,x0,7). QEMU started with -semihosting-config enable=on,target=native serves them;
 * QEMU 7.2's sifive_u has no test/finisher device to exit through.
 */
#include <stdint.h>
#include <string.h>
#include "tsmetal.h"

#define SYS_OPEN 0x01
#define SYS_CLOSE 0x02
#define SYS_WRITE 0x05
#define SYS_EXIT_EXTENDED 0x20
#define ADP_STOPPED_APPLICATION_EXIT 0x20026
#define OPEN_MODE_WB 5

static uint64_t semihost(uint64_t op, volatile void *block)
{
    register uint64_t a0 __asm__("a0") = op;
    register volatile void *a1 __asm__("a1") = block;
    __asm__ volatile(".option push\n\t.option norvc\n\t.balign 16\n\t"
                     "slli x0, x0, 0x1f\n\tebreak\n\tsrai x0, x0, 7\n\t.option pop"
                     : "+r"(a0) : "r"(a1) : "memory");
    return a0;
}

void tsm_exit(int code)
{
    volatile uint64_t block[2] = { ADP_STOPPED_APPLICATION_EXIT, (uint64_t)(int64_t)code };
    semihost(SYS_EXIT_EXTENDED, block);
    for (;;)
        __asm__ volatile("wfi");
}

int tsm_host_save(const char *path, const void *const parts[], const size_t lens[], int n)
{
    volatile uint64_t open_block[3] = { (uint64_t)(uintptr_t)path, OPEN_MODE_WB, strlen(path) };
    uint64_t handle = semihost(SYS_OPEN, open_block);
    if (handle == (uint64_t)-1)
        return -1;
    int failed = 0;
    for (int i = 0; i < n && !failed; i++) {
        volatile uint64_t write_block[3] = { handle, (uint64_t)(uintptr_t)parts[i], lens[i] };
        failed = semihost(SYS_WRITE, write_block) != 0; /* returns the bytes NOT written */
    }
    volatile uint64_t close_block[1] = { handle };
    semihost(SYS_CLOSE, close_block);
    return failed ? -1 : 0;
}
