/**
 * The driver-facing interface of an Ethernet controller (a NIC): what a network driver
 * (drivers/net/*.ts) implements so that the TCP/IP stack (stacks/net/stack.ts) can use it.
 *
 * Frames are Ethernet II frames from the destination MAC address through the payload, without
 * preamble or frame check sequence: a driver whose hardware hands over the 4-byte CRC (the i.MX
 * ENET does) strips it, and a driver whose hardware does not append it on transmit appends it.
 * The stack pads what it sends to the 60-byte minimum (IEEE 802.3 clause 3.2.8, 64 with the CRC).
 */
export interface NetworkInterface {
  /** The interface's own 6-byte MAC address. Not modified by the stack. */
  readonly mac: Uint8Array;
  /**
   * The largest payload one frame carries (the bytes after the 14-byte header), normally 1500.
   * The stack never sends more, and counts and drops a received frame that carries more.
   */
  readonly mtu: number;
  /** Whether the link is up (a PHY reports carrier, or a virtual NIC is connected). */
  readonly linkUp: boolean;
  /**
   * Queues one frame for transmission. Returns false, taking nothing, when the transmit queue is
   * full or the link is down: that is backpressure, and the driver calls `writable` once room
   * comes back. On true the driver owns `frame` (it may keep it until the hardware has sent it);
   * the stack never touches it again.
   */
  send(frame: Uint8Array): boolean;
  /** Starts delivering events to `events`, replacing any earlier listener. */
  attach(events: NetworkInterfaceEvents): void;
}

/** What a NIC tells the stack. Called from the event loop (a driver's interrupt bottom half). */
export interface NetworkInterfaceEvents {
  /**
   * One received frame. `frame` is valid only during the call (a driver may reuse the buffer
   * afterwards): the stack copies whatever it keeps. A driver does not filter by address, length
   * or type; the stack checks everything and counts what it drops.
   */
  receive(frame: Uint8Array): void;
  /** The transmit queue has room again after send() returned false. */
  writable(): void;
  /** The link went up (true) or down (false). */
  link(up: boolean): void;
}
