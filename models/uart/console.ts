/**
 * A UART model as a simulated machine's console (SimMachine.console): taking its output and
 * offering it input are the same for every model that keeps what it sent and has a receive FIFO.
 */
export interface ConsoleUartModel {
  readonly transmitted: number[];
  /** Free places in the receive FIFO (none while the receiver is off). */
  readonly rxSpace: number;
  receive(data: ArrayLike<number>): number;
  /** An idle line after the last character, on models whose receiver then reports a partial FIFO. */
  receiveTimeout?(): void;
}

/** The bytes the UART has sent since the last call. */
export function takeConsoleOutput(uart: ConsoleUartModel): number[] {
  return uart.transmitted.splice(0);
}

/** Offers `bytes` as far as the FIFO has room (a line with flow control), then the line goes idle:
    the receive timeout tells the driver of a partial FIFO. Returns how many the UART took. */
export function receiveConsoleInput(uart: ConsoleUartModel, bytes: Uint8Array): number {
  const n = uart.receive(bytes.subarray(0, uart.rxSpace));
  uart.receiveTimeout?.();
  return n;
}
