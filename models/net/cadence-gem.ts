/**
 * Register- and descriptor-level model of the Cadence GEM as QEMU 7.2 builds it for sifive_u
 * (hw/net/cadence_gem.c with sifive_u's revision 0x10070109, one queue, the PHY at address 0),
 * with the Zynq-7000 TRM (UG585 v1.11, chapter 16 and appendix B) where QEMU is silent. Offsets,
 * bits and reset values are written out here, not imported from the driver.
 *
 * Registers (32-bit): every word of the 2 KiB block is storage with QEMU's masks: NCR 0x000
 * (bits 31:19 read-only, 18:16, 13:9, 6:5 write-only), NCFGR 0x004 (reset 0x00080000), NSR 0x008
 * (read-only, 0x6: MDIO idle), DMACFG 0x010 (reset 0x00020784, bits 31, 27:25, 15:12 read-only),
 * TSR 0x014 (write 1 to clear 0x1F7), RBQB 0x018 / TBQB 0x01C (bits 1:0 read-only), RSR 0x020
 * (write 1 to clear 0xF), ISR 0x024 (read-only, cleared by reading), IER 0x028 / IDR 0x02C
 * (write-only, clear / set IMR bits), IMR 0x030 (reset 0x07FFFFFF: everything masked), MAN
 * 0x034, SA1B/SA1T 0x088/0x08C (reset: the MAC address; writing SA1T turns the filter on, SA1B
 * off), MODID 0x0FC, DESCONF 0x280 (0x02D00111: irq_read_clear, 32-bit bus), DESCONF6 0x294
 * (bit 23: 64-bit addressing available), TBQPH 0x4C8 / RBQPH 0x4D4.
 *
 * Interrupt: an event sets its ISR bit only while unmasked in IMR; the line is ISR != 0, reported
 * through `onIrq`. Reading ISR clears it.
 *
 * MDIO: a MAN write with bit 28 set writes the PHY at bits 27:23, register 22:18; a MAN read while
 * bit 29 is set returns that register in bits 15:0 (0xFFFF where no PHY answers), as QEMU.
 * NSR always reads idle. Unlike QEMU, a frame written without NCR.MGMT_PORT_EN (bit 4), or with
 * a start of frame other than 01 or a turnaround other than 10, is recorded in `guestErrors`.
 *
 * Descriptors: two words, or four with DMACFG bit 30 (the upper address halves in word 2 and in
 * TBQPH/RBQPH). Receive (`inject`): only with NCR.RXEN and the current descriptor's ownership bit
 * clear (QEMU's can_receive, on its cached copy, which it refreshes after each descriptor and at
 * NCR writes with RXEN); otherwise the frame waits in a queue (QEMU's net queue), flushed at the
 * next NCR write that finds a free descriptor, where a frame that then finds none is dropped.
 * Address filter: broadcast (unless NCFGR bit 5), SA1-4 once their top half was written,
 * NCFGR bit 4 copy-all; hash filters not modelled. Frames shorter than 60 bytes report length 60
 * (only their own bytes are written); without NCFGR bit 17 the CRC is appended; above 1518
 * bytes (1538 with NCFGR bit 8) the frame is dropped and ISR bit 6 set. The frame fills buffers of
 * DMACFG bits 23:16 x 64 bytes at the buffer address plus NCFGR bits 15:14 (in every buffer, as
 * QEMU), word 1 cleared then SOF (14) on the first, EOF (15) and the length on the last, bit 31
 * for broadcast, bit 27 and 26:25 for a specific address match; ownership set; then RSR bit 1,
 * ISR bit 1. A descriptor found owned by the CPU sets RSR bit 0 (BNA) and ISR bit 2.
 * Transmit (NCR bit 9 with TXEN): from the current descriptor while USED (word 1 bit 31) is
 * clear: a zero address or length stops it quietly, a frame above 1518 bytes stops it with ISR
 * bit 6; bytes gathered up to LAST (bit 15), handed to `onTransmit` (and `transmitted`); USED set
 * in the frame's first descriptor by rewriting 24 bytes from it (QEMU's DESC_MAX_NUM_WORDS: past
 * the ring's end for its last descriptor; the model records that in `guestErrors` if those bytes
 * are not DMA memory), TSR bit 5, ISR bit 7; at the end, a USED descriptor sets TSR bit 0 and ISR
 * bit 3. Clearing NCR.TXEN puts the transmit pointer back at TBQB. `holdTransmit` makes TSTART
 * wait for `releaseTransmit()` (a slow wire).
 */
