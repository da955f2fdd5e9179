/** A minimal PE32+ image made with the host's gcc and binutils' ld -m i386pep, as the uefi-x64 build links. */
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";

/** Writes `dir`/<name> with the given PE subsystem (10: EFI application) and returns its path. */
export function tinyPe(dir: string, name: string, subsystem = 10): string {
  const src = path.join(dir, `${name}.c`);
  const obj = path.join(dir, `${name}.o`);
  const out = path.join(dir, name);
  writeFileSync(src, "__attribute__((ms_abi)) unsigned long long efi_main(void *image, void *st) { (void)image; (void)st; return 0; }\n");
  execFileSync("gcc", ["-c", "-O2", "-ffreestanding", "-fpic", "-fno-ident", "-fno-asynchronous-unwind-tables", src, "-o", obj]);
  execFileSync("ld", ["-m", "i386pep", "--subsystem", String(subsystem), "-e", "efi_main", "--no-insert-timestamp", "-nostdlib", "-o", out, obj]);
  return out;
}
