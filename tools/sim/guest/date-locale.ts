/**
 * Date.prototype.toLocaleString, toLocaleDateString and toLocaleTimeString as the engine prints
 * them (engine/patches/0008-date-locale-strings.patch): Node's en-US form, local time being UTC
 * on every board; quickjs-emscripten's QuickJS pads with zeros ("01/01/2000, 09:05:07 AM").
 * Arguments (locales, options) are ignored, as the engine, which has no Intl, ignores them.
 */
function datePart(d: Date): string {
  const y = d.getUTCFullYear();
  // The year of the era, as Node's en-US (1 BC is 1).
  return `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${y > 0 ? y : 1 - y}`;
}

function timePart(d: Date): string {
  const h = d.getUTCHours();
  const two = (n: number) => String(n).padStart(2, "0");
  return `${((h + 11) % 12) + 1}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} ${h < 12 ? "AM" : "PM"}`;
}

function define(name: "toLocaleString" | "toLocaleDateString" | "toLocaleTimeString", format: (d: Date) => string): void {
  const getTime = Date.prototype.getTime;
  Object.defineProperty(Date.prototype, name, {
    value: {
      [name](this: Date): string {
        // getTime throws the TypeError for a non-Date `this`, as the engine's method does.
        return Number.isNaN(getTime.call(this)) ? "Invalid Date" : format(this);
      },
    }[name],
    writable: true,
    configurable: true,
  });
}

export function installDateLocaleFix(): void {
  define("toLocaleString", (d) => `${datePart(d)}, ${timePart(d)}`);
  define("toLocaleDateString", datePart);
  define("toLocaleTimeString", timePart);
}