import type { MemoryBus } from "../memory-bus.ts";
import { DmaNicModel, type DmaNicModelOptions } from "./dma-nic.ts";
import { crc32 } from "./imx-enet.ts";

const NWCTRL = 0x000, NWCFG = 0x004, NWSTATUS = 0x008, DMACFG = 0x010, TXSTATUS = 0x014, RXQBASE = 0x018, TXQBASE = 0x01c;
const RXSTATUS = 0x020, ISR = 0x024, IER = 0x028, IDR = 0x02c, IMR = 0x030, PHYMNTNC = 0x034, TXPAUSE = 0x03c;
const TXPARTIALSF = 0x040, RXPARTIALSF = 0x044, JUMBO_MAX_LEN = 0x048, SPADDR1LO = 0x088, SPADDR4HI = 0x0a4, MODID = 0x0fc;
const DESCONF = 0x280, DESCONF2 = 0x284, DESCONF5 = 0x290, DESCONF6 = 0x294, TBQPH = 0x4c8, RBQPH = 0x4d4;
const BLOCK_BYTES = 0x800;
const NWCTRL_TXSTART = 1 << 9, NWCTRL_TXENA = 1 << 3, NWCTRL_RXENA = 1 << 2, NWCTRL_MPE = 1 << 4;
const NWCFG_STRIP_FCS = 1 << 17, NWCFG_RCV_1538 = 1 << 8, NWCFG_BCAST_REJ = 1 << 5, NWCFG_PROMISC = 1 << 4;
const DMACFG_ADDR_64B = 1 << 30;
const TXSTATUS_TXCMPL = 1 << 5, TXSTATUS_USED = 1 << 0;
const RXSTATUS_FRMRCVD = 1 << 1, RXSTATUS_NOBUF = 1 << 0, RXSTATUS_HRESP = 1 << 3;
const INT_TXCMPL = 1 << 7, INT_AMBA_ERR = 1 << 6, INT_TXUSED = 1 << 3, INT_RXUSED = 1 << 2, INT_RXCMPL = 1 << 1, INT_HRESP = 1 << 11;
const MAN_OP_R = 1 << 29, MAN_OP_W = 1 << 28;
const DESC_1_USED = 0x8000_0000, DESC_1_LENGTH = 0x1fff, DESC_1_TX_WRAP = 1 << 30, DESC_1_TX_LAST = 1 << 15;
const DESC_0_RX_WRAP = 1 << 1, DESC_0_RX_OWNERSHIP = 1 << 0;
const DESC_1_RX_SOF = 1 << 14, DESC_1_RX_EOF = 1 << 15, DESC_1_RX_BROADCAST = 0x8000_0000, DESC_1_RX_SAR_MATCH = 1 << 27;
/** QEMU's DESC_MAX_NUM_WORDS: what it reads and writes back when it sets a first descriptor's USED bit. */
const TX_WRITEBACK_BYTES = 24;
/** sifive_u's GEM_REVISION. */
const SIFIVE_U_REVISION = 0x1007_0109;
const JUMBO_MAX = 10240;

/** QEMU's masks (gem_init_register_masks): read-only, clear-on-read, write-1-to-clear, write-only bits. */
const RO = new Map([
  [NWCTRL, 0xfff8_0000], [NWSTATUS, 0xffff_ffff], [DMACFG, 0x8e00_f000], [TXSTATUS, 0xffff_fe08], [RXQBASE, 3], [TXQBASE, 3],
  [RXSTATUS, 0xffff_fff0], [ISR, 0xffff_ffff], [IMR, 0xffff_ffff], [MODID, 0xffff_ffff],
]);
const RTC = new Map([[ISR, 0xffff_ffff]]);
const W1C = new Map([[TXSTATUS, 0x1f7], [RXSTATUS, 0xf]]);
const WO = new Map([[NWCTRL, 0x0007_3e60], [IER, 0x07ff_ffff], [IDR, 0x07ff_ffff]]);

