/**
 * An SD memory card at the command level (SD Physical Layer Simplified Specification 9.00), for
 * the host controller models: states idle/ready/ident/stby/tran (4.1), CMD0, CMD8 (echo, v2 only),
 * CMD55/ACMD41 (busy for `busyPolls` ACMD41s, CCS for SDHC), CMD2, CMD3 (RCA), CMD9 (CSD v1.0 for
 * SDSC, v2.0 for SDHC), CMD7, CMD16, ACMD6, CMD13, CMD17/18/24/25, CMD12. Responses are returned
 * as the host controller's response registers hold them (R2: bits 127:8 in four words, word 0
 * lowest). Block data moves through readBlock()/writeBlock(). `image` is the card's contents;
 * SDSC addresses are bytes, SDHC blocks (4.3.14).
 */
export interface SdCardModelOptions {
  /** High capacity (CSD 2.0, block addressing); default true. */
  readonly sdhc?: boolean;
  /** ACMD41s answered busy before ready (default 2). */
  readonly busyPolls?: number;
  /** A card that never answers `silent` (e.g. 17: CMD17 times out). */
  readonly silent?: number;
  readonly writeProtected?: boolean;
}

const BLOCK = 512;

export class SdCardModel {
  readonly image: Uint8Array;
  readonly sdhc: boolean;
  readonly writeProtected: boolean;
  /** Commands in order, e.g. "CMD0", "ACMD41:40300000". */
  readonly commands: string[] = [];
  busWidth = 1;
  blockLen = BLOCK;
  private state: "idle" | "ready" | "ident" | "stby" | "tran" | "data" | "rcv" = "idle";
  private app = false;
  private busy: number;
  private v2 = false;
  private rca = 0;
  private addr = 0;
  private multi = false;
  private readonly silent?: number;

  constructor(image: Uint8Array, o: SdCardModelOptions = {}) {
    if (image.length % BLOCK) throw new RangeError("SdCardModel: image is not whole blocks");
    this.image = image;
    this.sdhc = o.sdhc ?? true;
    this.busy = o.busyPolls ?? 2;
    this.silent = o.silent;
    this.writeProtected = o.writeProtected ?? false;
  }

  /** Card status (4.10.1): CURRENT_STATE 12:9, READY_FOR_DATA 8, APP_CMD 5. */
  private status(): number {
    const n = { idle: 0, ready: 1, ident: 2, stby: 3, tran: 4, data: 5, rcv: 6 }[this.state];
    return (n << 9) | (1 << 8) | (this.app ? 1 << 5 : 0);
  }

  /** One command; the response words, or null for no response (a timeout on the host). */
  command(index: number, arg: number): number[] | null {
    const app = this.app;
    this.app = false;
    this.commands.push(`${app ? "A" : ""}CMD${index}${arg ? ":" + (arg >>> 0).toString(16) : ""}`);
    if (index === this.silent) return null;
    if (app) {
      if (index === 41) {
        if (arg & 0x4000_0000 && !this.v2) return null;
        if (this.busy-- > 0) return [0x00ff_8000];
        this.state = "ready";
        return [(0x8000_0000 | (this.sdhc && arg & 0x4000_0000 ? 0x4000_0000 : 0) | 0x00ff_8000) >>> 0];
      }
      if (index === 6) { this.busWidth = (arg & 3) === 2 ? 4 : 1; return [this.status()]; }
      return null;
    }
    switch (index) {
      case 0: this.state = "idle"; this.v2 = false; return [];
      case 8: if (!this.sdhc && !this.v2Capable) return null; this.v2 = true; return [arg & 0xfff];
      case 55: this.app = true; return [this.status() | (1 << 5)];
      case 2: if (this.state !== "ready") return null; this.state = "ident"; return [0x1122_3344, 0x5566_7788, 0x99aa_bbcc, 0x00dd_eeff];
      case 3: this.state = "stby"; this.rca = 0x1234; return [(this.rca << 16) | 0x500];
      case 9: return this.csd();
      case 7: if (arg >>> 16 !== this.rca) return null; this.state = "tran"; return [this.status()];
      case 16: this.blockLen = arg; return [this.status()];
      case 13: return [this.status()];
      case 12: { const s = this.status(); this.state = "tran"; return [s]; }
      case 17: case 18: case 24: case 25: {
        const s = this.status();
        const a = this.sdhc ? arg : arg / BLOCK;
        if (!this.sdhc && arg % BLOCK) return [(s | (1 << 30)) >>> 0]; // ADDRESS_ERROR
        if (a >= this.image.length / BLOCK) return [(s | (1 << 31)) >>> 0]; // OUT_OF_RANGE
        this.addr = a;
        this.multi = index === 18 || index === 25;
        this.state = index < 20 ? "data" : "rcv";
        return [s];
      }
      default: return null;
    }
  }

  /** A version 1.x SDSC card does not answer CMD8; a 2.00 SDSC does. */
  v2Capable = true;

  /** The card is in the sending-data or receive-data state (a data command it accepted). */
  get transferring(): boolean { return this.state === "data" || this.state === "rcv"; }

  /** The next block of a read. */
  readBlock(): Uint8Array {
    if (this.state !== "data") throw new Error("SdCardModel: read without CMD17/18");
    const b = this.image.slice(this.addr * BLOCK, (this.addr + 1) * BLOCK);
    this.addr++;
    if (!this.multi) this.state = "tran";
    return b;
  }

  writeBlock(data: Uint8Array): void {
    if (this.state !== "rcv") throw new Error("SdCardModel: write without CMD24/25");
    this.image.set(data.subarray(0, BLOCK), this.addr * BLOCK);
    this.addr++;
    if (!this.multi) this.state = "tran";
  }

  /** CSD (5.3): v2.0 C_SIZE = blocks/1024 - 1 at 69:48; v1.0 READ_BL_LEN 9, C_SIZE_MULT 7 (x512), C_SIZE at 73:62. */
  private csd(): number[] {
    const bits = new Array<number>(128).fill(0);
    const put = (hi: number, lo: number, v: number) => { for (let n = lo; n <= hi; n++) bits[n] = Math.floor(v / 2 ** (n - lo)) % 2; };
    const blocks = this.image.length / BLOCK;
    if (this.sdhc) {
      put(127, 126, 1);
      put(69, 48, Math.ceil(blocks / 1024) - 1);
    } else {
      put(83, 80, 9);
      put(49, 47, 7);
      put(73, 62, Math.ceil(blocks / 512) - 1);
    }
    const words = [0, 0, 0, 0];
    for (let n = 8; n < 128; n++) if (bits[n]) words[(n - 8) >>> 5] = (words[(n - 8) >>> 5] | (1 << ((n - 8) & 31))) >>> 0;
    return words;
  }
}
