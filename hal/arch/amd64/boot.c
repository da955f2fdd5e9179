/*
 * The C half of the x86-64 boot (start.S has set up long mode, SSE, a boot stack and .bss): check
 * the VMM's memory map, install the TSS/IDT and the `syscall` MSRs, switch to the board's page
 * tables. start.S then moves to the main stack and starts the C library (tsm_libc_start: musl,
 * which sets the thread pointer through arch_prctl), which enters the engine.
 */
#include <stdint.h>
#include "tsmetal.h"
#include "amd64.h"

void tsm_amd64_boot(uint32_t start_info);

void tsm_amd64_boot(uint32_t start_info)
{
    tsm_pvh_check_memory(start_info);
    tsm_pvh_save_command_line(start_info);
    tsm_pvh_save_modules(start_info);
    tsm_descriptors_init();
    tsm_mmu_init();
}