/**
 * The Marvell 88E1111 QEMU puts behind the GEM (gem_phy_reset, gem_phy_write, phy_update_link):
 * BMCR 0x1140, BMSR 0x7969 with link and auto-negotiation complete (0x0024) while the link is up,
 * PHYID 0x0141:0x0CC2, ANAR 0x01E1, ANLPAR 0xCDE1, register 9 0x0300, 10 0x7C00, 15 0x3000,
 * 17 0x7C00, ... A BMCR write with bit 15 resets the registers; bit 12 (auto-negotiation enable)
 * completes negotiation at once and is cleared, with bit 9, in what BMCR keeps. Every other write
 * is stored as is (even to read-only registers, as QEMU). BMSR does not latch. Register 19
 * collects link-change events and never clears.
 */
export class GemPhyModel {
  /** Resets through BMCR bit 15. */
  resets = 0;
  /** Register writes, in order, for tests. */
  readonly writes: { reg: number; value: number }[] = [];
  /** BMCR bit 14 was written (QEMU then loops transmitted frames back). */
  loopback = false;
  private regs = new Uint16Array(32);
  private linked: boolean;

  constructor(options: { link?: boolean } = {}) {
    this.linked = options.link ?? true;
    this.reset();
    this.resets = 0;
  }

  read(reg: number): number {
    return this.regs[reg & 31];
  }

  write(reg: number, value: number): void {
    reg &= 31;
    let v = value & 0xffff;
    this.writes.push({ reg, value: v });
    if (reg === 0) {
      if (v & 0x8000) {
        this.reset();
        v &= ~(0x8000 | 0x4000);
      }
      if (v & 0x1000) {
        v &= ~(0x1000 | 0x0200);
        this.regs[1] |= 0x0020;
      }
      this.loopback = (v & 0x4000) !== 0;
    }
    this.regs[reg] = v;
  }

  /** The cable: link up or down (QEMU's link_status_changed). */
  setLink(up: boolean): void {
    this.linked = up;
    this.updateLink();
  }

  private reset(): void {
    this.resets++;
    const r = (this.regs = new Uint16Array(32));
    r[0] = 0x1140; r[1] = 0x7969; r[2] = 0x0141; r[3] = 0x0cc2; r[4] = 0x01e1; r[5] = 0xcde1; r[6] = 0x000f; r[7] = 0x2001;
    r[8] = 0x40e6; r[9] = 0x0300; r[10] = 0x7c00; r[15] = 0x3000; r[16] = 0x0078; r[17] = 0x7c00; r[20] = 0x0c60;
    r[24] = 0x4100; r[26] = 0x000a; r[27] = 0x848b;
    this.loopback = false;
    this.updateLink();
  }

  private updateLink(): void {
    if (this.linked) {
      this.regs[1] |= 0x0024;
      this.regs[19] |= 0x0400 | 0x0800 | 0x0010;
    } else {
      this.regs[1] &= ~0x0024;
      this.regs[19] |= 0x0400;
    }
  }
}

/**
 * `dma`: the memory the rings and buffers live in (FakeDma in host tests, SimDma in the
 * simulator); the PHY defaults to QEMU's (link up) at MDIO address 0, as on sifive_u.
 */
export interface CadenceGemModelOptions extends DmaNicModelOptions<GemPhyModel> {
  /** The MAC address SA1B/SA1T hold after reset (default QEMU's 52:54:00:12:34:56). */
  readonly mac?: Uint8Array;
}

export class CadenceGemModel extends DmaNicModel<GemPhyModel, Uint8Array> {
  /** Frames dropped by the address filter. */
  filtered = 0;
  /** Frames dropped for being above the size limit (ISR bit 6). */
  oversize = 0;
  private readonly regs = new Uint32Array(BLOCK_BYTES / 4);
  private readonly resetMac: Uint8Array;
  private readonly sarActive = [false, false, false, false];
  private rxDescAddr = 0;
  private txDescAddr = 0;
  /** QEMU's cached copy of the current receive descriptor's word 0. */
  private rxDescWord0 = 0;

  constructor(bus: MemoryBus, base: number, options: CadenceGemModelOptions) {
    super(options, () => new GemPhyModel(), 0);
    this.resetMac = (options.mac ?? Uint8Array.of(0x52, 0x54, 0x00, 0x12, 0x34, 0x56)).slice();
    this.reset();
    const offsets = Array.from({ length: BLOCK_BYTES / 4 }, (_, i) => i * 4);
    // A read may clear ISR bits (clear-on-read), so the line is updated after reads too.
    const read = (off: number) => {
      const v = this.read(off);
      this.update();
      return v;
    };
    this.mapRegisters(bus, base, offsets, read, (off, value) => this.write(off, value));
  }

