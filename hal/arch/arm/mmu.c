/*
 * MMU and caches for 32-bit ARM (ARMv6 with the ARMv6 "XP" page table format, which ARMv7 keeps).
 * A flat map of 1 MiB sections (ARM ARM B4.7 / B3.5): normal write-back cacheable memory for RAM,
 * normal uncached memory for what the GPU shares with us (its memory, the DMA region), device
 * memory for peripherals; everything outside the board's map faults. Only the sections holding
 * code are executable: data, heap, stacks and devices are execute-never. Real hardware is many
 * times slower with caches off; QEMU does not show it.
 *
 * The board's memory map arrives as TSM_MEMORY_MAP (tools/lib/engine.ts, from board.json).
 */
#include <stdint.h>
#include "tsmetal-hooks.h"
#include "arch.h"

enum { TSM_MEM_RAM = 1, TSM_MEM_UNCACHED = 2, TSM_MEM_DEVICE = 3 };

typedef struct {
    uint32_t base;
    uint32_t size;
    uint32_t type;
} region;

static const region regions[] = TSM_MEMORY_MAP;

/* Short-descriptor section entry fields (ARM1176JZF-S TRM 6.11.2, ARM ARM B3.5.1). */
#define SECTION (2u << 0)
#define B (1u << 2)
#define C (1u << 3)
#define XN (1u << 4)
#define AP_FULL (3u << 10)
#define TEX(x) ((uint32_t)(x) << 12)

/* Memory types from TEX/C/B (ARM ARM B3.8.2, table B3-10). */
#define NORMAL_WRITE_BACK (TEX(1) | C | B) /* outer and inner write-back, write-allocate */
#define NORMAL_UNCACHED TEX(1)
#define DEVICE_SHARED B

extern uint32_t __page_table[], __page_table_l2[];
extern uint8_t __text_start[], __text_end[], __dma_start[], __dma_end[];
extern uint8_t __stack_guard[], __irq_stack_guard[];

/* Second-level ("coarse") tables (ARM ARM B4.7.6, ARM1176JZF-S TRM 6.11.2): 256 small pages of
   4 KiB for one section. The first-level descriptor is the table's address | 0b01, domain 0. */
#define COARSE (1u << 0)
#define L2_ENTRIES 256
#define L2_TABLES 2
/* A small page (XP format): bit 1 set, XN in bit 0, B and C as in a section, AP in bits 5:4 and
   TEX in bits 8:6 where a section has them in 11:10 and 14:12. */
#define SMALL_PAGE (1u << 1)

static uint32_t small_page_attributes(uint32_t section)
{
    return SMALL_PAGE | (section & (B | C)) | ((section & XN) ? 1u : 0u) |
           (((section >> 10) & 3u) << 4) | (((section >> 12) & 7u) << 6);
}

/* Leaves the 4 KiB page at `addr` unmapped: the section around it becomes 256 small pages with
   the section's attributes, all but that one mapped. The guard pages below the main stack and
   below the IRQ stack (firmware.ld) make an overflow a data abort instead of a silent write. */
static void unmap_page(uint32_t addr, unsigned *used)
{
    uint32_t *l1 = &__page_table[addr >> 20];
    uint32_t *l2;
    if ((*l1 & 3u) == COARSE) {
        l2 = (uint32_t *)(uintptr_t)(*l1 & ~0x3ffu);
    } else {
        if (*used == L2_TABLES || (*l1 & 3u) != SECTION)
            return; /* more guards than tables, or an unmapped section: nothing to do */
        l2 = &__page_table_l2[L2_ENTRIES * (*used)++];
        uint32_t attrs = small_page_attributes(*l1);
        for (uint32_t i = 0; i < L2_ENTRIES; i++)
            l2[i] = ((addr & 0xfff00000u) + (i << 12)) | attrs;
        *l1 = (uint32_t)(uintptr_t)l2 | COARSE;
    }
    l2[(addr >> 12) & 0xffu] = 0; /* translation fault */
}

static uint32_t attributes(uint32_t type)
{
    switch (type) {
    case TSM_MEM_RAM: return NORMAL_WRITE_BACK;
    case TSM_MEM_UNCACHED: return NORMAL_UNCACHED | XN;
    default: return DEVICE_SHARED | XN;
    }
}

