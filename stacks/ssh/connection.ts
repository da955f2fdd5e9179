/**
 * The connection protocol (RFC 4254) for session channels: CHANNEL_OPEN "session" (6.1; any
 * other type is refused with UNKNOWN_CHANNEL_TYPE, 5.1), the requests pty-req (6.2), env
 * (6.4, ignored: refused when a reply is wanted), shell and exec (6.5), window-change (6.7);
 * data both ways under each side's window (5.2), EOF and CLOSE (5.3). Global requests
 * (OpenSSH's keepalives, hostkeys-00) are answered with REQUEST_FAILURE when a reply is wanted (4).
 */
import { SessionChannel, type SshSession } from "./channel.ts";
import { protocolError } from "./errors.ts";
import { Msg } from "./messages.ts";
import { SshReader, SshWriter } from "./wire.ts";

/** What the app serves on a session channel. */
export interface SessionHandler {
  /** A `shell` request: an interactive session (with a pty when the client asked for one). */
  shell?(session: SshSession): void;
  /** An `exec` request: run `command`, then session.exit(status). */
  exec?(session: SshSession, command: string): void;
}

/** Our receive window and maximum packet (RFC 4254 5.1): what we accept per channel before a WINDOW_ADJUST. */
export const LOCAL_WINDOW = 64 * 1024;
export const LOCAL_MAX_PACKET = 32 * 1024;
export const MAX_CHANNELS = 4;

const OPEN_FAILURE = { ADMINISTRATIVELY_PROHIBITED: 1, UNKNOWN_CHANNEL_TYPE: 3, RESOURCE_SHORTAGE: 4 } as const;

interface Local {
  channel: SessionChannel;
  /** What the client may still send before our next WINDOW_ADJUST. */
  window: number;
  eof: boolean;
}

export class ConnectionLayer {
  private readonly channels = new Map<number, Local>();
  private nextId = 0;

  constructor(
    private readonly user: string,
    private readonly handler: SessionHandler,
    private readonly send: (payload: Uint8Array) => void,
  ) {}

  handle(type: number, payload: Uint8Array): void {
    const r = new SshReader(payload);
    r.byte();
    switch (type) {
      case Msg.GLOBAL_REQUEST: {
        r.text("request name", 64);
        if (r.boolean("want reply")) this.send(new Uint8Array([Msg.REQUEST_FAILURE]));
        return;
      }
      case Msg.CHANNEL_OPEN:
        return this.open(r);
      case Msg.CHANNEL_WINDOW_ADJUST: {
        const local = this.channel(r);
        const bytes = r.uint32("bytes to add");
        r.end("CHANNEL_WINDOW_ADJUST");
        local.channel.grow(bytes);
        return;
      }
      case Msg.CHANNEL_DATA:
        return this.data(r, false);
      case Msg.CHANNEL_EXTENDED_DATA:
        return this.data(r, true);
      case Msg.CHANNEL_EOF: {
        const local = this.channel(r);
        r.end("CHANNEL_EOF");
        local.eof = true;
        this.callApp(local.channel, () => local.channel.onEof?.());
        return;
      }
      case Msg.CHANNEL_CLOSE: {
        const local = this.channel(r);
        r.end("CHANNEL_CLOSE");
        local.channel.closeChannel();
        this.channels.delete(local.channel.local);
        local.channel.dispose();
        return;
      }
      case Msg.CHANNEL_REQUEST:
        return this.request(r);
      case Msg.CHANNEL_SUCCESS:
      case Msg.CHANNEL_FAILURE:
      case Msg.REQUEST_SUCCESS:
      case Msg.REQUEST_FAILURE:
        // Answers to requests we never make with want_reply: nothing to do.
        return;
    }
    this.send(new SshWriter().byte(Msg.UNIMPLEMENTED).uint32(0).bytes());
  }

  /** The connection is over: every channel is gone. */
  ended(): void {
    for (const local of this.channels.values()) local.channel.dispose();
    this.channels.clear();
  }

  private channel(r: SshReader): Local {
    const id = r.uint32("recipient channel");
    const local = this.channels.get(id);
    if (!local) throw protocolError(`no channel ${id}`);
    return local;
  }