  /** A register's stored value, without a read's side effects. */
  reg(off: number): number {
    return this.regs[off >>> 2];
  }

  /** The MAC address in SA1B/SA1T. */
  get mac(): Uint8Array {
    const lo = this.reg(SPADDR1LO), hi = this.reg(SPADDR1LO + 4);
    return Uint8Array.of(lo & 0xff, (lo >>> 8) & 0xff, (lo >>> 16) & 0xff, lo >>> 24, hi & 0xff, (hi >>> 8) & 0xff);
  }

  /** A frame from the wire (without FCS). Delivered now if the MAC can receive, else queued. Returns whether it was delivered now. */
  inject(frame: Uint8Array): boolean {
    if (!this.canReceive() || this.queue.length !== 0) {
      this.holdBack(frame.slice());
      return false;
    }
    if (this.receive(frame)) this.update();
    return true;
  }

  /**
   * A DMA bus error (not in QEMU; UG585 hresp_not_ok): RSR bit 3, ISR bit 11 (if unmasked), and
   * the model stops receive and transmit.
   */
  busError(): void {
    this.regs[RXSTATUS >>> 2] |= RXSTATUS_HRESP;
    this.setIsr(INT_HRESP);
    this.regs[NWCTRL >>> 2] &= ~(NWCTRL_RXENA | NWCTRL_TXENA);
    this.update();
  }

  private reset(): void {
    const r = this.regs;
    r.fill(0);
    const set = (off: number, v: number) => void (r[off >>> 2] = v);
    set(NWCFG, 0x0008_0000);
    set(NWSTATUS, 0x6);
    set(DMACFG, 0x0002_0784);
    set(IMR, 0x07ff_ffff);
    set(TXPAUSE, 0xffff);
    set(TXPARTIALSF, 0x3ff);
    set(RXPARTIALSF, 0x3ff);
    set(MODID, SIFIVE_U_REVISION);
    set(DESCONF, 0x02d0_0111);
    set(DESCONF2, 0x2ab1_0000 | JUMBO_MAX);
    set(DESCONF5, 0x002f_2045);
    set(DESCONF6, 1 << 23);
    set(JUMBO_MAX_LEN, JUMBO_MAX);
    const a = this.resetMac;
    set(SPADDR1LO, (a[0] | (a[1] << 8) | (a[2] << 16) | (a[3] << 24)) >>> 0);
    set(SPADDR1LO + 4, a[4] | (a[5] << 8));
    this.sarActive.fill(false);
  }

  private read(off: number): number {
    const i = off >>> 2;
    let v = this.regs[i];
    if (off === PHYMNTNC && v & MAN_OP_R) {
      const pa = (v >>> 23) & 0x1f, ra = (v >>> 18) & 0x1f;
      v = pa === this.phyAddress ? ((v & 0xffff_0000) | this.phy.read(ra)) >>> 0 : (v | 0xffff) >>> 0;
    }
    this.regs[i] &= ~(RTC.get(off) ?? 0);
    return (v & ~(WO.get(off) ?? 0)) >>> 0;
  }

  private write(off: number, value: number): void {
    const i = off >>> 2;
    const ro = RO.get(off) ?? 0, w1c = W1C.get(off) ?? 0;
    const val = (value & ~ro) >>> 0;
    const keep = this.regs[i] & (ro | w1c);
    this.regs[i] = ((val & ~w1c) | keep) & ~(w1c & val);
    switch (off) {
      case NWCTRL:
        if (val & NWCTRL_RXENA) this.getRxDesc();
        if (val & NWCTRL_TXSTART) {
          if (this.holdTransmit) this.txRequested = true;
          else this.transmit();
        }
        if (!(val & NWCTRL_TXENA)) this.txDescAddr = this.reg(TXQBASE);
        if (this.canReceive()) this.flush();
        return;
      case RXQBASE:
        this.rxDescAddr = val;
        return;
      case TXQBASE:
        this.txDescAddr = val;
        return;
      case IER:
        this.regs[IMR >>> 2] &= ~val;
        return;
      case IDR:
        this.regs[IMR >>> 2] |= val;
        return;
      case PHYMNTNC:
        this.mdio(val);
        return;
      default:
        if (off >= SPADDR1LO && off <= SPADDR4HI) this.sarActive[(off - SPADDR1LO) >>> 3] = ((off - SPADDR1LO) & 4) !== 0;
    }
  }

