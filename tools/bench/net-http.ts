/**
 * What http_insns_per_request of `npm run bench` measures (tools/lib/net-bench.ts):
 * examples/http-server as it is, on a default network made first by net-http-setup.ts (imports
 * run in order).
 */
import "./net-http-setup.ts";
import "../../examples/http-server/main.ts";
