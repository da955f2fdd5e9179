/**
 * virtio-mmio devices announced on a kernel command line, `virtio_mmio.device=<size>@<base>:<irq>[:<id>]`.
 *
 * Firecracker announces its devices only this way (`virtio_mmio.device=4K@0xd0000000:5`), and
 * QEMU's microvm with `acpi=off` appends one per transport in use (`virtio_mmio.device=512@0xfeb00000:5`,
 * hw/i386/microvm.c); the PVH boot protocol passes the command line in hvm_start_info.cmdline_paddr.
 * The syntax is Linux's (Documentation/admin-guide/kernel-parameters.txt, "virtio_mmio.device",
 * parsed by drivers/virtio/virtio_mmio.c vm_cmdline_set): size in C notation with an optional
 * K/M/G/T/P/E suffix (memparse), base in C notation (%lli), irq a nonzero decimal, id an optional
 * integer; nothing may follow. Parameter names treat '-' and '_' alike (kernel/params.c parameq);
 * parameters after a lone "--" belong to init and are not read.
 */

export interface VirtioMmioDevice {
  /** Physical address of the transport's registers. */
  readonly base: number;
  /** Bytes of its register window (QEMU 512, Firecracker 4096). */
  readonly size: number;
  /** The interrupt line (on x86 a GSI of the I/O APIC). */
  readonly irq: number;
  /** The platform device id, when given. */
  readonly id?: number;
}

const SUFFIX: Record<string, number> = { k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40, p: 2 ** 50, e: 2 ** 60 };

/** Every `virtio_mmio.device=` of `cmdline`, in order. Throws RangeError naming a malformed one. */
export function parseVirtioMmioDevices(cmdline: string): VirtioMmioDevice[] {
  const devices: VirtioMmioDevice[] = [];
  const words = cmdline.split(/\s+/);
  for (const word of words) {
    if (word === "--") break;
    const eq = word.indexOf("=");
    if (eq < 0 || word.slice(0, eq).replace(/-/g, "_") !== "virtio_mmio.device") continue;
    devices.push(parseDevice(word.slice(eq + 1)));
  }
  return devices;
}

function parseDevice(value: string): VirtioMmioDevice {
  const bad = (why: string) => new RangeError(`virtio_mmio.device=${value}: ${why} (expected <size>@<base>:<irq>[:<id>], e.g. 512@0xfeb00000:5)`);
  const m = /^(0[xX][0-9a-fA-F]+|[0-9]+)([kKmMgGtTpPeE]?)@(0[xX][0-9a-fA-F]+|[0-9]+):([0-9]+)(?::(-?[0-9]+))?$/.exec(value);
  if (m === null) throw bad("malformed");
  const size = cNumber(m[1]) * (m[2] ? SUFFIX[m[2].toLowerCase()] : 1);
  const base = cNumber(m[3]);
  const irq = Number(m[4]);
  if (!(size > 0 && Number.isSafeInteger(size))) throw bad(`size ${m[1]}${m[2]} is not a byte count`);
  if (!Number.isSafeInteger(base) || !Number.isSafeInteger(base + size)) throw bad(`base ${m[3]} is not an address`);
  if (irq === 0 || irq > 0xffff_ffff) throw bad(`interrupt ${m[4]} is not a nonzero 32-bit number`);
  return m[5] === undefined ? { base, size, irq } : { base, size, irq, id: Number(m[5]) };
}

/** An unsigned integer as C's strtoull with base 0 reads it: 0x hex, leading 0 octal, else decimal. */
function cNumber(s: string): number {
  if (s.length > 2 && (s[1] === "x" || s[1] === "X")) return parseInt(s.slice(2), 16);
  if (s.length > 1 && s[0] === "0") {
    if (!/^[0-7]+$/.test(s)) return NaN;
    return parseInt(s, 8);
  }
  return parseInt(s, 10);
}
