// deploy_http_insns, the built-in app (tools/lib/deploy-http-bench.ts): as deploy-base.ts, but it
// marks the start of the measured span only after two seconds, by when the base's network is up
// (DHCP from slirp takes a few milliseconds), so that the span is the deploy's and not the boot's.
setTimeout(() => {
  performance.now();
  performance.now();
  console.log("bench-deploy waiting");
}, 2000);