  private mdio(v: number): void {
    const st = v >>> 30, op = (v >>> 28) & 3, ta = (v >>> 16) & 3;
    if (!(this.reg(NWCTRL) & NWCTRL_MPE)) this.guestErrors.push(`MAN 0x${v.toString(16)} written with the management port off (NCR bit 4)`);
    else if (st !== 1 || ta !== 2 || (op !== 1 && op !== 2)) this.guestErrors.push(`MAN 0x${v.toString(16)}: not a clause 22 frame (start ${st}, operation ${op}, turnaround ${ta})`);
    if (v & MAN_OP_W && ((v >>> 23) & 0x1f) === this.phyAddress) this.phy.write((v >>> 18) & 0x1f, v & 0xffff);
  }

  private get descBytes(): number {
    return this.reg(DMACFG) & DMACFG_ADDR_64B ? 16 : 8;
  }

  private descAddr(tx: boolean, low: number): number {
    return this.reg(DMACFG) & DMACFG_ADDR_64B ? this.reg(tx ? TBQPH : RBQPH) * 0x1_0000_0000 + low : low;
  }

  private canReceive(): boolean {
    return (this.reg(NWCTRL) & NWCTRL_RXENA) !== 0 && (this.rxDescWord0 & DESC_0_RX_OWNERSHIP) === 0;
  }

  /** QEMU gem_get_rx_desc: refresh the cached descriptor; one owned by the CPU sets BNA and RXUSED. */
  private getRxDesc(): void {
    const d = this.view(this.descAddr(false, this.rxDescAddr), 8);
    this.rxDescWord0 = d === undefined ? DESC_0_RX_OWNERSHIP : d.getUint32(0, true);
    if (this.rxDescWord0 & DESC_0_RX_OWNERSHIP) {
      this.regs[RXSTATUS >>> 2] |= RXSTATUS_NOBUF;
      this.setIsr(INT_RXUSED);
    }
  }

  /** QEMU qemu_flush_queued_packets: every queued frame is offered; one that finds no descriptor is dropped. */
  private flush(): void {
    while (this.queue.length !== 0) {
      const frame = this.queue.shift() as Uint8Array;
      if (this.canReceive()) this.receive(frame);
      else this.queueDrops++;
    }
  }

  private filter(frame: Uint8Array): number | "broadcast" | "all" | undefined {
    const cfg = this.reg(NWCFG);
    if (cfg & NWCFG_PROMISC) return "all";
    if (frame.length >= 6 && frame.subarray(0, 6).every((b) => b === 0xff)) return cfg & NWCFG_BCAST_REJ ? undefined : "broadcast";
    for (let i = 3; i >= 0; i--) {
      if (!this.sarActive[i]) continue;
      const lo = this.reg(SPADDR1LO + 8 * i), hi = this.reg(SPADDR1LO + 8 * i + 4);
      const sa = [lo & 0xff, (lo >>> 8) & 0xff, (lo >>> 16) & 0xff, lo >>> 24, hi & 0xff, (hi >>> 8) & 0xff];
      if (sa.every((b, k) => frame[k] === b)) return i;
    }
    return undefined;
  }

