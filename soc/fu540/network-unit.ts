/**
 * The FU540's network device: the image unit "network", which board().network() loads the first
 * time it is called (tools/lib/units.ts puts it in an image only when the app names `network`),
 * so a firmware that does not use the network pays nothing at boot.
 *
 * The Cadence GEM at 0x10090000, PLIC source 53 (FU540-C000 Manual v1p0, chapter 5 and 10.1,
 * Table 47), its PHY at MDIO address 0 (QEMU's sifive_u: hw/riscv/sifive_u.c sets the GEM's
 * phy-addr to 0). Its MAC address is what SA1B/SA1T hold at reset: QEMU loads them from the
 * NIC's macaddr (hw/net/cadence_gem.c, gem_reset), as a boot loader does on the hardware.
 * The PHY has no interrupt line: its link is polled once a second from a timer.
 */
import { barrier, dma, irq } from "hal";
import { name } from "tsmetal:board";
import "../../hal/mmio-bus.ts";
import { CADENCE_GEM_REGS, CadenceGem } from "../../drivers/net/cadence-gem.ts";
import { decodePll, pllOutputHz, type SifivePrci } from "../../drivers/clock/sifive-prci.ts";
import { GEM_BASE, GEM_PHY_ADDRESS, IRQ_GEM } from "./fu540.ts";

/** How often the PHY's link is polled (dma-nic.ts: once a second is enough). */
const LINK_POLL_MS = 1000;

/** What QEMU needs for a network device on this family (docs/boards/sifive_u.md, "Network"). */
export const NO_NETWORK_HINT =
  "run with --forward (npm run qemu -- --board sifive_u --forward tcp:8080:80), or give QEMU " +
  "-netdev user,id=n0 -net nic,model=cadence_gem,netdev=n0";

/** The MAC address the GEM's spec_addr1_bot/top hold (byte 0 in SA1B bits 7:0). */
function macAtReset(): Uint8Array {
  const r = CADENCE_GEM_REGS.at(GEM_BASE);
  const bot = r.SA1B.read();
  const top = r.SA1T.read();
  const mac = new Uint8Array([bot & 0xff, (bot >>> 8) & 0xff, (bot >>> 16) & 0xff, bot >>> 24, top & 0xff, (top >>> 8) & 0xff]);
  if (mac.every((b) => b === 0) || (mac[0] & 1) !== 0) {
    const hex = Array.from(mac, (b) => b.toString(16).padStart(2, "0")).join(":");
    throw new Error(`board "${name}": the Cadence GEM holds no usable MAC address (${hex}) in spec_addr1 at reset: ${NO_NETWORK_HINT}`);
  }
  return mac;
}

/**
 * Starts and returns the GEM, its interrupt handled from the event loop and its link polled by
 * an interval timer. Its pclk, which MDC is divided from, is the GEMGXL PLL's output as `prci`
 * reports it (FU540 Manual 7.1: the PLL that clocks the GEM).
 */
export function openNetwork(prci: SifivePrci): CadenceGem {
  const clockHz = pllOutputHz(prci.refHz, decodePll(prci.registers.GEMGXLPLLCFG0.read()));
  const nic = new CadenceGem({ base: GEM_BASE, dma, barrier: () => barrier.dsb(), mac: macAtReset(), phyAddress: GEM_PHY_ADDRESS, clockHz });
  nic.init();
  nic.pollLink();
  irq.on(IRQ_GEM, () => nic.onInterrupt());
  // The timer keeps the event loop alive: a firmware with a network interface exits by cpu.exit.
  setInterval(() => nic.pollLink(), LINK_POLL_MS);
  return nic;
}
