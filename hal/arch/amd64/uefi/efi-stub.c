/*
 * BOOTX64.EFI: a PE32+ EFI application that carries the board's amd64 firmware (the same PVH ELF
 * the microvm board boots, linked at the board's fixed addresses because the engine snapshot holds
 * absolute pointers) and starts it the way a PVH loader would (docs/boards/uefi-x64.md says why):
 *   1. reserve the board's RAM range [loadAddress, ramEnd) with AllocatePages(AllocateAddress),
 *      so no firmware data can be there, and copy the payload to loadAddress;
 *   2. build a PVH hvm_start_info whose e820 map is the final GetMemoryMap (UEFI 2.10, 7.2.3),
 *      in a page below 1 GiB (start.S's boot page tables map only the first GiB), with one
 *      module, the handoff (efi-handoff.h: the runtime services and the regions they and the
 *      GOP framebuffer need mapped), and a command line naming the GOP mode and a seed from
 *      EFI_RNG_PROTOCOL for the TypeScript side (soc/pc/efi-facts.ts);
 *   3. ExitBootServices (7.4.6), mask the 8259s (the amd64 drivers use the local and I/O APICs),
 *      write the console marker on COM1, and leave long mode for the PVH 32-bit entry
 *      (efi-trampoline.S), EBX = the start info: hal/arch/amd64/start.S takes it from there.
 * This file is built only into the uefi-x64 image (tools/lib/efi-image.ts), never into the
 * payload. It is position independent and holds no absolute addresses in data, so the PE image
 * needs no base relocations wherever the firmware loads it.
 */
#include <stdint.h>
#include <stddef.h>
#include "efi.h"
#include "efi-handoff.h"

/* Every symbol is this image's own: hidden, so -fpic reaches it RIP-relative instead of through
   a GOT of absolute addresses, which would need base relocations (PE format, .reloc). */
#pragma GCC visibility push(hidden)

/* The payload and its facts (tools/lib/efi-image.ts writes payload.S). */
extern const uint8_t tsm_efi_payload[], tsm_efi_payload_end[];
extern const uint64_t tsm_efi_load_addr, tsm_efi_load_end, tsm_efi_ram_end, tsm_efi_entry32;
/* efi-trampoline.S: position-independent code copied below 4 GiB and entered there. */
extern const uint8_t tsm_efi_trampoline[], tsm_efi_trampoline_end[];
typedef void (*trampoline_fn)(uint64_t start_info, uint64_t entry32) __attribute__((noreturn, sysv_abi));

/* Xen public/arch-x86/hvm/start_info.h, as hal/arch/amd64/pvh.c reads it. */
#define HVM_START_MAGIC 0x336ec578u
struct hvm_start_info {
    uint32_t magic, version, flags, nr_modules;
    uint64_t modlist_paddr, cmdline_paddr, rsdp_paddr, memmap_paddr;
    uint32_t memmap_entries, reserved;
};
struct hvm_memmap_entry {
    uint64_t addr, size;
    uint32_t type, reserved;
};
/* Xen public/arch-x86/hvm/start_info.h, struct hvm_modlist_entry. */
struct hvm_modlist_entry {
    uint64_t paddr, size, cmdline_paddr, reserved;
};
/* e820 types (ACPI 6.5, 15.1 Table 15.1) and the UEFI types they come from (ACPI 15.4 Table 15.6). */
enum { E820_RAM = 1, E820_RESERVED = 2, E820_ACPI = 3, E820_NVS = 4, E820_UNUSABLE = 5 };

#define PAGE 4096ull
#define BOOT_MAPPED_END 0x40000000ull
/* The start info and its map: one page for the header and up to 340 entries after merging. */
#define START_INFO_PAGES 2
#define MAX_E820 ((START_INFO_PAGES * PAGE - sizeof(struct hvm_start_info)) / sizeof(struct hvm_memmap_entry))
/* The page after them: the module entry, the handoff and the command line (pvh.c copies at most
   2048 bytes of it). */
#define HANDOFF_OFFSET 64
#define CMDLINE_OFFSET 1024
#define CMDLINE_MAX 1024
#define RNG_SEED_BYTES 32
#define COM1 0x3f8
#define DEBUG_EXIT_PORT 0xf4
#define EXIT_ENGINE_INIT 5 /* engine/include/tsmetal.h TSM_EXIT_ENGINE_INIT: the image cannot start */

