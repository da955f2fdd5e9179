/**
 * The virtio-mmio transport's register map (VIRTIO 1.2, 4.2.2) and device status bits (2.1),
 * with the queue registers a driver fills in before QueueReady, for the device models behind a
 * transport (models/block/virtio-blk.ts, models/net/virtio-net.ts). Written out from the spec,
 * not imported from the driver.
 */
import { DeviceVirtqueue } from "./virtqueue.ts";
import type { DmaMemory } from "../mailbox/bcm2835.ts";

// Register offsets (4.2.2).
export const MAGIC_VALUE = 0x000, VERSION = 0x004, DEVICE_ID = 0x008, VENDOR_ID = 0x00c;
export const DEVICE_FEATURES = 0x010, DEVICE_FEATURES_SEL = 0x014, DRIVER_FEATURES = 0x020, DRIVER_FEATURES_SEL = 0x024;
export const QUEUE_SEL = 0x030, QUEUE_NUM_MAX = 0x034, QUEUE_NUM = 0x038, QUEUE_READY = 0x044, QUEUE_NOTIFY = 0x050;
export const INTERRUPT_STATUS = 0x060, INTERRUPT_ACK = 0x064, STATUS = 0x070;
export const QUEUE_DESC_LOW = 0x080, QUEUE_DESC_HIGH = 0x084, QUEUE_DRIVER_LOW = 0x090, QUEUE_DRIVER_HIGH = 0x094;
export const QUEUE_DEVICE_LOW = 0x0a0, QUEUE_DEVICE_HIGH = 0x0a4, CONFIG_GENERATION = 0x0fc, CONFIG = 0x100;
/** The register window QEMU's transport decodes: the config space ends here. */
export const WINDOW = 0x200;
/** "virt" little-endian; QEMU's vendor ID "QEMU". */
export const MAGIC = 0x7472_6976, VENDOR_QEMU = 0x554d_4551;
// Device status bits (2.1).
export const S_DRIVER_OK = 4, S_FEATURES_OK = 8, S_NEEDS_RESET = 64;

/** One queue's registers as the driver wrote them (4.2.3.2), and the queue once ready. */
export interface QueueRegs {
  num: number;
  ready: boolean;
  desc: [number, number];
  driver: [number, number];
  device: [number, number];
  queue?: DeviceVirtqueue;
}

export const emptyQueueRegs = (): QueueRegs => ({ num: 0, ready: false, desc: [0, 0], driver: [0, 0], device: [0, 0] });

/** The device side of the queue the registers describe (the 64-bit addresses from their low and high words). */
export function deviceQueue(dma: DmaMemory, q: QueueRegs): DeviceVirtqueue {
  const addr = (w: [number, number]) => w[1] * 0x1_0000_0000 + w[0];
  return new DeviceVirtqueue(dma, { num: q.num, desc: addr(q.desc), driver: addr(q.driver), device: addr(q.device) });
}
