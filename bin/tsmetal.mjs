#!/usr/bin/env node
// Launcher for the TypeScript CLI (tools/cli.ts) through tsx, so firmware projects made with
// `npm run new` can call tsmetal from their own package.json scripts.
import { register } from "tsx/esm/api";

register();
await import(new URL("../tools/cli.ts", import.meta.url).href);
