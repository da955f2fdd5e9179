#!/usr/bin/env node
// npm run setup: installs the Debian packages tsmetal needs (only the missing ones, with
// --no-install-recommends) and then the npm dependencies with `npm ci`. Plain JavaScript with no
// dependencies, because it runs before node_modules exists. Idempotent.
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";

const root = new URL("..", import.meta.url).pathname;
const { packages } = JSON.parse(readFileSync(`${root}/ci/apt-packages.json`, "utf8"));

function installed(pkg) {
  const r = spawnSync("dpkg-query", ["-W", "-f=${Status}", pkg], { encoding: "utf8" });
  return r.status === 0 && r.stdout.includes("install ok installed");
}

function run(cmd, args, env = {}) {
  console.log(`setup: ${cmd} ${args.join(" ")}`);
  execFileSync(cmd, args, { stdio: "inherit", env: { ...process.env, ...env } });
}

if (spawnSync("dpkg-query", ["--version"]).status !== 0) {
  console.error("setup: dpkg-query not found: tsmetal's setup needs a Debian (bookworm) machine.");
  process.exit(1);
}
const missing = packages.filter((p) => !installed(p));
if (missing.length === 0) {
  console.log(`setup: all ${packages.length} Debian packages present`);
} else {
  console.log(`setup: installing missing Debian packages: ${missing.join(" ")}`);
  const sudo = process.getuid && process.getuid() !== 0 ? ["sudo"] : [];
  const apt = (args) =>
    sudo.length ? run("sudo", ["apt-get", ...args], { DEBIAN_FRONTEND: "noninteractive" })
                : run("apt-get", args, { DEBIAN_FRONTEND: "noninteractive" });
  apt(["update"]);
  apt(["install", "-y", "--no-install-recommends", ...missing]);
}
run("npm", ["ci", "--no-audit", "--no-fund"], {});
console.log("setup: done. Try `npm run qemu`.");