/* The console marker: an OSC "set window title" (ECMA-48 8.3.89; xterm's OSC 0), harmless on a
   terminal, after which the serial line carries only the firmware's output; the host drops
   OVMF's text before it (tools/lib/qemu.ts). */
static const char console_marker[] = "\x1b]0;tsmetal\x07";

static uint8_t map_buffer[64 * 1024] __attribute__((aligned(8)));

void *memcpy(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);

void *memcpy(void *dst, const void *src, size_t n)
{
    __asm__ volatile("rep movsb" : "+D"(dst), "+S"(src), "+c"(n) : : "memory");
    return dst;
}

void *memset(void *dst, int c, size_t n)
{
    void *d = dst;
    __asm__ volatile("rep stosb" : "+D"(d), "+c"(n) : "a"(c) : "memory");
    return dst;
}

static inline void out8(uint16_t port, uint8_t v) { __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port)); }
static inline void out32(uint16_t port, uint32_t v) { __asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port)); }

static efi_system_table *st;

static void say(const char *s)
{
    /* ASCII to UCS-2 in chunks, \n as CRLF (12.4.3: the console does no translation). */
    char16 buf[80];
    size_t n = 0;
    for (; *s; s++) {
        if (*s == '\n')
            buf[n++] = '\r';
        buf[n++] = (char16)(uint8_t)*s;
        if (n >= 77) {
            buf[n] = 0;
            st->con_out->output_string(st->con_out, buf);
            n = 0;
        }
    }
    buf[n] = 0;
    st->con_out->output_string(st->con_out, buf);
}

static void say_hex(uint64_t v)
{
    char s[19] = "0x";
    for (int i = 0; i < 16; i++)
        s[2 + i] = "0123456789abcdef"[(v >> (60 - 4 * i)) & 0xf];
    s[18] = 0;
    say(s);
}

/* A failure before the firmware runs: the reason on the EFI console (screen and serial), exit code
   5 under QEMU (isa-debug-exit, as hal/arch/amd64/exit.c), and back to the boot manager elsewhere. */
static efi_status fail(const char *what, efi_status status)
{
    say("tsmetal: ");
    say(what);
    say(" (EFI status ");
    say_hex(status);
    say(")\n");
    out32(DEBUG_EXIT_PORT, EXIT_ENGINE_INIT + 1);
    return EFI_ERROR_BIT & status ? status : EFI_LOAD_ERROR;
}

static uint32_t e820_type(uint32_t efi_type)
{
    switch (efi_type) {
    case EFI_LOADER_CODE:
    case EFI_LOADER_DATA:
    case EFI_BOOT_SERVICES_CODE:
    case EFI_BOOT_SERVICES_DATA:
    case EFI_CONVENTIONAL_MEMORY:
        return E820_RAM; /* free once boot services have exited (7.2.3) */
    case EFI_ACPI_RECLAIM_MEMORY:
        return E820_ACPI;
    case EFI_ACPI_MEMORY_NVS:
        return E820_NVS;
    case EFI_UNUSABLE_MEMORY:
        return E820_UNUSABLE;
    default:
        return E820_RESERVED;
    }
}

/* The UEFI map as e820 entries, neighbours of one type merged (pvh.c wants the board's RAM in one entry). */
static uint32_t to_e820(const uint8_t *map, uint64_t map_size, uint64_t desc_size, struct hvm_memmap_entry *out)
{
    uint32_t n = 0;
    for (uint64_t off = 0; off + desc_size <= map_size; off += desc_size) {
        const efi_memory_descriptor *d = (const efi_memory_descriptor *)(map + off);
        uint64_t addr = d->physical_start, size = d->number_of_pages * PAGE;
        uint32_t type = e820_type(d->type);
        if (n > 0 && out[n - 1].type == type && out[n - 1].addr + out[n - 1].size == addr) {
            out[n - 1].size += size;
            continue;
        }
        if (n == MAX_E820)
            return 0;
        out[n].addr = addr;
        out[n].size = size;
        out[n].type = type;
        out[n].reserved = 0;
        n++;
    }
    return n;
}

