/**
 * The commands of the tsmetal CLI with their options and help: `tsmetal <command> --help` prints
 * the command's usage and one line per option the parser accepts (a description is required for
 * each option by the type below), and `tsmetal --help` the list of commands; both exit 0.
 */
import { buildCommand, buildOptions } from "./build.ts";
import { qemuCommand, qemuOptions } from "./qemu.ts";
import { simCommand, simOptions } from "./sim.ts";
import { linuxCommand, linuxOptions } from "./linux.ts";
import { conformanceCommand, conformanceOptions } from "./conformance.ts";
import { flashCommand, flashOptions } from "./flash.ts";
import { boardsCommand } from "./boards.ts";
import { newCommand } from "./new.ts";
import { benchCommand, benchOptions } from "./bench.ts";
import { fuzzCommand, fuzzOptions } from "./fuzz.ts";
import { docsCommand, docsOptions } from "./docs.ts";
import { replCommand, replOptions } from "./repl.ts";
import { deployCommand, deployOptions } from "./deploy.ts";
import { sshKeysCommand, sshKeysOptions } from "./ssh-keys.ts";
import { tlsKeysCommand, tlsKeysOptions } from "./tls-keys.ts";
import { diskCommand, diskOptions } from "./disk.ts";
import { MAX_TIMEOUT_S, RUN_TIMEOUT_DEFAULT_S } from "../lib/options.ts";

interface OptionSpec {
  readonly type: "string" | "boolean";
  readonly short?: string;
  readonly multiple?: boolean;
}

export interface Command {
  readonly run: (argv: string[]) => Promise<number>;
  readonly summary: string;
  /** What follows `tsmetal <command>` besides the options (e.g. `<dir>`). */
  readonly operands?: string;
  /** The parser's options (parseOptions) with their descriptions, "<value>: text" for a string. */
  readonly options: Readonly<Record<string, OptionSpec>>;
  readonly help: Readonly<Record<string, string>>;
}

/** A command whose help names every option of `options`, checked by the compiler. */
const command = <O extends Record<string, OptionSpec>>(c: Omit<Command, "options" | "help"> & { options: O; help: { readonly [K in keyof O]: string } }): Command => c;

const build = {
  board: "<name>: the board (npm run boards lists them)",
  app: "<entry.ts>: the app's entry module (default firmware-template/src/main.ts)",
  out: "<dir>: where the build goes (default build/out/<board>-<app>-<hash>)",
  "enable-eval": "compile eval and new Function in",
  "memory-limit": "<bytes>: the engine's heap limit, e.g. 512k or 4m (at most the board's heap)",
  "max-job-ms": "<ms>: stop a job that runs longer, exit 7",
  define: "<NAME=VALUE>: replace NAME in the app's code with the string VALUE (repeatable)",
};
const runTimeout = `<s>: stop the run after this many seconds, exit 124; 0 for none (default: none when standard input is a terminal, else ${RUN_TIMEOUT_DEFAULT_S}; at most ${MAX_TIMEOUT_S})`;

