/**
 * One SSH connection, whatever carries its bytes: the transport (transport.ts), then
 * "ssh-userauth" (auth.ts) until a key is accepted, then "ssh-connection" (connection.ts). Node's
 * tests drive it over a socket; on the board server.ts puts it on a stacks/net TCP connection.
 */
import { UserAuth } from "./auth.ts";
import { ConnectionLayer, type SessionHandler } from "./connection.ts";
import type { AuthorizedKey, HostKey } from "./keys.ts";
import { SshTransport, type TransportHost } from "./transport.ts";

export interface ConnectionOptions {
  readonly hostKey: HostKey;
  readonly authorizedKeys: readonly AuthorizedKey[];
  readonly handler: SessionHandler;
  /** Told each login (user and the key's comment). */
  readonly onLogin?: (user: string, key: AuthorizedKey) => void;
}

export function sshConnection(host: TransportHost, options: ConnectionOptions): SshTransport {
  const transport = new SshTransport(host, options.hostKey);
  const send = (p: Uint8Array) => transport.send(p);
  const auth = new UserAuth(() => transport.id, options.authorizedKeys, send);
  let connection: ConnectionLayer | null = null;
  transport.onServiceRequest = (service) => service === "ssh-userauth";
  transport.upper = {
    handle(type, payload) {
      if (connection) {
        // RFC 4252 5.1: requests after success are ignored.
        if (type >= 50 && type < 80) return;
        connection.handle(type, payload);
        return;
      }
      const done = auth.handle(type, payload);
      if (done) {
        connection = new ConnectionLayer(done.user, options.handler, send);
        options.onLogin?.(done.user, done.key);
      }
    },
    ended() {
      connection?.ended();
    },
  };
  return transport;
}