/* Names what holds the board's range: the allocated entries of the UEFI map inside it. */
static void say_conflicts(efi_boot_services *bs, uint64_t start, uint64_t end)
{
    uint64_t size = sizeof map_buffer, key, desc_size;
    uint32_t desc_version;
    if (bs->get_memory_map(&size, (efi_memory_descriptor *)map_buffer, &key, &desc_size, &desc_version) != EFI_SUCCESS)
        return;
    for (uint64_t off = 0; off + desc_size <= size; off += desc_size) {
        const efi_memory_descriptor *d = (const efi_memory_descriptor *)(map_buffer + off);
        uint64_t a = d->physical_start, b = a + d->number_of_pages * PAGE;
        if (d->type == EFI_CONVENTIONAL_MEMORY || b <= start || a >= end)
            continue;
        say("  in use: ");
        say_hex(a);
        say(" to ");
        say_hex(b);
        say(", UEFI memory type ");
        say_hex(d->type);
        say("\n");
    }
}

/* A tiny string builder for the command line. */
struct line {
    char *p;
    size_t n;
};

static void put(struct line *l, const char *s)
{
    while (*s && l->n + 1 < CMDLINE_MAX)
        l->p[l->n++] = *s++;
    l->p[l->n] = 0;
}

static void put_hex(struct line *l, uint64_t v)
{
    char s[19] = "0x";
    int i = 2, started = 0;
    for (int shift = 60; shift >= 0; shift -= 4) {
        unsigned d = (v >> shift) & 0xf;
        if (d || started || shift == 0) {
            s[i++] = "0123456789abcdef"[d];
            started = 1;
        }
    }
    s[i] = 0;
    put(l, s);
}

static void put_dec(struct line *l, uint64_t v)
{
    char s[21];
    int i = 20;
    s[i] = 0;
    do
        s[--i] = (char)('0' + v % 10);
    while ((v /= 10) && i > 0);
    put(l, s + i);
}

/*
 * The GOP's current mode, kept as the firmware set it (a mode change would clear the screen the
 * firmware's logo is on, and the mode it picked fits the display): "efi.fb=<base>,<width>,
 * <height>,<pixels per scan line>,<rgbx|bgrx|mask:<red>:<green>:<blue>>" (12.9.2, EFI_GRAPHICS_
 * PIXEL_FORMAT), "efi.fb=blt-only" for a mode without a linear framebuffer (PixelBltOnly), nothing
 * without a GOP. The framebuffer region is added to `h` so the firmware maps it.
 */
static void describe_gop(efi_boot_services *bs, struct line *l, struct tsm_efi_handoff *h)
{
    static const efi_guid gop_guid = EFI_GRAPHICS_OUTPUT_PROTOCOL_GUID;
    efi_graphics_output *gop = NULL;
    if (bs->locate_protocol(&gop_guid, NULL, (void **)&gop) != EFI_SUCCESS || !gop || !gop->mode || !gop->mode->info)
        return;
    const efi_gop_mode *m = gop->mode;
    const efi_gop_mode_info *i = m->info;
    put(l, " efi.fb=");
    if (i->pixel_format == PIXEL_BLT_ONLY || m->frame_buffer_base == 0) {
        put(l, "blt-only");
        return;
    }
    /* The firmware's page tables map the first 4 GiB only (hal/arch/amd64/mmu.c MAPPED_GIB). */
    if (m->frame_buffer_base + m->frame_buffer_size > 0x100000000ull) {
        put(l, "above-4gib");
        return;
    }
    put_hex(l, m->frame_buffer_base);
    put(l, ",");
    put_dec(l, i->horizontal_resolution);
    put(l, ",");
    put_dec(l, i->vertical_resolution);
    put(l, ",");
    put_dec(l, i->pixels_per_scan_line);
    put(l, ",");
    if (i->pixel_format == PIXEL_RGBX_8BPP)
        put(l, "rgbx");
    else if (i->pixel_format == PIXEL_BGRX_8BPP)
        put(l, "bgrx");
    else {
        put(l, "mask:");
        put_hex(l, i->red_mask);
        put(l, ":");
        put_hex(l, i->green_mask);
        put(l, ":");
        put_hex(l, i->blue_mask);
    }
    put(l, ",");
    put_dec(l, m->frame_buffer_size);
    struct tsm_efi_region *r = &h->regions[h->region_count++];
    r->base = m->frame_buffer_base;
    r->size = m->frame_buffer_size;
    r->kind = TSM_EFI_FRAMEBUFFER;
}

