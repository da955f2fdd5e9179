/**
 * --forward: QEMU user-mode networking (slirp) for a board with a network device, with host port
 * forwards bound to 127.0.0.1. A spec is `tcp:<host port>:<guest port>` (or `udp:`): QEMU's
 * `hostfwd=tcp:127.0.0.1:H-:G` (QEMU's documentation, "-netdev user ... hostfwd"); with no guest
 * address slirp forwards to 10.0.2.15, the address its DHCP server hands out first.
 * How a board attaches its NIC is the board.json fact qemu.network: the machine to use instead
 * of qemu.machine, the netdev id the device args name, and the device args.
 */
import { boardNames, loadBoard, type Board } from "./boards.ts";
import { UserError } from "./errors.ts";

export interface Forward {
  readonly protocol: "tcp" | "udp";
  readonly hostPort: number;
  readonly guestPort: number;
}

/** Parses one --forward value; refuses anything but `tcp|udp:<1-65535>:<1-65535>`. */
export function parseForward(spec: string): Forward {
  const m = /^(tcp|udp):(\d{1,5}):(\d{1,5})$/.exec(spec);
  const port = (s: string) => Number(s) >= 1 && Number(s) <= 65535;
  if (m === null || !port(m[2]) || !port(m[3])) {
    throw new UserError(`--forward ${spec}: expected tcp:<host port>:<guest port> or udp:<host port>:<guest port>, ports 1 to 65535 (e.g. --forward tcp:8080:80)`);
  }
  return { protocol: m[1] as "tcp" | "udp", hostPort: Number(m[2]), guestPort: Number(m[3]) };
}

/** Parses every --forward; refuses a host port forwarded twice and a board without a network device. */
export function parseForwards(board: Board, specs: readonly string[]): Forward[] {
  const forwards = specs.map(parseForward);
  if (forwards.length === 0) return forwards;
  if (!board.qemu.network) {
    const withNic = boardNames().filter((n) => loadBoard(n).qemu.network !== undefined);
    throw new UserError(`--forward: board '${board.name}' has no network device under QEMU; boards with one: ${withNic.join(", ")}`);
  }
  const seen = new Set<string>();
  for (const f of forwards) {
    const key = `${f.protocol}:${f.hostPort}`;
    if (seen.has(key)) throw new UserError(`--forward: host port ${key} is forwarded more than once`);
    seen.add(key);
  }
  return forwards;
}

/**
 * The QEMU arguments that give `board` its network device, joined to slirp with `forwards`:
 * `machine` replaces qemu.machine, `args` follow the board's own.
 */
export function networkQemuArgs(board: Board, forwards: readonly Forward[]): { machine: string; args: string[] } {
  const net = board.qemu.network;
  if (!net) throw new UserError(`board '${board.name}' has no network device under QEMU (board.json qemu.network)`);
  const hostfwd = forwards.map((f) => `,hostfwd=${f.protocol}:127.0.0.1:${f.hostPort}-:${f.guestPort}`).join("");
  return { machine: net.machine, args: ["-netdev", `user,id=${net.netdev}${hostfwd}`, ...net.args] };
}
