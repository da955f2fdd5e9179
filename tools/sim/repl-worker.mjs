// The worker thread of `npm run repl -- --sim` (tools/sim/repl.ts): TypeScript through tsx, as
// bin/tsmetal.mjs loads the CLI (a worker does not inherit the main thread's loader hooks).
import { register } from "tsx/esm/api";

register();
await import("./repl-worker.ts");
