/**
 * The event-loop figures of `npm run bench`: a 1 s timer. The bench counts guest instructions
 * between the two performance.now() calls (the CPU should sleep in between: idle_insns_per_s)
 * and from the interrupt that ends the wait to the callback's first statement
 * (irq_latency_insns). performance.now() must not be called anywhere else in this app, and is
 * first called after setTimeout, which has already loaded the board's loop drivers.
 */
let start = 0;
setTimeout(() => {
  const end = performance.now();
  console.log(`bench-loop ${start} ${end}`);
}, 1000);
start = performance.now();
