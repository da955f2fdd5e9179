/**
 * `npm run deploy -- --to <url>` (docs/updates.md, "Over HTTP", "Over SSH"): where a unit goes
 * over the network. `http://host:port[/path]` PUTs it to the base's update endpoint (path
 * /update when none is given); `ssh://user@host[:port]` runs the base's `update` command with the
 * unit on standard input. Nothing else is taken, and nothing is searched for.
 */
import { UserError } from "./errors.ts";

export type DeployTo =
  | { readonly kind: "http"; readonly host: string; readonly port: number; readonly path: string; readonly url: string }
  | { readonly kind: "ssh"; readonly user: string; readonly host: string; readonly port: number; readonly url: string };

const HINT = "--to takes http://host:port[/path] or ssh://user@host[:port]";

export function parseDeployTo(text: string): DeployTo {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    throw new UserError(`${HINT}; got '${text}'`);
  }
  if (u.search || u.hash) throw new UserError(`--to ${text}: no query or fragment (${HINT})`);
  if (u.hostname === "") throw new UserError(`--to ${text}: no host (${HINT})`);
  const host = u.hostname.replace(/^\[(.*)\]$/, "$1");
  if (u.protocol === "http:") {
    if (u.username || u.password) throw new UserError(`--to ${text}: an http URL takes no user (the unit's signature is the authority)`);
    return { kind: "http", host, port: u.port ? Number(u.port) : 80, path: /^http:\/\/[^/]*$/i.test(text) ? "/update" : u.pathname, url: text };
  }
  if (u.protocol === "ssh:") {
    if (!u.username) throw new UserError(`--to ${text}: give the user, ssh://user@host:port`);
    if (u.password) throw new UserError(`--to ${text}: no password in the URL (the SSH server takes public keys only)`);
    if (u.pathname !== "" && u.pathname !== "/") throw new UserError(`--to ${text}: an ssh URL has no path`);
    return { kind: "ssh", user: decodeURIComponent(u.username), host, port: u.port ? Number(u.port) : 22, url: text };
  }
  if (u.protocol === "https:") throw new UserError(`--to ${text}: https is not taken yet (the base serves its endpoint over plain HTTP; the signature protects the unit)`);
  throw new UserError(`--to ${text}: unknown scheme ${u.protocol} (${HINT})`);
}
