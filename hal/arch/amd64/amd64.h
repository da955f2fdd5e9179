/* Private to hal/arch/amd64: the pieces of the boot sequence (boot.c calls them in order). */
#ifndef TSM_AMD64_H
#define TSM_AMD64_H

#include <stdint.h>

/* State of the boot itself (descriptor tables, page tables, IST stacks): kept out of the range
   the engine snapshot saves and restores (.data to .bss end, engine/src/snapshot.c), since it
   belongs to this boot, on this VMM, not to the engine. firmware.ld places it after the image. */
#define TSM_ARCH_STATE __attribute__((section(".arch_state"), aligned(16)))

/* Saved by start.S from EBX: the PVH hvm_start_info's physical address. */
extern uint32_t tsm_pvh_start_info;

/* pvh.c: checks that the VMM's memory map holds the RAM the board's layout uses; exits 5 if not. */
void tsm_pvh_check_memory(uint32_t start_info);

/* pvh.c: copies the command line (cmdline_paddr) for tsm_arch_command_line, before anything can
   overwrite the memory the VMM put it in. */
void tsm_pvh_save_command_line(uint32_t start_info);

/* pvh.c: keeps the UEFI loader's handoff, the start info's one module (efi-handoff.c). */
void tsm_pvh_save_modules(uint32_t start_info);

/* efi-handoff.c: keeps the handoff (uefi/efi-handoff.h) for this boot if `module` is one, and calls
   `map` for each region it names (mmu.c, after the board's own regions). */
void tsm_efi_keep_handoff(const void *module, uint64_t size);
void tsm_efi_map_regions(void (*map)(uint64_t base, uint64_t size, int executable, int uncached));

/* descriptors.c: TSS with the IST stacks, IDT, and the MSRs behind `syscall`. */
void tsm_descriptors_init(void);

/* mmu.c: page tables for the board's memory map (board.json memoryMap), replacing the boot ones. */
void tsm_mmu_init(void);

/* The register frame vectors.S builds (fields in memory order). */
struct tsm_amd64_frame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8, rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error;
    uint64_t rip, cs, rflags, rsp, ss;
};

void tsm_amd64_fault(const struct tsm_amd64_frame *f) __attribute__((noreturn));

#endif
