/**
 * HTTPS on port 443 and SSH on port 22 of the board's network (DHCP), with no C in either path:
 * TLS 1.3 (stacks/tls) under the HTTP server, and the SSH server (stacks/ssh) serving the shell
 * of examples/shell. Keys are made on the host and given at build time (README.md).
 *
 *   npm run qemu -- --board microvm --app examples/secure-services/main.ts \
 *     --forward tcp:8443:443 --forward tcp:2222:22 --define TLS_CERT=… --define TLS_KEY=… \
 *     --define SSH_HOST_KEY=… --define SSH_AUTHORIZED_KEYS=…
 *   curl --cacert ~/.config/tsmetal/tls/tls-cert.pem https://localhost:8443/
 *   ssh -p 2222 me@127.0.0.1 uptime
 */
import { board, network, serve, serveSsh } from "tsmetal";
import { mem } from "hal";
import { COMMANDS } from "../shell/commands.ts";

/** From `--define` (tools/lib/defines.ts): `npm run tls-keys` and `npm run ssh-keys` print them. */
declare const TLS_CERT: string;
declare const TLS_KEY: string;
declare const SSH_HOST_KEY: string;
declare const SSH_AUTHORIZED_KEYS: string;

if (typeof TLS_CERT === "undefined" || typeof TLS_KEY === "undefined" || typeof SSH_HOST_KEY === "undefined" || typeof SSH_AUTHORIZED_KEYS === "undefined") {
  throw new Error("build with --define TLS_CERT=… TLS_KEY=… SSH_HOST_KEY=… SSH_AUTHORIZED_KEYS=… (npm run tls-keys and npm run ssh-keys print them)");
}

async function main(): Promise<void> {
  const net = await network();
  const name = board().name;
  const https = serve(
    {
      port: 443,
      tls: { cert: TLS_CERT, key: TLS_KEY },
      onListen: ({ port }) => console.log(`https: listening on ${net.address} port ${port}`),
    },
    (req) => {
      const path = new URL(req.url).pathname;
      if (path === "/") return new Response(`tsmetal on ${name}, over TLS 1.3\n`);
      if (path === "/status") return Response.json({ board: name, uptimeMs: Math.round(performance.now()), heap: mem.stats(), https: https.stats });
      return new Response("not found\n", { status: 404 });
    },
  );
  serveSsh({
    port: 22,
    hostKey: SSH_HOST_KEY,
    authorizedKeys: SSH_AUTHORIZED_KEYS,
    commands: COMMANDS,
    banner: `tsmetal shell on ${name}; type help, Ctrl-D to leave`,
    onLogin: (user) => console.log(`ssh: ${user} logged in`),
  });
  console.log(`ssh: listening on ${net.address} port 22`);
}

main().catch((e: unknown) => {
  console.log(`secure-services: ${e instanceof Error ? e.message : String(e)}`);
  throw e;
});
