/*
 * The PVH start info (Xen public/arch-x86/hvm/start_info.h, struct hvm_start_info): the VMM's
 * memory map, in e820 types. The engine's heap and stacks come from the board's linker layout
 * (loadAddress .. ramEnd in board.json, the same on every VMM so one engine snapshot fits all):
 * here the map is only checked to hold that range, so a VM started with too little memory stops
 * with a message and exit 5 instead of faulting somewhere in the heap.
 */
#include <stdint.h>
#include "tsmetal.h"
#include "tsmetal-hooks.h"
#include "amd64.h"

#define HVM_START_MAGIC 0x336ec578u
#define E820_RAM 1

struct hvm_start_info {
    uint32_t magic;
    uint32_t version;
    uint32_t flags;
    uint32_t nr_modules;
    uint64_t modlist_paddr;
    uint64_t cmdline_paddr;
    uint64_t rsdp_paddr;
    /* version 1 and later */
    uint64_t memmap_paddr;
    uint32_t memmap_entries;
    uint32_t reserved;
};

struct hvm_memmap_entry {
    uint64_t addr;
    uint64_t size;
    uint32_t type;
    uint32_t reserved;
};

extern uint8_t __text_start[];

void tsm_pvh_check_memory(uint32_t start_info)
{
    const struct hvm_start_info *si = (const struct hvm_start_info *)(uintptr_t)start_info;
    if (!si || si->magic != HVM_START_MAGIC) {
        tsm_console_puts("tsmetal: not started through the PVH boot protocol (no hvm_start_info in "
                         "EBX): boot this ELF with a PVH loader (QEMU -kernel, Firecracker, Cloud "
                         "Hypervisor)\n");
        tsm_exit(TSM_EXIT_ENGINE_INIT);
    }
    /* Version 0 has no memory map: the board's layout is all there is to go by. */
    if (si->version < 1 || si->memmap_entries == 0)
        return;
    const struct hvm_memmap_entry *e = (const struct hvm_memmap_entry *)(uintptr_t)si->memmap_paddr;
    uint64_t need_start = (uintptr_t)__text_start, need_end = (uintptr_t)__stack_top;
    for (uint32_t i = 0; i < si->memmap_entries; i++) {
        if (e[i].type == E820_RAM && e[i].addr <= need_start && e[i].addr + e[i].size >= need_end)
            return;
    }
    tsm_console_puts("tsmetal: the VM has too little memory for this board: its RAM must reach ");
    tsm_console_put_dec((int64_t)need_end >> 20);
    tsm_console_puts(" MiB (board.json ramEnd); give the VM more memory\n");
    tsm_exit(TSM_EXIT_ENGINE_INIT);
}

/*
 * The boot command line (hvm_start_info.cmdline_paddr, a NUL-terminated string the VMM wrote):
 * Firecracker announces its virtio-mmio devices only there, and QEMU microvm with acpi=off too
 * (drivers/virtio/cmdline.ts). The VMM's bytes are untrusted: at most COMMAND_LINE_MAX are read,
 * only from an address inside the first GiB the boot page tables map (start.S), and any byte
 * that is not printable ASCII becomes a space, so the JS string built from it is always valid.
 * A longer line is refused at hal.cpu.commandLine() rather than cut: a cut device entry would
 * parse as another address. Kept in .arch_state: it belongs to this boot, not to the snapshot.
 */
#define COMMAND_LINE_MAX 2048
#define BOOT_MAPPED_END 0x40000000u

static char command_line[COMMAND_LINE_MAX] TSM_ARCH_STATE;
static size_t command_line_len TSM_ARCH_STATE;
static int command_line_too_long TSM_ARCH_STATE;

void tsm_pvh_save_command_line(uint32_t start_info)
{
    const struct hvm_start_info *si = (const struct hvm_start_info *)(uintptr_t)start_info;
    uint64_t at = si->cmdline_paddr;
    size_t n = 0;
    command_line_too_long = 0;
    if (at != 0 && at < BOOT_MAPPED_END) {
        const volatile char *src = (const volatile char *)(uintptr_t)at;
        uint64_t room = BOOT_MAPPED_END - at;
        for (; n < room; n++) {
            char c = src[n];
            if (c == 0)
                break;
            if (n == COMMAND_LINE_MAX) {
                command_line_too_long = 1;
                break;
            }
            command_line[n] = (c >= 0x20 && c <= 0x7e) ? c : ' ';
        }
    }
    command_line_len = n > COMMAND_LINE_MAX ? COMMAND_LINE_MAX : n;
}

/*
 * The start info's modules (struct hvm_modlist_entry): BOOTX64.EFI passes one, its handoff
 * (uefi/efi-handoff.h), which efi-handoff.c checks and keeps; other loaders pass none or a
 * kernel's initrd, which that check refuses. Read from the first GiB only, as the command line.
 */
struct hvm_modlist_entry {
    uint64_t paddr;
    uint64_t size;
    uint64_t cmdline_paddr;
    uint64_t reserved;
};

void tsm_pvh_save_modules(uint32_t start_info)
{
    const struct hvm_start_info *si = (const struct hvm_start_info *)(uintptr_t)start_info;
    tsm_efi_keep_handoff(NULL, 0);
    if (si->nr_modules != 1 || si->modlist_paddr == 0 || si->modlist_paddr >= BOOT_MAPPED_END - sizeof(struct hvm_modlist_entry))
        return;
    const struct hvm_modlist_entry *m = (const struct hvm_modlist_entry *)(uintptr_t)si->modlist_paddr;
    if (m->paddr != 0 && m->paddr < BOOT_MAPPED_END && m->size < BOOT_MAPPED_END - m->paddr)
        tsm_efi_keep_handoff((const void *)(uintptr_t)m->paddr, m->size);
}

const char *tsm_arch_command_line(size_t *len)
{
    if (command_line_too_long)
        return NULL;
    *len = command_line_len;
    return command_line;
}
