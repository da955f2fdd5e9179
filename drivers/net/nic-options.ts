/** Checks of the options the descriptor-ring NIC drivers (imx-enet.ts, cadence-gem.ts) share; `owner` names the driver in errors. */

/** A copy of `mac` once it is a usable station address: 6 bytes, unicast, not all zeros (IEEE 802 48-bit MAC). */
export function checkMac(owner: string, mac: Uint8Array): Uint8Array {
  if (!(mac instanceof Uint8Array) || mac.length !== 6) throw new RangeError(`${owner}: the MAC address must be 6 bytes`);
  if (mac[0] & 1) throw new RangeError(`${owner}: the MAC address is a multicast address (bit 0 of byte 0 set)`);
  if ((mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]) === 0) throw new RangeError(`${owner}: the MAC address is all zeros`);
  return mac.slice();
}

/** A descriptor ring's size: 16 when not given, else a whole number of 2 to `max` descriptors. */
export function ringSize(owner: string, n: number | undefined, what: string, max: number): number {
  if (n === undefined) return 16;
  if (!(n >>> 0 === n && n >= 2 && n <= max)) throw new RangeError(`${owner}: ${what} ${n} is not 2-${max} descriptors`);
  return n;
}
