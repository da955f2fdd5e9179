/*
 * The few UEFI definitions the loader stub (efi-stub.c) uses, from the UEFI Specification 2.10:
 * 4.3 EFI System Table, 4.4 EFI Boot Services Table, 4.5 EFI Runtime Services Table, 7.2 Memory
 * Allocation Services (EFI_MEMORY_DESCRIPTOR), 8.5.1 ResetSystem, 12.4 Simple Text Output Protocol,
 * 12.9 Graphics Output Protocol and 37.5 EFI RNG Protocol. Only the
 * members used are typed; the others keep their slot as a plain pointer.
 * EFI functions use the Microsoft x64 calling convention (2.3.4.2), hence EFIAPI.
 */
#ifndef TSM_EFI_H
#define TSM_EFI_H

#include <stdint.h>
#include <stddef.h>

#define EFIAPI __attribute__((ms_abi))

typedef uint64_t efi_status;
typedef void *efi_handle;
typedef uint16_t char16;
typedef struct {
    uint32_t data1;
    uint16_t data2, data3;
    uint8_t data4[8];
} efi_guid;

/* Appendix D: the high bit set is an error. */
#define EFI_SUCCESS 0
#define EFI_ERROR_BIT (1ull << 63)
#define EFI_LOAD_ERROR (EFI_ERROR_BIT | 1)
#define EFI_BUFFER_TOO_SMALL (EFI_ERROR_BIT | 5)

typedef struct {
    uint64_t signature;
    uint32_t revision, header_size, crc32, reserved;
} efi_table_header;

typedef struct efi_simple_text_output {
    void *reset;
    efi_status(EFIAPI *output_string)(struct efi_simple_text_output *self, const char16 *s);
} efi_simple_text_output;

/* 7.2.1 EFI_ALLOCATE_TYPE and 7.2 EFI_MEMORY_TYPE. */
enum { ALLOCATE_ANY_PAGES, ALLOCATE_MAX_ADDRESS, ALLOCATE_ADDRESS };
enum {
    EFI_RESERVED_MEMORY, EFI_LOADER_CODE, EFI_LOADER_DATA, EFI_BOOT_SERVICES_CODE, EFI_BOOT_SERVICES_DATA,
    EFI_RUNTIME_SERVICES_CODE, EFI_RUNTIME_SERVICES_DATA, EFI_CONVENTIONAL_MEMORY, EFI_UNUSABLE_MEMORY,
    EFI_ACPI_RECLAIM_MEMORY, EFI_ACPI_MEMORY_NVS, EFI_MEMORY_MAPPED_IO, EFI_MEMORY_MAPPED_IO_PORT_SPACE,
};
/* 7.2.3: the region must be mapped for the runtime services to use it. */
#define EFI_MEMORY_RUNTIME (1ull << 63)

typedef struct {
    uint32_t type;
    uint32_t pad;
    uint64_t physical_start;
    uint64_t virtual_start;
    uint64_t number_of_pages;
    uint64_t attribute;
} efi_memory_descriptor;

typedef struct {
    efi_table_header hdr;
    void *raise_tpl, *restore_tpl;
    efi_status(EFIAPI *allocate_pages)(int type, int memory_type, uint64_t pages, uint64_t *memory);
    void *free_pages;
    efi_status(EFIAPI *get_memory_map)(uint64_t *size, efi_memory_descriptor *map, uint64_t *key,
                                       uint64_t *descriptor_size, uint32_t *descriptor_version);
    void *allocate_pool, *free_pool;
    void *create_event, *set_timer, *wait_for_event, *signal_event, *close_event, *check_event;
    void *install_protocol_interface, *reinstall_protocol_interface, *uninstall_protocol_interface;
    void *handle_protocol, *reserved, *register_protocol_notify, *locate_handle, *locate_device_path;
    void *install_configuration_table;
    void *load_image, *start_image, *exit, *unload_image;
    efi_status(EFIAPI *exit_boot_services)(efi_handle image, uint64_t map_key);
    void *get_next_monotonic_count, *stall;
    efi_status(EFIAPI *set_watchdog_timer)(uint64_t timeout, uint64_t code, uint64_t size, const char16 *data);
    void *connect_controller, *disconnect_controller;
    void *open_protocol, *close_protocol, *open_protocol_information;
    void *protocols_per_handle, *locate_handle_buffer;
    efi_status(EFIAPI *locate_protocol)(const efi_guid *protocol, void *registration, void **interface);
} efi_boot_services;

/* 8.5.1 ResetSystem, EFI_RESET_TYPE. Only the slots before it are named. */
enum { EFI_RESET_COLD };
typedef struct {
    efi_table_header hdr;
    void *get_time, *set_time, *get_wakeup_time, *set_wakeup_time;
    void *set_virtual_address_map, *convert_pointer;
    void *get_variable, *get_next_variable_name, *set_variable;
    void *get_next_high_monotonic_count;
    void(EFIAPI *reset_system)(uint32_t type, efi_status status, uint64_t data_size, void *data);
} efi_runtime_services;

/* 12.9 Graphics Output Protocol. */
#define EFI_GRAPHICS_OUTPUT_PROTOCOL_GUID {0x9042a9de, 0x23dc, 0x4a38, {0x96, 0xfb, 0x7a, 0xde, 0xd0, 0x80, 0x51, 0x6a}}
enum { PIXEL_RGBX_8BPP, PIXEL_BGRX_8BPP, PIXEL_BIT_MASK, PIXEL_BLT_ONLY };
typedef struct {
    uint32_t version, horizontal_resolution, vertical_resolution, pixel_format;
    uint32_t red_mask, green_mask, blue_mask, reserved_mask;
    uint32_t pixels_per_scan_line;
} efi_gop_mode_info;
typedef struct {
    uint32_t max_mode, mode;
    efi_gop_mode_info *info;
    uint64_t size_of_info;
    uint64_t frame_buffer_base, frame_buffer_size;
} efi_gop_mode;
typedef struct {
    void *query_mode, *set_mode, *blt;
    efi_gop_mode *mode;
} efi_graphics_output;

/* 37.5 EFI RNG Protocol; a NULL algorithm is the driver's default. */
#define EFI_RNG_PROTOCOL_GUID {0x3152bca5, 0xeade, 0x433d, {0x86, 0x2e, 0xc0, 0x1c, 0xdc, 0x29, 0x1f, 0x44}}
typedef struct efi_rng_protocol {
    void *get_info;
    efi_status(EFIAPI *get_rng)(struct efi_rng_protocol *self, const void *algorithm, uint64_t length, uint8_t *value);
} efi_rng_protocol;

typedef struct {
    efi_table_header hdr;
    void *firmware_vendor;
    uint32_t firmware_revision;
    efi_handle console_in_handle;
    void *con_in;
    efi_handle console_out_handle;
    efi_simple_text_output *con_out;
    efi_handle standard_error_handle;
    efi_simple_text_output *std_err;
    efi_runtime_services *runtime_services;
    efi_boot_services *boot_services;
} efi_system_table;

#endif
