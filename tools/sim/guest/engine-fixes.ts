/**
 * Where quickjs-emscripten's QuickJS prints other results than Node and than our patched engine
 * (engine/patches/), the simulator's guest takes our engine's behaviour, so that an app prints the
 * same under `npm run sim` as under `npm run qemu`:
 * - Number.prototype.toString(radix) of a non-integer or an unsafe integer: V8's digits, as
 *   engine/src/dtoa-radix.c (fraction digits down to half the gap to the next double, half to
 *   even; integer digits beyond 2^53 as zeros);
 * - BigInt.asUintN of a negative value (that QuickJS returns it unchanged);
 * - Date's locale strings (date-locale.ts).
 */
import { installDateLocaleFix } from "./date-locale.ts";

const CHARS = "0123456789abcdefghijklmnopqrstuvwxyz";

function nextDouble(d: number): number {
  const v = new DataView(new ArrayBuffer(8));
  v.setFloat64(0, d);
  v.setBigUint64(0, v.getBigUint64(0) + 1n);
  return v.getFloat64(0);
}

export function radixString(value: number, radix: number): string {
  const negative = value < 0;
  if (negative) value = -value;
  let integer = Math.floor(value);
  let fraction = value - integer;
  let delta = Math.max(0.5 * (nextDouble(value) - value), nextDouble(0));
  let frac: number[] = [];
  if (fraction >= delta) {
    do {
      fraction *= radix;
      delta *= radix;
      const digit = Math.floor(fraction);
      frac.push(digit);
      fraction -= digit;
      if ((fraction > 0.5 || (fraction === 0.5 && (digit & 1) === 1)) && fraction + delta > 1) {
        // Round up, carrying through the digits already written.
        for (;;) {
          const last = frac.pop();
          if (last === undefined) {
            integer += 1;
            break;
          }
          if (last + 1 < radix) {
            frac.push(last + 1);
            break;
          }
        }
        break;
      }
    } while (fraction >= delta);
  }
  let int = "";
  while (integer / radix >= 9007199254740992) {
    integer /= radix;
    int = "0" + int;
  }
  do {
    const rem = integer % radix;
    int = CHARS[rem] + int;
    integer = (integer - rem) / radix;
  } while (integer > 0);
  const fracText = frac.length ? "." + frac.map((d) => CHARS[d]).join("") : "";
  return (negative ? "-" : "") + int + fracText;
}

export function installEngineFixes(): void {
  installDateLocaleFix();
  const toString = Number.prototype.toString;
  Object.defineProperty(Number.prototype, "toString", {
    value: function (this: number | Number, radix?: number): string {
      const x = typeof this === "number" ? this : Number.prototype.valueOf.call(this);
      const r = radix === undefined ? 10 : Math.trunc(Number(radix));
      if (r === 10 || !(r >= 2 && r <= 36) || !Number.isFinite(x) || Number.isSafeInteger(x)) return toString.call(this, radix);
      return radixString(x, r);
    },
    writable: true,
    configurable: true,
  });
  const asUintN = BigInt.asUintN;
  Object.defineProperty(BigInt, "asUintN", {
    value: function (bits: number, n: bigint): bigint {
      const r = asUintN(bits, n);
      if (r >= 0n) return r;
      const m = 1n << BigInt(Math.trunc(bits));
      return ((r % m) + m) % m;
    },
    writable: true,
    configurable: true,
  });
}
