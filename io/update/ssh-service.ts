/**
 * The SSH update command of an updatable base built with --update-ssh (docs/updates.md, "Over
 * SSH"; tools/lib/update-base.ts passes the port, the host key and the authorized keys as --define
 * strings): serveSsh() with io/update/ssh.ts as the session handler. Imported by the base's entry
 * before the agent, as io/update/http-service.ts is.
 */
import { network, serveSsh } from "../index.ts";
import { updateSshSession } from "./ssh.ts";
import { addTransport } from "./service.ts";

declare const UPDATE_SSH_PORT: string;
declare const UPDATE_SSH_HOST_KEY: string;
declare const UPDATE_SSH_AUTHORIZED_KEYS: string;

const port = Number(UPDATE_SSH_PORT);
try {
  const server = serveSsh({ port, hostKey: UPDATE_SSH_HOST_KEY, authorizedKeys: UPDATE_SSH_AUTHORIZED_KEYS, session: updateSshSession() });
  // A switch waits for the answer that accepted the unit to be through (io/update/service.ts).
  addTransport(() => server.connections);
  sayWhere();
} catch (e) {
  // A board without a random source, say: the console line still takes units.
  console.log(`update: the SSH update command cannot start: ${e instanceof Error ? e.message : String(e)}`);
}

function sayWhere(): void {
  network().then(
    (net) => console.log(`update: ssh -p ${port} <user>@${net.address} update < app.unit`),
    (e: unknown) => console.log(`update: no network for the SSH update command: ${e instanceof Error ? e.message : String(e)}`),
  );
}
