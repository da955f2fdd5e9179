import { test } from "uvu";
import * as assert from "uvu/assert";
import { Writable } from "node:stream";
import { RegisterServer } from "../../../tools/lib/linux-registers.ts";
import { LinuxVirtMachine } from "../../../models/soc/linux-virt.ts";
import { VIRT_INTC_BASE, VIRT_UART_BASE, VIRT_UART_LINE } from "../../../soc/linux/virt-map.ts";

// The host side of the Linux boards' register space (tools/lib/linux-registers.ts) against the
// wire format of hal/arch/linux/registers.c: 16-byte requests, 8-byte answers.

class Sink extends Writable {
  readonly chunks: Buffer[] = [];
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.chunks.push(chunk);
    done();
  }
}

const request = (op: number, width: number, address: bigint, value = 0) => {
  const b = Buffer.alloc(16);
  b[0] = op;
  b[1] = width;
  b.writeUInt32LE(value, 4);
  b.writeBigUInt64LE(address, 8);
  return b;
};
const READ = 1, WRITE = 2;
// PL011 TRM table 3-1 and 3.3.7-3.3.13.
const FR = 0x18, DR = 0x00, LCR_H = 0x2c, CR = 0x30, IMSC = 0x38, ICR = 0x44;
const INT_RX = 1 << 4, INT_RT = 1 << 6, LCR_H_FEN_8N1 = 0x70, CR_RX_TX_EN = 0x301;
const ENABLE_2 = 0x14;

function setup() {
  const machine = new LinuxVirtMachine();
  const answers = new Sink(), notify = new Sink();
  const output: number[] = [];
  const server = new RegisterServer({ machine, answers, notify, onOutput: (b) => output.push(...b) });
  const answer = (i: number) => {
    const a = answers.chunks[i];
    return { value: a.readUInt32LE(0), status: a[4], line: a[5] };
  };
  return { machine, server, answers, notify, output, answer };
}

test("a read is answered with the model's register, status ok", () => {
  const { server, answer } = setup();
  server.requests(request(READ, 4, BigInt(VIRT_UART_BASE + FR)));
  // PL011 after reset: TX FIFO empty, RX FIFO empty (TRM 3.3.3).
  assert.equal(answer(0), { value: 0x90, status: 0, line: 0 });
});

test("requests split across chunks and several in one chunk are each answered, in order", () => {
  const { server, answers, output } = setup();
  const r = Buffer.concat([request(WRITE, 4, BigInt(VIRT_UART_BASE + CR), CR_RX_TX_EN), request(WRITE, 1, BigInt(VIRT_UART_BASE + DR), 0x41)]);
  server.requests(r.subarray(0, 5));
  assert.is(answers.chunks.length, 0);
  server.requests(r.subarray(5));
  assert.is(Buffer.concat(answers.chunks).length, 16);
  assert.equal(output, [0x41]);
});

test("an address no model claims, a width other than 1, 2, 4 or an address beyond 32 bits is unmapped", () => {
  const { server, answer } = setup();
  server.requests(request(READ, 4, 0n));
  server.requests(request(WRITE, 4, BigInt(VIRT_UART_BASE + 0x1000), 1));
  server.requests(request(READ, 3, BigInt(VIRT_UART_BASE)));
  server.requests(request(READ, 4, (1n << 32n) + BigInt(VIRT_UART_BASE)));
  for (let i = 0; i < 4; i++) assert.is(answer(i).status, 1, `request ${i}`);
});

test("input waits for the UART to be enabled, then raises the line: one notification, and the flag in answers", () => {
  const { server, notify, answer } = setup();
  server.addInput(Buffer.from("hi"));
  assert.is(server.pendingInput, 2, "disabled UART takes nothing");
  server.requests(request(WRITE, 4, BigInt(VIRT_INTC_BASE + ENABLE_2), 1 << (VIRT_UART_LINE - 32)));
  server.requests(request(WRITE, 4, BigInt(VIRT_UART_BASE + IMSC), INT_RX | INT_RT));
  server.requests(request(WRITE, 4, BigInt(VIRT_UART_BASE + LCR_H), LCR_H_FEN_8N1));
  server.requests(request(WRITE, 4, BigInt(VIRT_UART_BASE + CR), CR_RX_TX_EN));
  // Enabling the receiver lets the pending input in within the same request: the answer says so.
  assert.is(server.pendingInput, 0);
  assert.is(answer(3).line, 1);
  assert.is(notify.chunks.length, 0, "the firmware already knows from the answer");
  server.requests(request(READ, 4, BigInt(VIRT_UART_BASE + DR)));
  server.requests(request(READ, 4, BigInt(VIRT_UART_BASE + DR)));
  server.requests(request(WRITE, 4, BigInt(VIRT_UART_BASE + ICR), INT_RX | INT_RT));
  assert.is(answer(4).value & 0xff, 0x68);
  assert.is(answer(5).value & 0xff, 0x69);
  assert.is(answer(6).line, 0, "FIFO drained, interrupts cleared: the line drops");
  server.addInput(Buffer.from("!"));
  assert.is(notify.chunks.length, 1, "rises while the firmware thinks it low: notified");
  server.addInput(Buffer.from("?"));
  assert.is(notify.chunks.length, 1, "still high: not again");
});

test.run();
