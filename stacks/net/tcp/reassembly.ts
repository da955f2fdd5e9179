/**
 * Segments received out of order, held until the gap before them fills (RFC 9293 section
 * 3.10.7.4, "seventh, process the segment text"), bounded in bytes so that a peer cannot grow it
 * without limit: what does not fit is dropped (and sent again by the peer).
 */
import { seqAdd, seqDiff, seqGe, seqGt, seqLe, seqLt } from "./sequence.ts";

interface Piece {
  seq: number;
  data: Uint8Array;
  fin: boolean;
}

export class Reassembly {
  /** Sorted by seq, not overlapping. */
  private pieces: Piece[] = [];
  private size = 0;

  constructor(readonly capacity: number) {}

  get bytes(): number {
    return this.size;
  }

  get empty(): boolean {
    return this.pieces.length === 0;
  }

  /**
   * Stores `data` (copied) at `seq`, trimmed against what is already held; `fin` marks that the
   * FIN follows its last byte. Returns false when it did not fit (nothing stored).
   */
  insert(seq: number, data: Uint8Array, fin: boolean): boolean {
    // Overlaps keep what is already held: the new data is cut into the parts around the held
    // pieces (sorted, so one pass), the last of them followed by the FIN. Dropping the parts
    // beyond a held piece would drop the FIN with them, and the peer would have to resend it after
    // a timeout: a retransmission that spans a held piece is common after a loss.
    const parts: Piece[] = [];
    let start = seq;
    let bytes = data;
    const end = seqAdd(seq, data.length);
    for (const p of this.pieces) {
      const pEnd = seqAdd(p.seq, p.data.length);
      if (seqLe(pEnd, start)) continue;
      if (seqGe(p.seq, end)) break;
      if (seqLt(start, p.seq)) parts.push({ seq: start, data: bytes.subarray(0, seqDiff(p.seq, start)), fin: false });
      if (seqGe(pEnd, end)) {
        // A FIN inside data already held is not where that data says the stream ends: not kept.
        if (seqGt(pEnd, end)) fin = false;
        bytes = bytes.subarray(bytes.length);
        start = end;
        break;
      }
      bytes = bytes.subarray(seqDiff(pEnd, start));
      start = pEnd;
    }
    if (bytes.length > 0 || fin) parts.push({ seq: start, data: bytes, fin });
    let added = 0;
    for (const part of parts) added += part.data.length;
    if (this.size + added > this.capacity) return false;
    for (const part of parts) {
      let i = 0;
      while (i < this.pieces.length && seqDiff(this.pieces[i].seq, part.seq) < 0) i++;
      this.pieces.splice(i, 0, { seq: part.seq, data: part.data.slice(), fin: part.fin });
    }
    this.size += added;
    return true;
  }

  /** Removes and returns the piece starting at `next` (after trimming what lies before it). */
  takeAt(next: number): { data: Uint8Array; fin: boolean } | null {
    while (this.pieces.length > 0) {
      const p = this.pieces[0];
      const pEnd = seqAdd(p.seq, p.data.length);
      if (seqDiff(p.seq, next) > 0) return null;
      this.pieces.shift();
      this.size -= p.data.length;
      if (seqDiff(pEnd, next) < 0 || (seqDiff(pEnd, next) === 0 && !p.fin)) continue;
      return { data: p.data.subarray(seqDiff(next, p.seq)), fin: p.fin };
    }
    return null;
  }

  clear(): void {
    this.pieces = [];
    this.size = 0;
  }
}
