/*
 * Exit through ARM semihosting (ARM DUI 0471, "SYS_EXIT_EXTENDED"): QEMU started with
 * -semihosting-config enable=on,target=native exits with our code. SYS_EXIT (0x18) can only
 * report success or failure, so we use SYS_EXIT_EXTENDED (0x20) with {ADP_Stopped_ApplicationExit,
 * code}. On hardware without a debugger the SVC traps into our vectors, which halt the CPU.
 */
#include <stdint.h>
#include "tsmetal.h"

#define SYS_EXIT_EXTENDED 0x20
#define ADP_STOPPED_APPLICATION_EXIT 0x20026

void tsm_exit(int code)
{
    static volatile uint32_t block[2];
    block[0] = ADP_STOPPED_APPLICATION_EXIT;
    block[1] = (uint32_t)code;
    register uint32_t r0 __asm__("r0") = SYS_EXIT_EXTENDED;
    register volatile uint32_t *r1 __asm__("r1") = block;
    __asm__ volatile("svc 0x123456" : "+r"(r0) : "r"(r1) : "memory");
    for (;;)
        __asm__ volatile("wfi");
}
