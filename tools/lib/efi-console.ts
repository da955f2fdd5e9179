/**
 * The serial console of a UEFI boot under QEMU: OVMF writes its own text console to COM1 too
 * (screen clears, "BdsDxe: loading Boot0001 ..."), before the firmware runs. The loader stub
 * writes EFI_CONSOLE_MARKER on COM1 once boot services have exited
 * (hal/arch/amd64/uefi/efi-stub.c); what came before it is dropped, so the console shows the
 * firmware's output alone, as on every other board. Without the marker (the stub failed, or OVMF
 * never started it) nothing is dropped: the text then is the reason, shown when QEMU ends.
 */
export const EFI_CONSOLE_MARKER = "\x1b]0;tsmetal\x07";

export class EfiConsoleGate {
  private held = "";
  private open = false;

  /** Text to pass on for a chunk of console output. */
  push(chunk: string): string {
    if (this.open) return chunk;
    this.held += chunk;
    const at = this.held.indexOf(EFI_CONSOLE_MARKER);
    if (at < 0) return "";
    this.open = true;
    const rest = this.held.slice(at + EFI_CONSOLE_MARKER.length);
    this.held = "";
    return rest;
  }

  /** At the end of the run: what was held back when the marker never came. */
  end(): string {
    const rest = this.open ? "" : this.held;
    this.held = "";
    return rest;
  }
}
