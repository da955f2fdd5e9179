/**
 * The driver-facing interface of a serial port: what a UART driver implements so that the ECMA-419
 * Serial class (io/serial.ts) and the console can use it.
 */
export interface SerialPort {
  /** Sends one byte, waiting while the transmitter is full. */
  writeByte(b: number): void;
  /** The next received byte, or -1 when none is waiting. Never waits. */
  readByte(): number;
  enableReceiveInterrupts(): void;
  disableReceiveInterrupts(): void;
  /** Clears the receive interrupt condition; called after readByte() has returned -1. */
  acknowledgeReceive(): void;
  /** Receive errors counted by readByte(). */
  readonly rxErrors: Readonly<SerialRxErrors>;
}

/**
 * Receive errors a UART driver counts as readByte() sees them, rather than throwing: a console
 * keeps going. A UART that cannot detect one kind leaves its count at 0.
 */
export interface SerialRxErrors {
  /** A character arrived with the receive FIFO full and was lost. */
  overrun: number;
  /** No valid stop bit. */
  framing: number;
  parity: number;
  /** The line was held low for longer than a character (a break condition). */
  break: number;
}