static void fill_page_table(void)
{
    for (uint32_t mb = 0; mb < 4096; mb++)
        __page_table[mb] = 0; /* fault */
    for (unsigned i = 0; i < sizeof regions / sizeof regions[0]; i++) {
        uint32_t first = regions[i].base >> 20;
        uint32_t count = (regions[i].size + 0xfffff) >> 20;
        for (uint32_t mb = first; mb < first + count && mb < 4096; mb++)
            __page_table[mb] = (mb << 20) | SECTION | AP_FULL | attributes(regions[i].type) | XN;
    }
    /* Code is executable (and the vectors, in section 0 where ARMv6 copies them). */
    uint32_t code_first = (uint32_t)(uintptr_t)__text_start >> 20;
    uint32_t code_last = ((uint32_t)(uintptr_t)__text_end - 1) >> 20;
    __page_table[0] &= ~XN;
    for (uint32_t mb = code_first; mb <= code_last; mb++)
        __page_table[mb] &= ~XN;
    for (uintptr_t a = (uintptr_t)__dma_start; a < (uintptr_t)__dma_end; a += 0x100000)
        __page_table[a >> 20] = (a & 0xfff00000u) | SECTION | AP_FULL | NORMAL_UNCACHED | XN;
    unsigned l2_used = 0;
    unmap_page((uint32_t)(uintptr_t)__stack_guard, &l2_used);
    unmap_page((uint32_t)(uintptr_t)__irq_stack_guard, &l2_used);
}

void tsm_arch_mmu_init(void)
{
    fill_page_table();
    uint32_t zero = 0, sctlr;
#if __ARM_ARCH >= 7
    /* Table walks here are non-cacheable (TTBR0 has no IRGN/RGN bits), so if boot firmware left
       the data cache on (the i.MX boot ROM may), push the table to memory: DCCMVAC per 64-byte
       line, then DSB (ARM ARM B3.10.1, B4.2.1). With the cache off this changes nothing. */
    for (uintptr_t a = (uintptr_t)__page_table_l2; a < (uintptr_t)__page_table + 0x4000; a += 64)
        __asm__ volatile("mcr p15, 0, %0, c7, c10, 1" :: "r"(a) : "memory");
    tsm_arch_dsb();
    uint32_t actlr;
    /* Cortex-A7: SMP must be set before caches and MMU are enabled, even on one core (TRM 4.3.31). */
    __asm__ volatile("mrc p15, 0, %0, c1, c0, 1" : "=r"(actlr));
    __asm__ volatile("mcr p15, 0, %0, c1, c0, 1" :: "r"(actlr | (1u << 6)));
    /* The A7 invalidates its caches at reset; the I-cache, branch predictor and TLBs to be sure. */
    __asm__ volatile("mcr p15, 0, %0, c7, c5, 0\n\tmcr p15, 0, %0, c7, c5, 6\n\tmcr p15, 0, %0, c8, c7, 0\n\tdsb"
                     :: "r"(zero) : "memory");
#else
    /* ARM1176: invalidate both caches and the TLBs, drain the write buffer (TRM 3.2.22, 3.2.26). */
    __asm__ volatile("mcr p15, 0, %0, c7, c7, 0\n\tmcr p15, 0, %0, c8, c7, 0\n\tmcr p15, 0, %0, c7, c10, 4"
                     :: "r"(zero) : "memory");
#endif
    __asm__ volatile("mcr p15, 0, %0, c2, c0, 2" :: "r"(zero));                          /* TTBCR: TTBR0 only */
    __asm__ volatile("mcr p15, 0, %0, c2, c0, 0" :: "r"((uint32_t)(uintptr_t)__page_table)); /* TTBR0 */
    __asm__ volatile("mcr p15, 0, %0, c3, c0, 0" :: "r"(1u));                            /* domain 0: client */
#if __ARM_ARCH >= 7
    /* TLBIALL after the new TTBR0: a firmware that ran with the MMU on may have refilled the TLB
       since the invalidation above. */
    __asm__ volatile("mcr p15, 0, %0, c8, c7, 0\n\tdsb\n\tisb" :: "r"(zero) : "memory");
#endif
    __asm__ volatile("mrc p15, 0, %0, c1, c0, 0" : "=r"(sctlr));
    /* M (MMU), C (data cache), Z (branch prediction), I (instruction cache), XP (ARMv6 format). */
    sctlr |= (1u << 0) | (1u << 2) | (1u << 11) | (1u << 12) | (1u << 23);
    __asm__ volatile("mcr p15, 0, %0, c1, c0, 0" :: "r"(sctlr) : "memory");
    tsm_arch_isb();
}