/* RNG_SEED_BYTES from EFI_RNG_PROTOCOL's default algorithm as "efi.rng=<hex>"; nothing when the
   machine has no such protocol (QEMU: without a virtio-rng device), a line on the console when it
   has one that fails. */
static void take_rng_seed(efi_boot_services *bs, struct line *l)
{
    static const efi_guid rng_guid = EFI_RNG_PROTOCOL_GUID;
    efi_rng_protocol *rng = NULL;
    if (bs->locate_protocol(&rng_guid, NULL, (void **)&rng) != EFI_SUCCESS || !rng)
        return;
    uint8_t seed[RNG_SEED_BYTES];
    efi_status s = rng->get_rng(rng, NULL, sizeof seed, seed);
    if (s != EFI_SUCCESS) {
        say("tsmetal: EFI_RNG_PROTOCOL GetRNG failed (EFI status ");
        say_hex(s);
        say("); the firmware's randomness comes from RDRAND alone\n");
        return;
    }
    put(l, " efi.rng=");
    char hex[2 * RNG_SEED_BYTES + 1];
    for (size_t i = 0; i < sizeof seed; i++) {
        hex[2 * i] = "0123456789abcdef"[seed[i] >> 4];
        hex[2 * i + 1] = "0123456789abcdef"[seed[i] & 0xf];
    }
    hex[2 * RNG_SEED_BYTES] = 0;
    put(l, hex);
    memset(seed, 0, sizeof seed);
    memset(hex, 0, sizeof hex);
}

/* The regions the runtime services use (EFI_MEMORY_RUNTIME, 7.2.3), from the final map, after the
   `fixed` regions already in `h` (the framebuffer); neighbours of one kind merged. Returns 0 when
   they do not fit, and the firmware then does without the runtime services. */
static int runtime_regions(const uint8_t *map, uint64_t map_size, uint64_t desc_size, struct tsm_efi_handoff *h, uint32_t fixed)
{
    h->region_count = fixed;
    for (uint64_t off = 0; off + desc_size <= map_size; off += desc_size) {
        const efi_memory_descriptor *d = (const efi_memory_descriptor *)(map + off);
        if (!(d->attribute & EFI_MEMORY_RUNTIME))
            continue;
        uint32_t kind = d->type == EFI_RUNTIME_SERVICES_CODE ? TSM_EFI_RUNTIME_CODE
                      : d->type == EFI_MEMORY_MAPPED_IO || d->type == EFI_MEMORY_MAPPED_IO_PORT_SPACE ? TSM_EFI_RUNTIME_MMIO
                      : TSM_EFI_RUNTIME_DATA;
        uint64_t base = d->physical_start, size = d->number_of_pages * PAGE;
        struct tsm_efi_region *last = h->region_count > fixed ? &h->regions[h->region_count - 1] : NULL;
        if (last && last->kind == kind && last->base + last->size == base) {
            last->size += size;
            continue;
        }
        if (h->region_count == TSM_EFI_MAX_REGIONS)
            return 0;
        h->regions[h->region_count].base = base;
        h->regions[h->region_count].size = size;
        h->regions[h->region_count].kind = kind;
        h->region_count++;
    }
    return 1;
}

EFIAPI efi_status efi_main(efi_handle image, efi_system_table *system_table);

