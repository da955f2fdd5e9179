/** A NIC for tests: records what the stack sends, and delivers frames to it. */
import type { NetworkInterface, NetworkInterfaceEvents } from "../../../drivers/interfaces/network-interface.ts";

export class FakeNic implements NetworkInterface {
  readonly sent: Uint8Array[] = [];
  linkUp = true;
  /** While true, send() refuses frames (backpressure). */
  busy = false;
  /** Called for every frame taken, after it is recorded. */
  onSend: ((frame: Uint8Array) => void) | null = null;
  private events: NetworkInterfaceEvents | null = null;

  constructor(
    readonly mac: Uint8Array,
    readonly mtu = 1500,
  ) {}

  attach(events: NetworkInterfaceEvents): void {
    this.events = events;
  }

  send(frame: Uint8Array): boolean {
    if (this.busy || !this.linkUp) return false;
    this.sent.push(frame);
    this.onSend?.(frame);
    return true;
  }

  /** Hands a frame to the stack, as a driver's receive interrupt would. */
  deliver(frame: Uint8Array): void {
    if (!this.events) throw new Error("no stack attached");
    this.events.receive(frame);
  }

  setWritable(): void {
    this.busy = false;
    this.events?.writable();
  }

  setLink(up: boolean): void {
    this.linkUp = up;
    this.events?.link(up);
  }

  /** Removes and returns everything sent so far. */
  take(): Uint8Array[] {
    return this.sent.splice(0);
  }
}
