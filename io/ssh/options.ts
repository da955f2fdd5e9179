/**
 * serveSsh()'s options (the "tsmetal" API) checked and turned into stacks/ssh's: an unknown or
 * ill-typed option is a TypeError, a bad value a RangeError, naming it (as io/net/check.ts does
 * for the sockets); a host key or an authorized key that does not parse is a TypeError saying why.
 */
import type { SessionHandler } from "../../stacks/ssh/connection.ts";
import { hostKey as parseHostKey, parseAuthorizedKeys, type AuthorizedKey, type HostKey } from "../../stacks/ssh/keys.ts";
import { shellHandler } from "../../stacks/ssh/shell.ts";
import { commandShell, type Commands } from "../shell.ts";

export type { SshSession } from "../../stacks/ssh/channel.ts";
export type { SessionHandler } from "../../stacks/ssh/connection.ts";

/** Options of serveSsh(): the port, the host key, the keys allowed in, and the commands or session handler. */
export interface ServeSshOptions {
  /** TCP port (default 22). */
  readonly port?: number;
  /** The ssh-ed25519 host key: PKCS#8 (PEM or one line of base64, `npm run ssh-keys`), an unencrypted OpenSSH private key, or the 32-byte seed. */
  readonly hostKey: string | Uint8Array;
  /** authorized_keys text or lines: the ssh-ed25519 keys that may log in (any user name). */
  readonly authorizedKeys: string | readonly string[];
  /** The commands a shell or exec runs (the serial shell's table, io/shell.ts). Either this or `session`. */
  readonly commands?: Commands;
  /** The shell's prompt (default "> "). */
  readonly prompt?: string;
  /** Printed when a shell session starts. */
  readonly banner?: string;
  /** Serve sessions yourself instead of a command table. */
  readonly session?: SessionHandler;
  /** Connections at once (default 4; more are closed). */
  readonly maxConnections?: number;
  /** Time to authenticate before the connection is dropped (default 60000 ms). */
  readonly loginTimeoutMs?: number;
  /** Told each login: the user name and the accepted key's comment. */
  readonly onLogin?: (user: string, keyComment: string) => void;
  /** Told each connection's end and why (a disconnect and its reason, the client's, TCP's). */
  readonly onEnd?: (reason: string) => void;
}

export interface CheckedSshOptions {
  readonly port: number;
  readonly hostKey: HostKey;
  readonly authorizedKeys: readonly AuthorizedKey[];
  readonly handler: SessionHandler;
  readonly maxConnections: number;
  readonly loginTimeoutMs: number;
  readonly onLogin?: (user: string, key: AuthorizedKey) => void;
  readonly onEnd?: (reason: string) => void;
}

const KEYS = ["port", "hostKey", "authorizedKeys", "commands", "prompt", "banner", "session", "maxConnections", "loginTimeoutMs", "onLogin", "onEnd"] as const;

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? value.slice(0, 40) + "…" : value);
  return typeof value === "number" || typeof value === "boolean" ? String(value) : typeof value;
}

function integer(o: Record<string, unknown>, name: string, fallback: number, min: number, max: number): number {
  const v = o[name];
  if (v === undefined) return fallback;
  if (typeof v !== "number") throw new TypeError(`serveSsh: ${name} must be a number, not ${describe(v)}`);
  if (!Number.isInteger(v) || v < min || v > max) throw new RangeError(`serveSsh: ${name} must be an integer ${min}..${max}, not ${v}`);
  return v;
}

export function checkSshOptions(input: unknown): CheckedSshOptions {
  if (input === null || typeof input !== "object" || Array.isArray(input)) throw new TypeError(`serveSsh: options must be an object ({ hostKey, authorizedKeys, commands }), not ${describe(input)}`);
  const o = input as Record<string, unknown>;
  for (const key of Object.keys(o)) if (!(KEYS as readonly string[]).includes(key)) throw new TypeError(`serveSsh: unknown option "${key}" (options: ${KEYS.join(", ")})`);
  const port = integer(o, "port", 22, 1, 65535);
  const maxConnections = integer(o, "maxConnections", 4, 1, 32);
  const loginTimeoutMs = integer(o, "loginTimeoutMs", 60_000, 1000, 3600_000);
  if (o.hostKey === undefined) throw new TypeError("serveSsh: hostKey is required (npm run ssh-keys makes one; docs/security.md#ssh)");
  if (typeof o.hostKey !== "string" && !(o.hostKey instanceof Uint8Array)) throw new TypeError(`serveSsh: hostKey must be a string or a Uint8Array, not ${describe(o.hostKey)}`);
  const hostKey = parseHostKey(o.hostKey);
  const ak = o.authorizedKeys;
  if (typeof ak !== "string" && !(Array.isArray(ak) && ak.every((l) => typeof l === "string"))) throw new TypeError(`serveSsh: authorizedKeys must be a string or an array of strings, not ${describe(ak)}`);
  const authorizedKeys = parseAuthorizedKeys(ak as string | string[]);
  if (authorizedKeys.length === 0) throw new RangeError("serveSsh: authorizedKeys holds no key: nobody could log in");
  for (const name of ["prompt", "banner"] as const) if (o[name] !== undefined && typeof o[name] !== "string") throw new TypeError(`serveSsh: ${name} must be a string, not ${describe(o[name])}`);
  for (const name of ["onLogin", "onEnd"] as const) if (o[name] !== undefined && typeof o[name] !== "function") throw new TypeError(`serveSsh: ${name} must be a function, not ${describe(o[name])}`);
  if ((o.commands === undefined) === (o.session === undefined)) throw new TypeError("serveSsh: give exactly one of commands (a command table) and session (your own handler)");
  let handler: SessionHandler;
  if (o.commands !== undefined) {
    const c = o.commands;
    if (c === null || typeof c !== "object" || Object.values(c).some((cmd) => cmd === null || typeof cmd !== "object" || typeof (cmd as { run?: unknown }).run !== "function")) {
      throw new TypeError("serveSsh: commands must be an object of { usage, help, run(args, print) } (io/shell.ts)");
    }
    handler = shellHandler(commandShell(c as Commands), { prompt: o.prompt as string | undefined, banner: o.banner as string | undefined });
  } else {
    const s = o.session;
    if (s === null || typeof s !== "object" || !["shell", "exec"].some((k) => typeof (s as Record<string, unknown>)[k] === "function")) {
      throw new TypeError("serveSsh: session must be an object with shell(session) and/or exec(session, command)");
    }
    handler = s as SessionHandler;
  }
  const onLogin = o.onLogin as ServeSshOptions["onLogin"];
  return {
    port,
    hostKey,
    authorizedKeys,
    handler,
    maxConnections,
    loginTimeoutMs,
    onLogin: onLogin ? (user, key) => onLogin(user, key.comment) : undefined,
    onEnd: o.onEnd as ServeSshOptions["onEnd"],
  };
}
