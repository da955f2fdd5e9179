/**
 * The update command over SSH (docs/updates.md, "Over SSH"): `ssh -p N user@device update < app.unit`.
 * An exec request (RFC 4254 6.5) rather than a subsystem: OpenSSH's client runs it with nothing but
 * the command line, the SSH stack already serves exec (stacks/ssh/connection.ts refuses
 * subsystems), and the answer is the command's output and exit status, which every SSH client
 * and script understands. Publickey login (the stack's only method) still decides who may
 * connect; the unit's signature decides what runs.
 *
 * The unit arrives on the channel's standard input. Its header says how long it is, so the
 * collector allocates exactly that once the header is in and refuses at once a unit over the
 * base's limit or bytes beyond the announced length; EOF before the end is a truncated transfer.
 * The verdict: `accepted <version>` on stdout and exit 0, or `refused: <why>` on stderr and exit 1
 * (2 for a command other than `update`).
 */
import type { SessionHandler } from "../../stacks/ssh/connection.ts";
import type { SshSession } from "../../stacks/ssh/channel.ts";
import { peekBodyLength, UNIT_HEADER_SIZE } from "./unit.ts";
import { updateService, type UpdateService } from "./service.ts";

export type CollectorState =
  | { readonly kind: "more" }
  | { readonly kind: "refused"; readonly why: string }
  | { readonly kind: "complete"; readonly unit: Uint8Array };

/** A unit read from a byte stream, bounded by its own header and by `maxBytes`. */
export class UnitCollector {
  private head = new Uint8Array(UNIT_HEADER_SIZE);
  private buf: Uint8Array | undefined;
  private received = 0;
  private failed: string | undefined;

  constructor(private readonly maxBytes: number) {}

  /** More bytes of the stream; "refused" once they cannot be a unit this base takes. */
  push(data: Uint8Array): CollectorState {
    if (this.failed !== undefined) return { kind: "refused", why: this.failed };
    let at = 0;
    if (!this.buf) {
      const n = Math.min(UNIT_HEADER_SIZE - this.received, data.length);
      this.head.set(data.subarray(0, n), this.received);
      this.received += n;
      at = n;
      if (this.received < UNIT_HEADER_SIZE) return { kind: "more" };
      // The length field is only read here; the header's own CRC is checked with the rest.
      const total = UNIT_HEADER_SIZE + (peekBodyLength(this.head) ?? 0);
      if (total > this.maxBytes) return this.fail(`unit of ${total} bytes exceeds this base's limit of ${this.maxBytes}`);
      this.buf = new Uint8Array(total);
      this.buf.set(this.head);
    }
    const rest = data.length - at;
    if (this.received + rest > this.buf.length) return this.fail(`more than the ${this.buf.length} bytes the unit header announces`);
    this.buf.set(data.subarray(at), this.received);
    this.received += rest;
    return { kind: "more" };
  }

  /** The end of the stream: the whole unit, or why not. */
  end(): CollectorState {
    if (this.failed !== undefined) return { kind: "refused", why: this.failed };
    const total = this.buf?.length ?? UNIT_HEADER_SIZE;
    if (!this.buf || this.received < total) return this.fail(`truncated transfer: ${this.received} of ${this.buf ? total : `at least ${UNIT_HEADER_SIZE}`} bytes arrived`);
    return { kind: "complete", unit: this.buf };
  }

  private fail(why: string): CollectorState {
    this.failed = why;
    this.buf = undefined;
    return { kind: "refused", why };
  }
}

/** The name of the exec command. */
export const UPDATE_COMMAND = "update";

/** serveSsh()'s `session`: exec `update` receives a unit on stdin; no shell is offered. */
export function updateSshSession(service: () => UpdateService = updateService): SessionHandler {
  return {
    exec(session: SshSession, command: string): void {
      if (command.trim() !== UPDATE_COMMAND) {
        session.writeError(`unknown command ${JSON.stringify(command)}: this server takes "${UPDATE_COMMAND}", with the app unit on standard input\n`);
        session.exit(2);
        return;
      }
      const s = service();
      const collector = new UnitCollector(s.maxUnitBytes);
      let done = false;
      const refuse = (why: string): void => {
        done = true;
        session.writeError(`refused: ${why}\n`);
        session.exit(1);
      };
      session.onData = (data) => {
        if (done) return;
        const r = collector.push(data);
        if (r.kind === "refused") refuse(r.why);
      };
      session.onEof = () => {
        if (done) return;
        const r = collector.end();
        if (r.kind !== "complete") return refuse(r.kind === "refused" ? r.why : "incomplete");
        const v = s.offer(r.unit);
        if (!v.ok) return refuse(v.why);
        done = true;
        session.write(`accepted ${v.version}\n`);
        session.exit(0);
      };
    },
  };
}
