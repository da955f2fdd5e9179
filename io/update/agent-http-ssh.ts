/**
 * The app of an updatable base built with --update-http and --update-ssh: the HTTP update
 * endpoint and the SSH update command, then the update agent (tools/lib/update-base.ts picks this
 * entry). One entry per set of transports, so a base carries the network units it serves and no
 * other. The services come first: they listen from boot and reach the agent
 * through io/update/service.ts when a unit arrives.
 */
import "./http-service.ts";
import "./ssh-service.ts";
import "./agent.ts";
