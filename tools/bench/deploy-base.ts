// deploy_insns, the built-in app (tools/lib/deploy-bench.ts): marks the start of the measured
// span with performance.now() (the first call may bring up the clock, so the span starts at the
// second) and waits, doing nothing, for the deploy.
performance.now();
performance.now();
console.log("bench-deploy waiting");
