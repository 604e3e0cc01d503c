// Finding the next message boundary in a byte stream after bytes were lost
// (a TCP gap, or a capture that begins inside a connection). Broker's framings
// have no sync marker, so a protocol supplies a probe that judges one position:
// "no" (not a message start), "more" (plausible so far; needs more bytes), or
// "yes" (a complete message that decodes strictly). The first position judged
// "yes" wins; positions still at "more" keep their bytes (at most one message,
// which the decoder's limits bound) until they are judged.

export type BoundaryProbe = (bytes: Uint8Array, at: number) => "no" | "more" | "yes";

export class BoundaryScanner {
  private candidates: number[] = []; // stream offsets judged "more"
  private scanned = 0; // stream offset of the first position not yet probed

  constructor(private readonly probe: BoundaryProbe) {}

  /** Start looking at stream offset `from` (everything before it is gone). */
  reset(from: number): void {
    this.candidates = [];
    this.scanned = from;
  }

  /**
   * `bytes` holds the stream from offset `base`. Returns the index in `bytes`
   * of the boundary found, or -1 and in `keep` the index of the first byte
   * that must be kept for the next call.
   */
  find(bytes: Uint8Array, base: number): { found: number; keep: number } {
    const still: number[] = [];
    for (const c of this.candidates) {
      const verdict = this.probe(bytes, c - base);
      if (verdict === "yes") {
        this.candidates = [];
        return { found: c - base, keep: c - base };
      }
      if (verdict === "more") still.push(c);
    }
    for (let i = Math.max(0, this.scanned - base); i < bytes.length; i++) {
      const verdict = this.probe(bytes, i);
      if (verdict === "yes") {
        this.candidates = [];
        this.scanned = base + i;
        return { found: i, keep: i };
      }
      if (verdict === "more") still.push(base + i);
    }
    this.scanned = base + bytes.length;
    this.candidates = still;
    return { found: -1, keep: still.length > 0 ? still[0]! - base : bytes.length };
  }
}
