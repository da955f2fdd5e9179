/*
 * Page tables for the board's memory map (board.json memoryMap, as TSM_MEMORY_MAP from
 * tools/lib/engine.ts): an identity map in 2 MiB pages (Intel SDM vol. 3, 4.5) covering below
 * 4 GiB, RAM write-back, "uncached" UC- and devices UC (PCD/PWT with the power-on PAT,
 * SDM vol. 3, 13.12.3), everything else not present, so a stray access faults (#PF) instead of
 * reading what an empty bus returns. Regions are widened to whole 2 MiB pages, except that the
 * first 2 MiB are mapped in 4 KiB pages with page 0 left out, so a null pointer faults too. With
 * EFER.NXE only the pages holding code are executable.
 */
#include <stdint.h>
#include <string.h>
#include "tsmetal.h"
#include "tsmetal-hooks.h"
#include "arch.h"
#include "amd64.h"

enum { TSM_MEM_RAM = 1, TSM_MEM_UNCACHED = 2, TSM_MEM_DEVICE = 3 };

typedef struct {
    uint64_t base;
    uint64_t size;
    uint32_t type;
} region;

static const region regions[] = TSM_MEMORY_MAP;

#define PTE_P (1ull << 0)
#define PTE_W (1ull << 1)
#define PTE_PWT (1ull << 3)
#define PTE_PCD (1ull << 4)
#define PTE_PS (1ull << 7)
#define PTE_NX (1ull << 63)
#define PAGE_2M (1ull << 21)
#define GIB (1ull << 30)
#define MAPPED_GIB 4
#define MSR_EFER 0xc0000080u
#define EFER_NXE (1u << 11)

extern uint8_t __text_start[], __text_end[], __stack_guard[];

static TSM_ARCH_STATE __attribute__((aligned(4096))) uint64_t pml4[512];
static TSM_ARCH_STATE __attribute__((aligned(4096))) uint64_t pdpt[512];
static TSM_ARCH_STATE __attribute__((aligned(4096))) uint64_t pd[MAPPED_GIB][512];
static TSM_ARCH_STATE __attribute__((aligned(4096))) uint64_t low_pt[512];
static TSM_ARCH_STATE __attribute__((aligned(4096))) uint64_t guard_pt[512];

#define PAGE_4K 4096ull

/* The first 2 MiB page as 4 KiB pages (SDM vol. 3, 4.5, table 4-19), page 0 not present. */
static void split_low_page(uint64_t nx)
{
    uint64_t big = pd[0][0];
    if (!(big & PTE_P))
        return;
    uint64_t attrs = big & (PTE_P | PTE_W | PTE_PWT | PTE_PCD);
    int ram = !(big & PTE_PCD);
    uint64_t code_start = (uintptr_t)__text_start & ~(PAGE_4K - 1), code_end = (uintptr_t)__text_end;
    for (unsigned i = 1; i < 512; i++) {
        uint64_t a = i * PAGE_4K;
        low_pt[i] = a | attrs | (ram && a >= code_start && a < code_end ? 0 : nx);
    }
    low_pt[0] = 0;
    pd[0][0] = (uintptr_t)low_pt | PTE_P | PTE_W;
}

/* The guard page below the stack (firmware.ld) not present: its 2 MiB page becomes 4 KiB pages
   with the same attributes, so an overflowing stack faults (#PF) instead of writing below it. */
static void unmap_stack_guard(void)
{
    uint64_t guard = (uintptr_t)__stack_guard;
    uint64_t *pde = &pd[guard / GIB][(guard % GIB) / PAGE_2M];
    if (guard < PAGE_2M || !(*pde & PTE_P) || !(*pde & PTE_PS))
        return;
    uint64_t attrs = *pde & (PTE_P | PTE_W | PTE_PWT | PTE_PCD | PTE_NX);
    uint64_t base = *pde & ~(PAGE_2M - 1) & ~PTE_NX;
    for (unsigned i = 0; i < 512; i++)
        guard_pt[i] = (base + i * PAGE_4K) | attrs;
    guard_pt[(guard % PAGE_2M) / PAGE_4K] = 0;
    *pde = (uintptr_t)guard_pt | PTE_P | PTE_W;
}

static void map_region(const region *r, uint64_t nx)
{
    uint64_t attrs = PTE_P | PTE_W | PTE_PS;
    if (r->type == TSM_MEM_UNCACHED)
        attrs |= PTE_PCD;
    else if (r->type == TSM_MEM_DEVICE)
        attrs |= PTE_PCD | PTE_PWT;
    uint64_t start = r->base & ~(PAGE_2M - 1), end = r->base + r->size;
    if (end > MAPPED_GIB * GIB) {
        tsm_console_puts("tsmetal: board.json memoryMap reaches above 4 GiB, which the x86 page "
                         "tables do not map yet\n");
        tsm_exit(TSM_EXIT_ENGINE_INIT);
    }
    uint64_t code_start = (uintptr_t)__text_start & ~(PAGE_2M - 1), code_end = (uintptr_t)__text_end;
    for (uint64_t a = start; a < end; a += PAGE_2M) {
        int code = r->type == TSM_MEM_RAM && a >= code_start && a < code_end;
        pd[a / GIB][(a % GIB) / PAGE_2M] = a | attrs | (code ? 0 : nx);
    }
}

/* A region the UEFI loader names (efi-handoff.c): its 2 MiB pages that the board's map left
   unmapped, executable only for runtime services code. Above 4 GiB it cannot be mapped; the loader
   reports no framebuffer there, and runtime services there fail (the reset falls back). */
static TSM_ARCH_STATE uint64_t extra_nx;

static void map_extra_region(uint64_t base, uint64_t size, int executable, int uncached)
{
    uint64_t end = base + size;
    if (size == 0 || end > MAPPED_GIB * GIB || end < base)
        return;
    uint64_t attrs = PTE_P | PTE_W | PTE_PS | (uncached ? PTE_PCD | PTE_PWT : 0) | (executable ? 0 : extra_nx);
    for (uint64_t a = base & ~(PAGE_2M - 1); a < end; a += PAGE_2M) {
        uint64_t *pde = &pd[a / GIB][(a % GIB) / PAGE_2M];
        if (!(*pde & PTE_P))
            *pde = a | attrs;
    }
}

void tsm_mmu_init(void)
{
    uint64_t nx = tsm_arch_rdmsr(MSR_EFER) & EFER_NXE ? PTE_NX : 0;
    memset(pml4, 0, sizeof pml4);
    memset(pdpt, 0, sizeof pdpt);
    memset(pd, 0, sizeof pd);
    memset(low_pt, 0, sizeof low_pt);
    for (unsigned i = 0; i < sizeof regions / sizeof regions[0]; i++)
        map_region(&regions[i], nx);
    extra_nx = nx;
    tsm_efi_map_regions(map_extra_region);
    split_low_page(nx);
    unmap_stack_guard();
    for (int g = 0; g < MAPPED_GIB; g++)
        pdpt[g] = (uintptr_t)pd[g] | PTE_P | PTE_W;
    pml4[0] = (uintptr_t)pdpt | PTE_P | PTE_W;
    __asm__ volatile("mov %0, %%cr3" :: "r"((uintptr_t)pml4) : "memory");
}
