/** What test/fixtures/hardening/hal-args.ts prints, on the targets and in the simulator alike. */
const common = [
  "read32(undefined) -> TypeError: mmio.read32: address must be a number, not undefined",
  "read32(NaN) -> RangeError: mmio.read32: address is NaN, not an integer",
  "read8(1.5) -> RangeError: mmio.read8: address is not an integer (1 and a fraction)",
  "read32(2^64 + 4096) -> RangeError: mmio address 2^64 or more is outside the address space",
  "read32(Infinity) -> RangeError: mmio.read32: address is Infinity, not an integer",
  "read32(4096n) -> TypeError: mmio.read32: address must be a number, not a BigInt",
  "read32('4096') -> TypeError: mmio.read32: address must be a number, not a string",
  "write8(256) -> RangeError: mmio.write8: value 256 does not fit in 8 bits",
  "write8(-1) -> RangeError: mmio.write8: value -1 does not fit in 8 bits",
  "write16(0x10000) -> RangeError: mmio.write16: value 65536 does not fit in 16 bits",
  "write32(2^32) -> RangeError: mmio.write32: value 4294967296 does not fit in 32 bits",
  "write32(-2^31 - 1) -> RangeError: mmio.write32: value -2147483649 does not fit in 32 bits",
  "write32(0.5) -> RangeError: mmio.write32: value is not an integer (0 and a fraction)",
  "write32(undefined) -> TypeError: mmio.write32: value must be a number, not undefined",
  "write32(1n) -> TypeError: mmio.write32: value must be a number, not a BigInt",
  "write32(undefined address) -> TypeError: mmio.write32: address must be a number, not undefined",
  "irq.on(undefined) -> TypeError: irq.on: line must be a number, not undefined",
  "irq.on(2^32 + 1) -> RangeError: irq.on: interrupt line 4294967297 does not exist on this controller",
  "irq.off(NaN) -> RangeError: irq.off: line is NaN, not an integer",
  "dma.alloc(2^32 + 16) -> RangeError: dma.alloc: size must be positive and align a power of two",
  "dma.alloc(undefined) -> TypeError: dma.alloc: size must be a number, not undefined",
  "dma.alloc(16, 1.5) -> RangeError: dma.alloc: align is not an integer (1 and a fraction)",
];
/** The x86 port space's lines (microvm). */
const ports = [
  "io.in8(undefined) -> TypeError: io.in8: port must be a number, not undefined",
  "io.in16(2^64 + 4096) -> RangeError: I/O port 9200000000000000000 is outside 0..0xffff",
  "io.out8(256) -> RangeError: io.out8: value 256 does not fit in 8 bits",
  "io.out32(NaN value) -> RangeError: io.out32: value is NaN, not an integer",
];

export function halArgsOutput(board: string): string {
  return [...common, ...(board === "microvm" ? ports : []), "done", ""].join("\n");
}
