/**
 * The host side of the Linux boards' simulated register space (docs/boards/linux.md, "Register
 * space"; the firmware side is hal/arch/linux/registers.c). The firmware process writes one
 * fixed-size request per register access on fd 3 and blocks until its answer on fd 4; fd 5 gets a
 * byte when the machine's interrupt output rises while the firmware has not been told. Requests
 * are served as they arrive, on the board's SimMachine (models/machines.ts); console input is
 * offered to its UART with flow control (what its receive FIFO has room for), as the simulator's
 * feedInput does, and what the UART transmits is console output.
 */
import type { Writable } from "node:stream";
import type { SimMachine } from "../../models/machine.ts";
import { receiveConsoleInput, takeConsoleOutput } from "../../models/uart/console.ts";
import { machineFor } from "../../models/machines.ts";
import type { Board } from "./boards.ts";

/** The argument that tells the executable fds 3-5 are the register space (hal/arch/linux/boot.c). */
export const REGISTERS_ARG = "--tsm-registers=3,4,5";

// struct request / struct answer in registers.c: little-endian on all three targets.
const REQUEST_BYTES = 16;
const ANSWER_BYTES = 8;
const OP_READ = 1;
const OP_WRITE = 2;
const STATUS_OK = 0;
const STATUS_UNMAPPED = 1;

/** The board's machine (models/machines.ts, by SoC family). */
export async function registerMachineFor(board: Board): Promise<SimMachine> {
  const machine = machineFor(board.family);
  if (!machine) throw new Error(`board '${board.name}': no register space model for the SoC family '${board.family}' (models/machines.ts)`);
  return machine;
}

export interface RegisterServerOptions {
  readonly machine: SimMachine;
  /** fd 4: answers. */
  readonly answers: Writable;
  /** fd 5: interrupt notifications. */
  readonly notify: Writable;
  /** What the console UART transmitted. */
  readonly onOutput: (bytes: Uint8Array) => void;
}

export class RegisterServer {
  private readonly machine: SimMachine;
  private readonly o: RegisterServerOptions;
  private partial = Buffer.alloc(0);
  private input = new Uint8Array(0);
  /** The interrupt output as the firmware last heard of it (an answer or a notification). */
  private lineTold = false;
  /** Accesses served, for tests and diagnostics. */
  accesses = 0;

  constructor(o: RegisterServerOptions) {
    this.o = o;
    this.machine = o.machine;
  }

  /** Bytes from fd 3: serves every whole request in them, in order. */
  requests(chunk: Buffer): void {
    const buf = this.partial.length ? Buffer.concat([this.partial, chunk]) : chunk;
    const count = Math.floor(buf.length / REQUEST_BYTES);
    const out = Buffer.alloc(count * ANSWER_BYTES);
    for (let i = 0; i < count; i++) {
      const at = i * REQUEST_BYTES;
      const { value, status } = this.serve(buf[at], buf[at + 1], buf.readUInt32LE(at + 4), buf.readBigUInt64LE(at + 8));
      this.feed();
      const line = this.machine.irqAsserted();
      this.lineTold = line;
      out.writeUInt32LE(value >>> 0, i * ANSWER_BYTES);
      out[i * ANSWER_BYTES + 4] = status;
      out[i * ANSWER_BYTES + 5] = line ? 1 : 0;
    }
    this.partial = Buffer.from(buf.subarray(count * REQUEST_BYTES));
    this.flushOutput();
    if (count) this.o.answers.write(out);
  }

  /** Console input for the UART; whatever its FIFO cannot take yet waits for the firmware to read. */
  addInput(bytes: Uint8Array): void {
    const joined = new Uint8Array(this.input.length + bytes.length);
    joined.set(this.input);
    joined.set(bytes, this.input.length);
    this.input = joined;
    this.feed();
    this.notifyIfRaised();
  }

  /** Input not yet taken by the UART. */
  get pendingInput(): number {
    return this.input.length;
  }

  private serve(op: number, width: number, value: number, address: bigint): { value: number; status: number } {
    this.accesses++;
    const bytes = width === 1 || width === 2 || width === 4 ? width : 0;
    const addr = Number(address);
    const mapped = bytes !== 0 && address <= 0xffff_ffffn && this.machine.mapped.some((m) => addr >= m.base && addr + bytes <= m.base + m.size);
    if (!mapped || (op !== OP_READ && op !== OP_WRITE)) return { value: 0, status: STATUS_UNMAPPED };
    const bus = this.machine.bus;
    if (op === OP_READ) return { value: bytes === 1 ? bus.read8(addr) : bytes === 2 ? bus.read16(addr) : bus.read32(addr), status: STATUS_OK };
    if (bytes === 1) bus.write8(addr, value);
    else if (bytes === 2) bus.write16(addr, value);
    else bus.write32(addr, value);
    return { value: 0, status: STATUS_OK };
  }

  private feed(): void {
    if (this.input.length === 0) return;
    const n = receiveConsoleInput(this.machine.console, this.input);
    if (n > 0) this.input = this.input.subarray(n);
  }

  private notifyIfRaised(): void {
    if (this.lineTold || !this.machine.irqAsserted()) return;
    this.lineTold = true;
    this.o.notify.write(Buffer.of(1));
  }

  private flushOutput(): void {
    const out = takeConsoleOutput(this.machine.console);
    if (out.length) this.o.onOutput(Uint8Array.from(out));
  }
}