export const commands: Readonly<Record<string, Command>> = {
  build: command({ run: buildCommand, summary: "type-check, bundle, compile and link a firmware image", options: buildOptions, help: build }),
  qemu: command({
    run: qemuCommand,
    summary: "build if needed and boot under QEMU; standard input is the console's input",
    options: qemuOptions,
    help: {
      ...build,
      board: "<name>: the board (default pizero)",
      timeout: runTimeout,
      screenshot: "<file.png>: save the last picture the display showed",
      forward: "<tcp|udp:HOSTPORT:GUESTPORT>: forward a host port to the guest's network (repeatable)",
      updatable: "build the app as a unit beside the update agent; npm run deploy replaces it while it runs (docs/updates.md)",
      "update-key": "<public.pem>: with --updatable, run only app units signed with this Ed25519 key's pair (npm run deploy -- --keygen)",
      "app-version": "<n>: with --updatable, the built-in app's version (default 1)",
      "confirm-s": "<s>: with --updatable, how long a deployed app has to call update.confirm() (default 10)",
      "update-http": "<port>[/<path>]: with --updatable, an HTTP endpoint taking PUT <path> (default /update) of app units (docs/updates.md)",
      "update-ssh": "<port>: with --updatable, an SSH server whose `update` command takes an app unit on standard input (docs/updates.md)",
      "ssh-host-key": "<file.pem>: with --update-ssh, the host key (default npm run ssh-keys's, ~/.config/tsmetal/ssh/host_ed25519.pem)",
      "authorized-keys": "<file>: with --update-ssh, the ssh-ed25519 keys that may deploy (default ~/.ssh/*.pub)",
      disk: "<image>: attach a raw disk image (FAT: npm run disk) to the board's card slot: virtio-blk on microvm, the SD card on the Pi, i.MX and sifive_u boards (docs/storage.md)",
      gdb: "<port>: (the port is optional) start halted with QEMU's gdbstub on this port (default 1234), no timeout unless --timeout; prints the gdb-multiarch command (docs/debugging.md)",
    },
  }),
  sim: command({
    run: simCommand,
    summary: "run the firmware in Node over the peripheral models, in simulated time",
    options: simOptions,
    help: {
      board: "<name>: the board (default pizero)", app: build.app, timeout: runTimeout, "max-job-ms": build["max-job-ms"], define: build.define,
      pin: "<PIN=LEVEL@TIME,...>: drive GPIO input PIN (the board's numbering) to 0 or 1 at TIME since boot (us, ms or s), e.g. 17=1@500ms,0@900ms (repeatable, one per pin; docs/simulator.md)",
      disk: "<image>: a raw disk image in the board's card slot (SD on the Pi and i.MX boards, virtio-blk on microvm), written back at the end (docs/storage.md)",
    },
  }),
  linux: command({
    run: linuxCommand,
    summary: "build for a Linux board and run it as a host process",
    options: linuxOptions,
    help: {
      ...build,
      board: "<linux-amd64|linux-arm|linux-riscv64>: the board (default linux-amd64)",
      timeout: runTimeout,
      "allow-no-seccomp": "run even if the seccomp filter cannot be installed (else exit 8)",
      gdb: "<port>: (the port is optional) start halted for gdb on this loopback port (default 1234): under gdbserver on linux-amd64, on qemu-user's gdbstub on linux-arm and linux-riscv64; no timeout unless --timeout; prints the gdb-multiarch command (docs/debugging.md)",
    },
  }),
  conformance: command({
    run: conformanceCommand,
    summary: "run QuickJS's test files on a board against docs/compatibility.md",
    options: conformanceOptions,
    help: { board: "<name>: the board (default pizero)", timeout: "<s>: per test file (default 180)", "update-docs": "rewrite the board's column of docs/compatibility.md" },
  }),
  flash: command({
    run: flashCommand,
    summary: "build, then write the boot image to a card, disk image or folder, or load it over USB",
    options: flashOptions,
    help: {
      ...build,
      to: "<folder|image|/dev/sdX>: where to write",
      firmware: "<dir>: where the Raspberry Pi boot firmware files come from (docs/flashing.md)",
      files: "<dir>: Raspberry Pi and i.MX boards: copy this folder's tree into the card's FAT partition, where files() reads it (docs/flashing.md)",
      yes: "(-y) do not ask before writing",
      "dry-run": "show the plan and stop",
      usb: "load an i.MX board over USB serial download (imx_usb)",
      "sign-key": "<key.pem>: UEFI boards: sign BOOTX64.EFI for Secure Boot with this private key (sbsign; with --sign-cert)",
      "sign-cert": "<cert.pem>: UEFI boards: the X.509 certificate of --sign-key, which the PC's Secure Boot db must trust",
    },
  }),
  repl: command({
    run: replCommand,
    summary: "a REPL on the device: inputs compiled here to bytecode and run there, eval still off",
    options: replOptions,
    help: {
      board: "<name>: the board (default pizero; under QEMU, a Linux board as a process, unless --sim or --port)",
      sim: "run the board's machine in the simulator instead of QEMU (docs/repl.md)",
      port: "<device>: a board running the REPL firmware behind this serial device, e.g. /dev/ttyUSB0",
      baud: "<rate>: the serial device's speed with --port (default 115200)",
    },
  }),
  deploy: command({
    run: deployCommand,
    summary: "build an app unit for a running updatable firmware, sign it and send it over the console line or the network (docs/updates.md)",
    options: deployOptions,
    help: {
      board: "<name>: the board (default pizero); its last updatable build (build/<board>/update-base.json) is the base",
      app: "<entry.ts>: the app to deploy",
      "app-version": "<n>: the unit's version, above the running one (default: the time in seconds)",
      key: "<file.pem>: the Ed25519 private key to sign with (default ~/.config/tsmetal/update/update_ed25519.pem)",
      keygen: "make the signing key pair in the key folder and stop",
      "key-dir": "<dir>: the key folder (default ~/.config/tsmetal/update; never inside the repository)",
      port: "<device>: a board running the updatable firmware behind this serial device, e.g. /dev/ttyUSB0",
      baud: "<rate>: the serial device's speed with --port (default 115200)",
      socket: "<file>: the console socket of npm run qemu -- --updatable (default build/<board>/console.sock)",
      to: "<url>: send over the network instead: http://host:port[/path] (PUT, default path /update) or ssh://user@host:port (its update command)",
      identity: "<file>: with --to ssh://, the private key to log in with (ssh -i)",
      "known-hosts": "<file>: with --to ssh://, the known_hosts file holding the device's host key (default the user's own)",
      timeout: "<s>: with --to, how long to wait for the device's answer (default 120)",
      base: "<update-base.json>: the base's facts to build against (default build/<board>/update-base.json, written by npm run qemu -- --updatable)",
      "write-unit": "<file>: write the built (and signed) unit to this file and send nothing: for curl -T, ssh … update <, or an offline signer",
    },
  }),
  "ssh-keys": command({
    run: sshKeysCommand,
    summary: "make the firmware's SSH host key outside the repository and print the --define flags for a build",
    options: sshKeysOptions,
    help: {
      out: "<dir>: where the host key is kept (default ~/.config/tsmetal/ssh; never inside the repository)",
      "authorized-keys": "<file>: the keys that may log in (default: the ssh-ed25519 keys of ~/.ssh/*.pub)",
    },
  }),
  "tls-keys": command({
    run: tlsKeysCommand,
    summary: "make the firmware's TLS key and self-signed certificate outside the repository (openssl) and print the --define flags for a build",
    options: tlsKeysOptions,
    help: {
      out: "<dir>: where the key and certificate are kept (default ~/.config/tsmetal/tls; never inside the repository)",
      algorithm: "<ed25519|p256>: the key's algorithm (default ed25519; p256 is ECDSA P-256)",
      name: "<dns-name|ipv4>: a name the certificate is also for, besides localhost and 127.0.0.1 (repeatable)",
      days: "<n>: how long the certificate is valid (default 3650)",
      force: "replace an existing key and certificate",
    },
  }),
  disk: command({
    run: diskCommand,
    summary: "make a FAT disk image from a folder (mkfs.vfat and mtools) for --disk (docs/storage.md)",
    options: diskOptions,
    help: {
      out: "<image>: the image to make (required; an existing file is refused)",
      from: "<dir>: the folder whose files and subfolders go on it (default: an empty volume)",
      size: "<bytes>: the image's size, with K, M or G (default 32M)",
      fat: "<12|16|32>: the FAT type (default: mkfs.vfat's choice for the size)",
    },
  }),
  boards: command({ run: boardsCommand, summary: "list the boards with arch, SoC and QEMU machine", options: {}, help: {} }),
  new: command({ run: newCommand, summary: "create a firmware project from firmware-template/", operands: "<dir>", options: {}, help: {} }),
  bench: command({
    run: benchCommand,
    summary: "deterministic figures: image size, boot instructions, heap peak, idle and IRQ latency",
    options: benchOptions,
    help: {
      board: "<name>: the board (default pizero)",
      json: "print one JSON object",
      profile: "<n>: also print the n C functions and the n JS functions (.ts file:line) that ran the most instructions",
      app: "<entry.ts>: measure this app instead, boot to exit (image, instructions, heap peak), as JSON",
      deploy: "also deploy_insns: receive, verify (Ed25519) and switch to a signed app unit with a 64 KiB body (docs/updates.md)",
    },
  }),
  docs: command({
    run: docsCommand,
    summary: "regenerate the API reference (docs/api/) and the board pages' facts (docs/boards/)",
    options: docsOptions,
    help: { check: "write nothing; exit 1 naming the pages that are stale", out: "<dir>: the docs folder to write or check (default docs/)" },
  }),
  fuzz: command({
    run: fuzzCommand,
    summary: "damaged images must be refused with exit 2; generated JS must match Node",
    options: fuzzOptions,
    help: {
      board: "<name>: the board (default pizero)",
      seed: "<n>: the generator's seed (default 1)",
      iterations: "<n>: damaged images (default 80)",
      "js-iterations": "<n>: JS cases (default: --iterations)",
      region: "<name>[,<name>...]: image regions or js (default: all)",
      timeout: "<s>: per boot (default 20)",
    },
  }),
};

/** `tsmetal <name> --help`. */
export function commandHelp(name: string): string {
  const c = commands[name];
  const lines = [`usage: tsmetal ${name}${c.operands ? ` ${c.operands}` : ""}${Object.keys(c.options).length ? " [options]" : ""}`, `  ${c.summary}`];
  if (Object.keys(c.options).length) lines.push("options:");
  for (const [option, text] of Object.entries(c.help)) {
    const m = /^(<[^>]*>(?:\[[^\]]*\])?): (.*)$/.exec(text);
    lines.push(`  --${option}${m ? ` ${m[1]}` : ""}`.padEnd(34) + ` ${m ? m[2] : text}`);
  }
  lines.push("  --help, -h".padEnd(34) + " print this and exit");
  return lines.join("\n");
}

/** `tsmetal --help`: the commands. */
export function usage(): string {
  return [
    "usage: tsmetal <command> [options]   (npm run <command> -- [options])",
    ...Object.entries(commands).map(([name, c]) => `  ${name.padEnd(12)} ${c.summary}`),
    "tsmetal <command> --help lists a command's options.",
  ].join("\n");
}
