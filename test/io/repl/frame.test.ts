// The REPL's frame codec (io/repl/frame.ts): CRC-32's check value, round trips split at every
// byte, noise skipped, and each kind of damage refused with its own message, the next frame found.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { crc32 as zlibCrc32 } from "node:zlib";
import { crc32, encodeFrame, FrameDecoder, FRAME_HEADER_SIZE, MAX_FRAME_PAYLOAD, type FrameEvent } from "../../../io/repl/frame.ts";

const test = suite("io/repl/frame");
const bytes = (s: string) => new TextEncoder().encode(s);
const frames = (events: FrameEvent[]) => events.map((e) => (e.kind === "frame" ? new TextDecoder().decode(e.payload) : `error: ${e.message}`));

test("CRC-32/ISO-HDLC: the catalogue's check value, and zlib's result", () => {
  assert.is(crc32(bytes("123456789")), 0xcbf43926);
  const data = new Uint8Array(1000).map((_, i) => (i * 7919) & 0xff);
  if (typeof zlibCrc32 === "function") assert.is(crc32(data), zlibCrc32(data));
  assert.is(crc32(new Uint8Array(0)), 0);
});

test("a frame comes back whole, fed in one piece or byte by byte", () => {
  const f = encodeFrame(bytes("hello"));
  assert.is(f.length, FRAME_HEADER_SIZE + 5);
  assert.equal(frames(new FrameDecoder().push(f)), ["hello"]);
  const d = new FrameDecoder();
  const got: FrameEvent[] = [];
  for (const b of f) got.push(...d.push(new Uint8Array([b])));
  assert.equal(frames(got), ["hello"]);
  assert.equal(frames(new FrameDecoder().push(encodeFrame(new Uint8Array(0)))), [""]);
});

test("bytes outside frames (noise, Ctrl-C, a partial magic) are skipped", () => {
  const d = new FrameDecoder();
  const noise = new Uint8Array([0x03, 0x0a, 0x54, 0x53, 0x00, 0x54, 0x54]);
  const both = new Uint8Array([...noise, ...encodeFrame(bytes("a")), 0x03, ...encodeFrame(bytes("b"))]);
  assert.equal(frames(d.push(both)), ["a", "b"]);
  assert.is(d.pending, 0);
});

test("a damaged payload is refused and the next frame still found", () => {
  const f = encodeFrame(bytes("payload"));
  f[FRAME_HEADER_SIZE + 2] ^= 0x10;
  const out = frames(new FrameDecoder().push(new Uint8Array([...f, ...encodeFrame(bytes("next"))])));
  assert.equal(out, ["error: frame checksum mismatch (7 bytes damaged on the line)", "next"]);
});

test("a damaged length is refused at once, not waited on", () => {
  const f = encodeFrame(bytes("x"));
  f[6] ^= 0x01; // length 1 + 65536: without the header check the decoder would wait for it
  const d = new FrameDecoder();
  assert.equal(frames(d.push(f.subarray(0, FRAME_HEADER_SIZE))), ["error: frame header check failed (damaged on the line)"]);
  assert.is(d.pending, 0);
});

test("a frame over the limit is refused before it is buffered", () => {
  assert.throws(() => encodeFrame(new Uint8Array(MAX_FRAME_PAYLOAD + 1)), /exceeds/);
  const small = new FrameDecoder(4);
  assert.equal(frames(small.push(encodeFrame(bytes("12345")))), ["error: frame of 5 bytes exceeds the limit of 4"]);
});

test.run();
