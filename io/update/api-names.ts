/**
 * What an updatable base offers a deployed app as "tsmetal" (docs/updates.md, the section on
 * what an app unit may use): the names the agent publishes (io/update/app-api.ts) and the host's bundler lets
 * an app unit import (tools/lib/app-unit.ts); any other import is refused when the unit is built.
 * The network, SSH and Canvas are left out: they would put their units (hundreds of KiB) in every
 * updatable base, over the pizero's image limit.
 */
export const APP_API_NAMES = [
  "board",
  "ByteRing",
  "Serial",
  "DEFAULT_SERIAL_BUFFER_SIZE",
  "LineReader",
  "registerBoard",
  "serialOpener",
  "Digital",
  "commandShell",
  "helpLines",
  "COMMAND_NOT_FOUND",
  "update",
] as const;

export type AppApiName = (typeof APP_API_NAMES)[number];
