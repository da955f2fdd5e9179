/**
 * The HTTP update endpoint of an updatable base built with --update-http (docs/updates.md, "Over
 * HTTP"; tools/lib/update-base.ts passes the port and path as --define strings): serve() on the
 * board's default network with io/update/http.ts as the handler. Imported by the base's entry
 * (io/update/agent-http.ts) before the agent: it starts again with every boot, soft restarts
 * included, and looks the agent up only when a unit arrives (io/update/service.ts).
 */
import { mem } from "hal";
import { network, serve } from "../index.ts";
import { updateHttpHandler } from "./http.ts";
import { addTransport, unitLimit } from "./service.ts";
import { MAX_UNIT_BODY, UNIT_HEADER_SIZE } from "./unit.ts";

declare const UPDATE_HTTP_PORT: string;
declare const UPDATE_HTTP_PATH: string;

const port = Number(UPDATE_HTTP_PORT);
try {
  // The server refuses a Content-Length over the limit with a 413 before it reads a byte of body.
  const server = serve(
    { port, limits: { maxBodyBytes: unitLimit(mem.stats(), MAX_UNIT_BODY, UNIT_HEADER_SIZE) } },
    updateHttpHandler({ path: UPDATE_HTTP_PATH, Response }),
  );
  // A switch waits for the answer that accepted the unit to be through (io/update/service.ts).
  addTransport(() => server.connections);
  sayWhere();
} catch (e) {
  // No network device, say: the console line still takes units.
  console.log(`update: the HTTP update endpoint cannot start: ${e instanceof Error ? e.message : String(e)}`);
}

function sayWhere(): void {
  network().then(
    (net) => console.log(`update: PUT http://${net.address}:${port}${UPDATE_HTTP_PATH}`),
    (e: unknown) => console.log(`update: no network for the HTTP update endpoint: ${e instanceof Error ? e.message : String(e)}`),
  );
}