  /** QEMU gem_receive; false where QEMU leaves the interrupt line as it was (an oversize frame). */
  private receive(frame: Uint8Array): boolean {
    const match = this.filter(frame);
    if (match === undefined) {
      this.filtered++;
      return true;
    }
    const cfg = this.reg(NWCFG);
    const offset = (cfg >>> 14) & 3;
    const bufSize = Math.max(64, ((this.reg(DMACFG) >>> 16) & 0xff) * 64);
    let size = Math.max(frame.length, 60);
    let bytes = frame;
    if (!(cfg & NWCFG_STRIP_FCS)) {
      const padded = new Uint8Array(size + 4);
      padded.set(frame);
      new DataView(padded.buffer).setUint32(size, crc32(padded.subarray(0, size)), true);
      bytes = padded;
      size += 4;
    }
    if (size > (cfg & NWCFG_RCV_1538 ? 1538 : 1518)) {
      this.oversize++;
      this.setIsr(INT_AMBA_ERR); // QEMU sets it without updating the line
      return false;
    }
    let pos = 0;
    let first = true;
    const db = this.descBytes;
    while (pos < bytes.length) {
      if (!this.canReceive()) {
        this.queueDrops++; // QEMU returns -1: the rest of the frame is lost
        return true;
      }
      const addr = this.descAddr(false, this.rxDescAddr);
      const d = this.view(addr, db);
      if (d === undefined) return true;
      const w0 = d.getUint32(0, true);
      let buf = (w0 & ~3) >>> 0;
      if (db === 16) buf += d.getUint32(8, true) * 0x1_0000_0000;
      const n = Math.min(bytes.length - pos, bufSize);
      const data = this.view(buf + offset, n);
      if (data === undefined) return true;
      for (let k = 0; k < n; k++) data.setUint8(k, bytes[pos + k]);
      pos += n;
      let w1 = 0;
      if (first) w1 |= DESC_1_RX_SOF;
      first = false;
      if (pos === bytes.length) w1 = (w1 | DESC_1_RX_EOF | (size & DESC_1_LENGTH)) >>> 0;
      if (match === "broadcast") w1 = (w1 | DESC_1_RX_BROADCAST) >>> 0;
      else if (typeof match === "number") w1 |= DESC_1_RX_SAR_MATCH | (match << 25);
      d.setUint32(4, w1 >>> 0, true);
      d.setUint32(0, (w0 | DESC_0_RX_OWNERSHIP) >>> 0, true);
      this.rxDescAddr = w0 & DESC_0_RX_WRAP ? this.reg(RXQBASE) : this.rxDescAddr + db;
      this.getRxDesc();
    }
    this.regs[RXSTATUS >>> 2] |= RXSTATUS_FRMRCVD;
    this.setIsr(INT_RXCMPL);
    return true;
  }

  protected transmit(): void {
    if (!(this.reg(NWCTRL) & NWCTRL_TXENA)) return;
    const db = this.descBytes;
    let addr = this.descAddr(true, this.txDescAddr);
    let frame: number[] = [];
    for (let n = 0; n < 4096; n++) {
      const d = this.view(addr, db);
      if (d === undefined) return;
      const w1 = d.getUint32(4, true);
      if (w1 & DESC_1_USED) {
        this.regs[TXSTATUS >>> 2] |= TXSTATUS_USED;
        this.setIsr(INT_TXUSED);
        return;
      }
      if (!(this.reg(NWCTRL) & NWCTRL_TXENA)) return;
      let buf = d.getUint32(0, true);
      if (db === 16) buf += d.getUint32(8, true) * 0x1_0000_0000;
      const len = w1 & DESC_1_LENGTH;
      if (buf === 0 || len === 0) return; // QEMU: "Invalid TX descriptor", quietly
      if (len > 1518 - frame.length) {
        this.setIsr(INT_AMBA_ERR);
        this.guestErrors.push(`TX descriptor at 0x${addr.toString(16)}: ${frame.length + len} bytes above 1518`);
        return;
      }
      const data = this.view(buf, len);
      if (data === undefined) return;
      for (let k = 0; k < len; k++) frame.push(data.getUint8(k));
      if (w1 & DESC_1_TX_LAST) {
        this.markUsed(this.descAddr(true, this.txDescAddr));
        this.txDescAddr = w1 & DESC_1_TX_WRAP ? this.reg(TXQBASE) : (addr + db) % 0x1_0000_0000;
        this.regs[TXSTATUS >>> 2] |= TXSTATUS_TXCMPL;
        this.setIsr(INT_TXCMPL);
        const out = Uint8Array.from(frame);
        this.transmitted.push(out);
        if (this.onTransmit) this.onTransmit(out);
        frame = [];
      }
      addr = w1 & DESC_1_TX_WRAP ? this.descAddr(true, this.reg(TXQBASE)) : addr + db;
    }
  }

  /** QEMU reads DESC_MAX_NUM_WORDS words from the first descriptor, sets USED, writes them all back. */
  private markUsed(addr: number): void {
    if (this.dma.find(addr, TX_WRITEBACK_BYTES) === undefined) {
      this.guestErrors.push(`TX write-back of ${TX_WRITEBACK_BYTES} bytes at 0x${addr.toString(16)} leaves DMA memory`);
    }
    const d = this.view(addr, 8);
    if (d !== undefined) d.setUint32(4, (d.getUint32(4, true) | DESC_1_USED) >>> 0, true);
  }

  private setIsr(flag: number): void {
    this.regs[ISR >>> 2] |= flag & ~this.reg(IMR);
  }

  protected interruptAsserted(): boolean {
    return this.reg(ISR) !== 0;
  }
}
