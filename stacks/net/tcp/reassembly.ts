/**
 * Segments received out of order, held until the gap before them fills (RFC 9293 section
 * 3.10.7.4, "seventh, process the segment text"), bounded in bytes so that a peer cannot grow it
 * without limit: what does not fit is dropped (and sent again by the peer).
 */
import { seqAdd, seqDiff, seqGe, seqLe } from "./sequence.ts";

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
    let start = seq;
    let bytes = data;
    for (const p of this.pieces) {
      const pEnd = seqAdd(p.seq, p.data.length);
      const end = seqAdd(start, bytes.length);
      if (seqLe(end, p.seq) || seqGe(start, pEnd)) continue;
      // Overlap: keep what is already held, and the part of the new data before it (the part
      // after it is handled by cutting the front below, when the new data starts inside).
      if (seqGe(start, p.seq)) {
        const cut = seqDiff(pEnd, start);
        bytes = bytes.subarray(cut);
        start = pEnd;
      } else {
        // New data begins before p; keep only up to p (and whatever lies beyond p is dropped:
        // the peer resends it, and the FIN with it).
        bytes = bytes.subarray(0, seqDiff(p.seq, start));
        fin = false;
      }
    }
    if (bytes.length === 0 && !fin) return true;
    if (this.size + bytes.length > this.capacity) return false;
    const piece: Piece = { seq: start, data: bytes.slice(), fin };
    let i = 0;
    while (i < this.pieces.length && seqDiff(this.pieces[i].seq, start) < 0) i++;
    this.pieces.splice(i, 0, piece);
    this.size += bytes.length;
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
