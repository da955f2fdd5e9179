/**
 * Checks that hold for every UART driver against its register model (models/uart/), shared by the
 * drivers' tests (test/drivers/uart/) and the Serial tests (test/io/).
 */
import type { Test } from "uvu";
import * as assert from "uvu/assert";
import { PollTimeoutError } from "../../hal/poll.ts";
import type { RegisterBus } from "../../hal/register.ts";
import type { MemoryBus } from "../../models/memory-bus.ts";
import type { FakeIrq } from "./fake-irq.ts";

/** What the checks see of a UART model: the characters it has sent on the line. */
interface Line {
  readonly transmitted: number[];
  readonly warnings: readonly string[];
}

/** A divisor function's value for each `exact` [clock, baud, value], and a RangeError for each `refused` [clock, baud]. */
export function checkDivisor(
  divisor: (clockHz: number, baud: number) => number,
  exact: ReadonlyArray<readonly [number, number, number]>,
  refused: ReadonlyArray<readonly [number, number]>,
): void {
  for (const [clock, baud, value] of exact) assert.is(divisor(clock, baud), value, `${clock} / ${baud}`);
  for (const [clock, baud] of refused) assert.throws(() => divisor(clock, baud), RangeError, `${clock} / ${baud}`);
}

/** writeString() sends UTF-8: non-ASCII text, and a lone surrogate as U+FFFD. */
export function checkWriteString(uart: { writeString(s: string): void }, model: Pick<Line, "transmitted">): void {
  const text = "héllo, wörld € 日本 😀 \ud800!\n";
  uart.writeString(text);
  assert.equal(model.transmitted, Array.from(new TextEncoder().encode(text)));
}

/**
 * Registers on `test` the byte path every UART driver has, each test on a driver initialised by
 * `ready()` over its model: write() and writeByte() send bytes as given (writeByte the low 8 bits),
 * readByte() returns -1 while nothing waits, then the bytes received in order, then -1.
 */
export function testBytesInAndOut(
  test: Test,
  ready: () => {
    uart: { write(bytes: Uint8Array): void; writeByte(b: number): void; readByte(): number };
    model: { readonly transmitted: number[]; receive(data: string): number };
  },
): void {
  test("write and writeByte send bytes as given", () => {
    const { uart, model } = ready();
    uart.write(new Uint8Array([0, 0x7f, 0x80, 0xff]));
    uart.writeByte(0x141);
    assert.equal(model.transmitted, [0, 0x7f, 0x80, 0xff, 0x41]);
  });
  test("readByte returns received bytes in order, then -1", () => {
    const { uart, model } = ready();
    assert.is(uart.readByte(), -1);
    assert.is(model.receive("hé"), 3);
    assert.equal([uart.readByte(), uart.readByte(), uart.readByte(), uart.readByte()], [0x68, 0xc3, 0xa9, -1]);
  });
}

/**
 * init() after an earlier stage left "ab" queued in the TX FIFO: limited to 20 polls on a line that
 * never sends, it gives up with a PollTimeoutError naming `waitedOn` before writing a register; on
 * a line that sends (`sending`), both characters go out first and the model sees no breach.
 */
export function checkInitDrainsQueuedOutput(o: {
  bus: MemoryBus;
  model: Line;
  make: (bus: RegisterBus, maxPolls?: number) => { init(): void };
  sending: RegisterBus;
  waitedOn: RegExp;
}): void {
  o.bus.clearLog();
  const stuck = o.make(o.bus, 20);
  assert.throws(() => stuck.init(), (e: unknown) => e instanceof PollTimeoutError && o.waitedOn.test(e.message));
  assert.is(o.bus.writes().length, 0);
  o.make(o.sending).init();
  assert.equal(o.model.transmitted, [0x61, 0x62]);
  assert.equal(o.model.warnings, []);
}

/** Fills a Serial's ring: `count` bursts of `size` consecutive byte values from 0 on the line, the loop running handlers after each. */
export function fillInBursts(model: { receive(data: ArrayLike<number>): number }, irq: FakeIrq, size: number, count = 2): void {
  for (let n = 0; n < count; n++) {
    model.receive(Array.from({ length: size }, (_, i) => n * size + i));
    irq.run();
  }
}