  private open(r: SshReader): void {
    const type = r.text("channel type", 64);
    const sender = r.uint32("sender channel");
    const window = r.uint32("initial window size");
    const maxPacket = r.uint32("maximum packet size");
    const fail = (code: number, text: string) => this.send(new SshWriter().byte(Msg.CHANNEL_OPEN_FAILURE).uint32(sender).uint32(code).string(text).string("").bytes());
    if (type !== "session") return fail(OPEN_FAILURE.UNKNOWN_CHANNEL_TYPE, `channel type ${type} is not served`);
    r.end("CHANNEL_OPEN session");
    if (this.channels.size >= MAX_CHANNELS) return fail(OPEN_FAILURE.RESOURCE_SHORTAGE, `at most ${MAX_CHANNELS} sessions`);
    if (maxPacket < 1) return fail(OPEN_FAILURE.ADMINISTRATIVELY_PROHIBITED, "maximum packet size 0");
    let id = this.nextId;
    while (this.channels.has(id)) id = (id + 1) >>> 0;
    this.nextId = (id + 1) >>> 0;
    // Our data packets carry 9 to 13 bytes of header: keep each under the client's maximum.
    const channel = new SessionChannel(this.user, id, sender, window, Math.max(1, Math.min(maxPacket, LOCAL_MAX_PACKET) - 16), this.send);
    this.channels.set(id, { channel, window: LOCAL_WINDOW, eof: false });
    this.send(new SshWriter().byte(Msg.CHANNEL_OPEN_CONFIRMATION).uint32(sender).uint32(id).uint32(LOCAL_WINDOW).uint32(LOCAL_MAX_PACKET).bytes());
  }

  private data(r: SshReader, extended: boolean): void {
    const local = this.channel(r);
    if (extended) r.uint32("data type code");
    const data = r.string("data");
    r.end("CHANNEL_DATA");
    if (local.eof) throw protocolError("data after EOF");
    if (data.length > LOCAL_MAX_PACKET) throw protocolError(`${data.length} bytes of data in one packet, more than the ${LOCAL_MAX_PACKET} agreed`);
    if (data.length > local.window) throw protocolError("data beyond the window");
    local.window -= data.length;
    // Extended data from a client (none is defined for sessions) is dropped, as OpenSSH does.
    if (!extended && !local.channel.closeSent) this.callApp(local.channel, () => local.channel.onData?.(data.slice()));
    // The data is consumed at once: open the window again once half of it is used.
    if (local.window < LOCAL_WINDOW / 2 && !local.channel.closed) {
      this.send(new SshWriter().byte(Msg.CHANNEL_WINDOW_ADJUST).uint32(local.channel.remote).uint32(LOCAL_WINDOW - local.window).bytes());
      local.window = LOCAL_WINDOW;
    }
  }

  private request(r: SshReader): void {
    const local = this.channel(r);
    const ch = local.channel;
    const type = r.text("request type", 64);
    const wantReply = r.boolean("want reply");
    let ok = false;
    switch (type) {
      case "pty-req": {
        const term = r.text("TERM", 64);
        const cols = r.uint32("columns");
        const rows = r.uint32("rows");
        r.uint32("width px");
        r.uint32("height px");
        r.string("terminal modes");
        r.end("pty-req");
        if (!ch.started && !ch.pty) {
          ch.pty = { term, cols, rows };
          ok = true;
        }
        break;
      }
      case "window-change": {
        const cols = r.uint32("columns");
        const rows = r.uint32("rows");
        r.uint32("width px");
        r.uint32("height px");
        r.end("window-change");
        if (ch.pty) {
          ch.pty.cols = cols;
          ch.pty.rows = rows;
          this.callApp(ch, () => ch.onResize?.(cols, rows));
        }
        return; // RFC 4254 6.7: want reply is FALSE
      }
      case "shell":
        r.end("shell");
        if (!ch.started && this.handler.shell) {
          ch.started = true;
          ok = true;
          this.reply(ch, wantReply, true);
          this.callApp(ch, () => this.handler.shell!(ch));
          return;
        }
        break;
      case "exec": {
        const command = r.text("command", 4096);
        r.end("exec");
        if (!ch.started && this.handler.exec) {
          ch.started = true;
          this.reply(ch, wantReply, true);
          this.callApp(ch, () => this.handler.exec!(ch, command));
          return;
        }
        break;
      }
      // env (6.4) and every other request (subsystem, x11-req, auth-agent-req, signals) are refused.
    }
    this.reply(ch, wantReply, ok);
  }

  private reply(ch: SessionChannel, wantReply: boolean, ok: boolean): void {
    if (wantReply) this.send(new SshWriter().byte(ok ? Msg.CHANNEL_SUCCESS : Msg.CHANNEL_FAILURE).uint32(ch.remote).bytes());
  }

  /** The app's handler or callback: an exception from it ends this session with status 1, not the connection. */
  private callApp(ch: SessionChannel, f: () => void): void {
    try {
      f();
    } catch (e) {
      ch.writeError(`${e instanceof Error ? e.message : String(e)}\r\n`);
      ch.exit(1);
    }
  }
}