EFIAPI efi_status efi_main(efi_handle image, efi_system_table *system_table)
{
    st = system_table;
    efi_boot_services *bs = st->boot_services;
    efi_status s;
    /* The boot manager's 5-minute watchdog (3.1.2) would reset a firmware that runs longer. */
    bs->set_watchdog_timer(0, 0, 0, NULL);

    uint64_t load = tsm_efi_load_addr, ram_end = tsm_efi_ram_end;
    uint64_t payload_len = (uint64_t)(tsm_efi_payload_end - tsm_efi_payload);
    uint64_t at = load;
    s = bs->allocate_pages(ALLOCATE_ADDRESS, EFI_LOADER_DATA, (ram_end - load) / PAGE, &at);
    if (s != EFI_SUCCESS) {
        say("tsmetal: the board's RAM ");
        say_hex(load);
        say(" to ");
        say_hex(ram_end);
        say(" (board.json loadAddress, ramEnd) is not free memory in this machine's UEFI memory map\n");
        say_conflicts(bs, load, ram_end);
        return fail("cannot reserve the firmware's memory", s);
    }
    uint64_t info_at = BOOT_MAPPED_END - 1;
    /* Code: the trampoline runs from the last page (firmwares may map data pages no-execute). */
    s = bs->allocate_pages(ALLOCATE_MAX_ADDRESS, EFI_LOADER_CODE, START_INFO_PAGES + 2, &info_at);
    if (s != EFI_SUCCESS)
        return fail("no free memory below 1 GiB for the boot information", s);

    memcpy((void *)(uintptr_t)load, tsm_efi_payload, payload_len);
    /* What a PVH loader zeroes: the ELF's loadable memory past the file (.arch_state, the boot
       page tables), up to the end of its last PT_LOAD segment. */
    memset((void *)(uintptr_t)(load + payload_len), 0, tsm_efi_load_end - load - payload_len);
    uint8_t *tramp = (uint8_t *)(uintptr_t)(info_at + (START_INFO_PAGES + 1) * PAGE);
    memcpy(tramp, tsm_efi_trampoline, (size_t)(tsm_efi_trampoline_end - tsm_efi_trampoline));

    struct hvm_start_info *si = (struct hvm_start_info *)(uintptr_t)info_at;
    struct hvm_memmap_entry *e820 = (struct hvm_memmap_entry *)(si + 1);
    memset(si, 0, (START_INFO_PAGES + 1) * PAGE);
    si->magic = HVM_START_MAGIC;
    si->version = 1;
    si->memmap_paddr = (uintptr_t)e820;

    uint8_t *handoff_page = (uint8_t *)si + START_INFO_PAGES * PAGE;
    struct hvm_modlist_entry *module = (struct hvm_modlist_entry *)handoff_page;
    struct tsm_efi_handoff *handoff = (struct tsm_efi_handoff *)(handoff_page + HANDOFF_OFFSET);
    struct line cmdline = {(char *)handoff_page + CMDLINE_OFFSET, 0};
    handoff->magic = TSM_EFI_HANDOFF_MAGIC;
    handoff->runtime_services = (uintptr_t)st->runtime_services;
    module->paddr = (uintptr_t)handoff;
    module->size = sizeof *handoff;
    si->nr_modules = 1;
    si->modlist_paddr = (uintptr_t)module;
    put(&cmdline, "efi");
    describe_gop(bs, &cmdline, handoff);
    take_rng_seed(bs, &cmdline);
    si->cmdline_paddr = (uintptr_t)cmdline.p;
    uint32_t fixed_regions = handoff->region_count;

    /* GetMemoryMap then ExitBootServices with its key; a map changed in between (an event ran)
       gives EFI_INVALID_PARAMETER, and the map is fetched again (7.4.6). No boot service but
       GetMemoryMap may be called between the two, so nothing is printed on that path. */
    for (int attempt = 0;; attempt++) {
        uint64_t size = sizeof map_buffer, key = 0, desc_size = 0;
        uint32_t desc_version = 0;
        s = bs->get_memory_map(&size, (efi_memory_descriptor *)map_buffer, &key, &desc_size, &desc_version);
        if (s != EFI_SUCCESS)
            return fail("GetMemoryMap failed", s);
        si->memmap_entries = to_e820(map_buffer, size, desc_size, e820);
        if (si->memmap_entries == 0)
            return fail("the UEFI memory map has too many entries", EFI_BUFFER_TOO_SMALL);
        if (!runtime_regions(map_buffer, size, desc_size, handoff, fixed_regions)) {
            /* Too scattered to map: no ResetSystem, the firmware's reset falls back (efi-handoff.c). */
            handoff->runtime_services = 0;
            handoff->region_count = fixed_regions;
        }
        s = bs->exit_boot_services(image, key);
        if (s == EFI_SUCCESS)
            break;
        if (attempt == 2)
            return fail("ExitBootServices failed", s);
    }

    /* Boot services are gone: interrupts off, both 8259s masked (OCW1, 8259A datasheet). */
    __asm__ volatile("cli");
    out8(0x21, 0xff);
    out8(0xa1, 0xff);
    for (const char *c = console_marker; *c; c++)
        out8(COM1, (uint8_t)*c);
    ((trampoline_fn)(uintptr_t)tramp)((uintptr_t)si, tsm_efi_entry32);
}
