import { suite } from "uvu";
import * as assert from "uvu/assert";
import { EfiConsoleGate, EFI_CONSOLE_MARKER } from "../../../tools/lib/efi-console.ts";

const test = suite("EFI console gate");
const ovmf = '\x1b[2J\x1b[01;01HBdsDxe: starting Boot0001 "UEFI QEMU HARDDISK QM00001 "\r\n';

test("OVMF's text before the marker is dropped, the firmware's after it passes", () => {
  const g = new EfiConsoleGate();
  assert.is(g.push(ovmf), "");
  assert.is(g.push(`${EFI_CONSOLE_MARKER}Hello\n`), "Hello\n");
  assert.is(g.push("tick 1\n"), "tick 1\n");
  assert.is(g.end(), "");
});

test("a marker split across chunks is still found", () => {
  const g = new EfiConsoleGate();
  const half = EFI_CONSOLE_MARKER.length >> 1;
  assert.is(g.push(ovmf + EFI_CONSOLE_MARKER.slice(0, half)), "");
  assert.is(g.push(EFI_CONSOLE_MARKER.slice(half) + "out"), "out");
});

test("without the marker (the loader failed) everything is shown at the end", () => {
  const g = new EfiConsoleGate();
  const failure = "tsmetal: cannot reserve the firmware's memory (EFI status 0x800000000000000e)\r\n";
  assert.is(g.push(ovmf), "");
  assert.is(g.push(failure), "");
  assert.is(g.end(), ovmf + failure);
});

test.run();
