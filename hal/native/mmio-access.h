/*
 * How the native HAL reaches a device register (hal.mmio, the interrupt top half): on a board a
 * volatile access to the address, inlined, so bare-metal code and its instruction counts are as
 * if the dereference were written out. An arch whose registers are not memory defines
 * TSM_ARCH_MMIO_HOOKS in its arch.h and provides tsm_arch_mmio_read/write: the Linux targets,
 * whose register space is simulated by the host over pipes (hal/arch/linux/registers.c,
 * docs/boards/linux.md).
 */
#ifndef TSM_MMIO_ACCESS_H
#define TSM_MMIO_ACCESS_H

#include <stdint.h>
#include "arch.h"

#ifdef TSM_ARCH_MMIO_HOOKS
static inline uint32_t tsm_mmio_read8(uintptr_t a) { return tsm_arch_mmio_read(a, 1); }
static inline uint32_t tsm_mmio_read16(uintptr_t a) { return tsm_arch_mmio_read(a, 2); }
static inline uint32_t tsm_mmio_read32(uintptr_t a) { return tsm_arch_mmio_read(a, 4); }
static inline void tsm_mmio_write8(uintptr_t a, uint32_t v) { tsm_arch_mmio_write(a, 1, v & 0xff); }
static inline void tsm_mmio_write16(uintptr_t a, uint32_t v) { tsm_arch_mmio_write(a, 2, v & 0xffff); }
static inline void tsm_mmio_write32(uintptr_t a, uint32_t v) { tsm_arch_mmio_write(a, 4, v); }
#else
static inline uint32_t tsm_mmio_read8(uintptr_t a) { return *(volatile uint8_t *)a; }
static inline uint32_t tsm_mmio_read16(uintptr_t a) { return *(volatile uint16_t *)a; }
static inline uint32_t tsm_mmio_read32(uintptr_t a) { return *(volatile uint32_t *)a; }
static inline void tsm_mmio_write8(uintptr_t a, uint32_t v) { *(volatile uint8_t *)a = (uint8_t)v; }
static inline void tsm_mmio_write16(uintptr_t a, uint32_t v) { *(volatile uint16_t *)a = (uint16_t)v; }
static inline void tsm_mmio_write32(uintptr_t a, uint32_t v) { *(volatile uint32_t *)a = v; }
#endif

#endif
