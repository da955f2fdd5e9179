/*
 * The UEFI side of the x86-64 firmware, for the uefi-x64 board: the handoff BOOTX64.EFI passes as
 * the PVH start info's module (uefi/efi-handoff.h), kept for this boot, the regions it names for
 * the page tables (mmu.c), and the board reset (hal.cpu.reset()). Under any other loader there is
 * no handoff and the reset takes the PC's own ways.
 *
 * The reset, in order, until one works:
 *   1. UEFI ResetSystem(EfiResetCold) (UEFI 2.10, 8.5.1), a runtime service, still callable after
 *      ExitBootServices: the loader never calls SetVirtualAddressMap, so the services run in
 *      physical mode, through the identity-mapped regions mmu.c adds from the handoff;
 *   2. the reset control register at I/O port 0xCF9 (Intel ICH9 datasheet 13.7.5 RST_CNT: a
 *      hard reset with bits 1 and 2; q35, PIIX and most PC chipsets);
 *   3. the i8042 keyboard controller's reset line (command 0xFE);
 *   4. a triple fault (an empty IDT, then an exception): the CPU's shutdown, which every PC and
 *      VMM turns into a reset.
 */
#include <stdint.h>
#include <string.h>
#include "tsmetal.h"
#include "arch.h"
#include "amd64.h"
#include "uefi/efi.h"
#include "uefi/efi-handoff.h"

static struct tsm_efi_handoff handoff TSM_ARCH_STATE;
static int have_handoff TSM_ARCH_STATE;

void tsm_efi_keep_handoff(const void *module, uint64_t size)
{
    have_handoff = 0;
    const struct tsm_efi_handoff *h = module;
    if (!h || size != sizeof handoff || h->magic != TSM_EFI_HANDOFF_MAGIC || h->region_count > TSM_EFI_MAX_REGIONS)
        return;
    memcpy(&handoff, h, sizeof handoff);
    have_handoff = 1;
}

void tsm_efi_map_regions(void (*map)(uint64_t base, uint64_t size, int executable, int uncached))
{
    if (!have_handoff)
        return;
    for (uint32_t i = 0; i < handoff.region_count; i++) {
        const struct tsm_efi_region *r = &handoff.regions[i];
        map(r->base, r->size, r->kind == TSM_EFI_RUNTIME_CODE, r->kind == TSM_EFI_RUNTIME_MMIO || r->kind == TSM_EFI_FRAMEBUFFER);
    }
}

#define RESET_CONTROL_PORT 0xcf9
#define RESET_CONTROL_SYSTEM 0x02 /* bit 1: a full reset once bit 2 is set */
#define RESET_CONTROL_HARD 0x06 /* bit 2 set: reset now */
#define I8042_COMMAND_PORT 0x64
#define I8042_PULSE_RESET 0xfe

void tsm_arch_reset(void)
{
    tsm_arch_irq_disable();
    if (have_handoff && handoff.runtime_services) {
        const efi_runtime_services *rt = (const efi_runtime_services *)(uintptr_t)handoff.runtime_services;
        rt->reset_system(EFI_RESET_COLD, EFI_SUCCESS, 0, NULL);
    }
    tsm_arch_out8(RESET_CONTROL_PORT, RESET_CONTROL_SYSTEM);
    tsm_arch_out8(RESET_CONTROL_PORT, RESET_CONTROL_HARD);
    tsm_arch_out8(I8042_COMMAND_PORT, I8042_PULSE_RESET);
    struct __attribute__((packed)) { uint16_t limit; uint64_t base; } none = {0, 0};
    __asm__ volatile("lidt %0\n\tint3" :: "m"(none) : "memory");
    for (;;)
        __asm__ volatile("hlt");
}
