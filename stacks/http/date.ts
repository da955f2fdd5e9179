/** RFC 9110 section 5.6.7: the IMF-fixdate form of an HTTP date ("Sun, 06 Nov 1994 08:49:37 GMT"). */
const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

const two = (n: number) => String(n).padStart(2, "0");

export function imfFixdate(msSinceEpoch: number): string {
  const d = new Date(msSinceEpoch);
  if (Number.isNaN(d.getTime())) throw new RangeError(`not a time: ${msSinceEpoch}`);
  return `${DAYS[d.getUTCDay()]}, ${two(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${String(d.getUTCFullYear()).padStart(4, "0")} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} GMT`;
}
