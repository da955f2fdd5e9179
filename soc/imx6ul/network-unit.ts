/**
 * The i.MX6UL/ULL boards' Ethernet: the image unit "network", which board().network() loads the
 * first time it is called (tools/lib/units.ts puts it in an image only when the app names
 * `network`), so a firmware that does not use the network pays nothing at boot.
 *
 * Which ENET and PHY are the board's are board.json facts (config enet: 1 or 2, enetPhy: the
 * PHY's MDIO address, tried first; when no PHY answers there the driver finds it at another and
 * this logs which); a board without them (the USB armory Mk II, an i.MX6ULZ: no ENET) has no
 * network and network() says so. The ENET's interrupt (IMX6ULLRM Table 3-1: ENET1 118, ENET2
 * 120, GIC IDs 150 and 152) drives reception and transmit completion; the PHY is polled from a
 * timer (drivers/net/imx-enet.ts: no PHY interrupt, QEMU models none), once a second.
 *
 * What QEMU's mcimx6ul-evk does not need and real boards do (docs/boards/usbarmory-mk2.md,
 * "Network"): the ENET clock gates and reference clock (CCM, CCM_ANALOG_PLL_ENET), the pads'
 * IOMUX and the PHY's reset line. They are not programmed here yet.
 */
import { barrier, dma, irq } from "hal";
import { config, name } from "tsmetal:board";
import "../../hal/mmio-bus.ts";
import { ImxEnet } from "../../drivers/net/imx-enet.ts";
import type { FoundPhy } from "../../drivers/net/mii-phy.ts";
import { ImxOcotp, OCOTP_MAC0, OCOTP_MAC1 } from "../../drivers/otp/imx-ocotp.ts";
import { IMX6UL_OCOTP_BASE } from "./imx6ul.ts";

/** ENET1 and ENET2 (IMX6ULLRM 2.2 "Memory map": ENET1 0x02188000, ENET2 0x020B4000). */
const ENET_BASES = [0x0218_8000, 0x020b_4000] as const;
/** Their MAC interrupts as GIC IDs (SPI 118 and 120, IMX6ULLRM Table 3-1, plus 32). */
const ENET_IRQS = [150, 152] as const;
/** How often the PHY's link is polled (a PHY takes seconds to negotiate). */
const LINK_POLL_MS = 1000;

/** What QEMU needs for a network device on this family (docs/boards/usbarmory-mk2.md, "Network"). */
export const NO_NETWORK_HINT = `run with --forward (npm run qemu -- --board ${name} --forward tcp:8080:80), or give QEMU -nic user,model=imx.enet`;

/**
 * The interface's MAC address: the ENET's fuses when programmed (a unicast address, not zero);
 * else a locally administered one made from the SoC's unique ID, so that two unfused boards on
 * one LAN differ. QEMU's fuses read zero.
 */
function macAddress(port: 1 | 2): Uint8Array {
  const ocotp = new ImxOcotp({ base: IMX6UL_OCOTP_BASE });
  // MAC0 is ENET1's low 32 bits, MAC1's low half its high 16; MAC1's high half is ENET2's low 16
  // bits and MAC2 its high 32 (fuse words 0x22-0x24, as U-Boot's imx_get_mac_from_fuse reads them).
  const bytes = (w: number) => [w >>> 24, (w >>> 16) & 0xff, (w >>> 8) & 0xff, w & 0xff];
  const mac0 = bytes(ocotp.read(OCOTP_MAC0)), mac1 = bytes(ocotp.read(OCOTP_MAC1));
  const mac = port === 1 ? [...mac1.slice(2), ...mac0] : [...bytes(ocotp.read(OCOTP_MAC1 + 1)), ...mac1.slice(0, 2)];
  const fused = mac.some((b) => b !== 0) && (mac[0] & 1) === 0;
  if (fused) return Uint8Array.from(mac);
  const id = ocotp.uniqueId();
  // 0x02: locally administered, unicast (IEEE 802 8.2.2); then the unique ID's two 32-bit halves
  // XORed, then the port.
  const out = [0x02, 0, 0, 0, 0, port];
  for (let i = 0; i < 4; i++) out[1 + i] = parseInt(id.slice(8 + 2 * i, 10 + 2 * i), 16) ^ parseInt(id.slice(2 * i, 2 + 2 * i), 16);
  return Uint8Array.from(out);
}

/** board.json config.enet and config.enetPhy, checked. */
function enetFacts(): { port: 1 | 2; phy: number } {
  const port = config.enet, phy = config.enetPhy;
  if (port === undefined) {
    throw new Error(`board "${name}": no network device (boards/${name}/board.json names no ENET: this board has no Ethernet)`);
  }
  if ((port !== 1 && port !== 2) || typeof phy !== "number" || !Number.isInteger(phy) || phy < 0 || phy > 31) {
    throw new RangeError(`boards/${name}/board.json: config.enet must be 1 or 2 and config.enetPhy the PHY's MDIO address (0-31), not ${String(port)} and ${String(phy)}`);
  }
  return { port, phy };
}

/**
 * Starts and returns the board's ENET, its interrupt handled from the event loop and its link
 * polled once now (QEMU's PHY is up at once) and then every LINK_POLL_MS. Throws an Error naming
 * what is missing when the board has no ENET or QEMU gave it no network device.
 */
export function openNetwork(): ImxEnet {
  const { port, phy } = enetFacts();
  // QEMU 7.2's mcimx6ul-evk puts ENET2's PHY at MDIO address 1, the USB armory Mk II LAN has its
  // PHY at 0: the driver finds it, and the log says board.json's fact was not the bus's.
  const onPhyFound = (found: FoundPhy, configured: number) =>
    console.warn(`ENET${port}: no PHY at MDIO address ${configured} (boards/${name}/board.json config.enetPhy); using the PHY at ${found.address} (identifier 0x${found.id.toString(16).padStart(8, "0")})`);
  const nic = new ImxEnet({ base: ENET_BASES[port - 1], dma, barrier: () => barrier.dsb(), mac: macAddress(port), phyAddress: phy, onPhyFound });
  try {
    nic.init();
  } catch (e) {
    throw new Error(`board "${name}": no network device on ENET${port} (${e instanceof Error ? e.message : String(e)}): ${NO_NETWORK_HINT}`);
  }
  irq.on(ENET_IRQS[port - 1], () => nic.onInterrupt());
  nic.pollLink();
  setInterval(() => nic.pollLink(), LINK_POLL_MS);
  return nic;
}
