/**
 * A stack trace as the target prints it (engine/src/report.c print_stack): without the guest
 * runtime's frames, and a stack overflow's thousands of frames become the first 8, a line saying
 * how many were left out, and the last 4.
 */
const FRAMES_FIRST = 8;
const FRAMES_LAST = 4;

export function elideFrames(stack: string): string {
  const lines = stack.split("\n");
  const trailing = lines[lines.length - 1] === "" ? lines.pop() : undefined;
  if (lines.length <= FRAMES_FIRST + FRAMES_LAST + 1) return stack;
  const elided = lines.length - FRAMES_FIRST - FRAMES_LAST;
  const kept = [
    ...lines.slice(0, FRAMES_FIRST),
    `    ... ${elided} frames elided ...`,
    ...lines.slice(lines.length - FRAMES_LAST),
  ];
  return kept.join("\n") + (trailing !== undefined ? "\n" : "");
}

const RUNTIME_FRAME = "(tsmetal-sim-runtime.js:";

/**
 * Drops the guest runtime's frames (tools/sim/guest/: the engine's C code on the target) and the
 * Reflect.apply / Reflect.construct frame through which the runtime called back into the
 * firmware (the Proxy of a tracked async function, tools/sim/async-tracking.ts).
 */
export function hideRuntimeFrames(stack: string): string {
  const lines = stack.split("\n");
  return lines
    .filter((l, i) => !l.includes(RUNTIME_FRAME) && !(/^\s+at (apply|construct) \(native\)$/.test(l) && lines[i + 1]?.includes(RUNTIME_FRAME)))
    .join("\n");
}
