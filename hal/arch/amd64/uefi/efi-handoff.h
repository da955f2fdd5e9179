/*
 * What BOOTX64.EFI (efi-stub.c) tells the firmware it starts about the UEFI machine, beyond the
 * memory map: the regions the firmware's page tables must map so it can still call the runtime
 * services (UEFI 2.10, 8: ResetSystem after ExitBootServices, in physical mode since
 * SetVirtualAddressMap is never called) and the GOP framebuffer, and where the runtime services
 * table is. Passed as the one module of the PVH start info (Xen start_info.h hvm_modlist_entry:
 * paddr and size of this struct; hal/arch/amd64/efi-handoff.c checks the magic and the size). A
 * VMM that starts the ELF itself passes no module, and nothing of this is used.
 * Facts for the TypeScript side (the GOP mode, the EFI_RNG_PROTOCOL seed) go on the PVH command
 * line instead (hal.cpu.commandLine(), soc/pc/efi-facts.ts).
 */
#ifndef TSM_EFI_HANDOFF_H
#define TSM_EFI_HANDOFF_H

#include <stdint.h>

#define TSM_EFI_HANDOFF_MAGIC 0x3130494645534d54ull /* "TSMEFI01" */
#define TSM_EFI_MAX_REGIONS 32

/* How a region is mapped: runtime code executable, runtime data and MMIO writable (MMIO uncached,
   UEFI 2.10 7.2.3 EFI_MEMORY_UC), the framebuffer uncached. */
enum { TSM_EFI_RUNTIME_CODE = 1, TSM_EFI_RUNTIME_DATA = 2, TSM_EFI_RUNTIME_MMIO = 3, TSM_EFI_FRAMEBUFFER = 4 };

struct tsm_efi_region {
    uint64_t base, size;
    uint32_t kind, reserved;
};

struct tsm_efi_handoff {
    uint64_t magic;
    /* EFI_RUNTIME_SERVICES * (UEFI 2.10, 4.5), 0 when the system table had none. */
    uint64_t runtime_services;
    uint32_t region_count, reserved;
    struct tsm_efi_region regions[TSM_EFI_MAX_REGIONS];
};

#endif
