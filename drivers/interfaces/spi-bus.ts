/**
 * The driver-facing interface of an SPI controller with one device on a chip select
 * (drivers/spi/*.ts), as the SD card in SPI mode (drivers/sd/sd-spi.ts) uses it: whole-byte,
 * full-duplex transfers, mode 0, most significant bit first.
 */
export interface SpiBus {
  /** Names the controller in errors, e.g. "SifiveSpi@0x10050000". */
  readonly name: string;
  /** Sets the serial clock to at most `hz`. */
  setClock(hz: number): void;
  /** Asserts the device's chip select until deselect(). */
  select(): void;
  deselect(): void;
  /** Sends `tx` and returns the byte received meanwhile. */
  transfer(tx: number): number;
  /** Receives `count` bytes into `into` from `offset`, sending 0xFF (a data block). */
  receive(into: Uint8Array, offset: number, count: number): void;
  /** Sends `count` bytes of `data` from `offset`, dropping what comes back (a data block). */
  send(data: Uint8Array, offset: number, count: number): void;
  /** Sends `count` bytes of 0xFF with the chip select deasserted (clocks for the device). */
  idle(count: number): void;
}
