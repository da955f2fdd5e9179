/**
 * The network benches' random numbers (net-tcp.ts, net-http-setup.ts): xorshift32 (Marsaglia,
 * "Xorshift RNGs", 2003) from a fixed seed, cut to 24 bits. Fixed, so that every run does the
 * same; below 2^24, so that a TCP initial sequence number (stacks/net/tcp/tcp.ts newIss: random
 * plus 250 per clock millisecond) starts far below 2^31 on a clock counted from boot. QuickJS
 * holds an integer of 2^31 or more as a double, and every sequence-number operation on it takes
 * a slower path: a connection whose ISN lands there costs some 1 % more per KiB, which made the
 * figures flip between two values from run to run. The benches measure the int32 case, every
 * time. Never in a real firmware: its ISNs, ports and DNS ids must be unpredictable.
 */
let seed = 0x2545f491;

export function fixedRandom(): number {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 8) & 0xffffff;
}
