import { bytesToBinary } from "@brokerkit/data-model";

// Broker strings are held as binary strings (one char per byte). Building them
// is much of the cost of decoding Zeek traffic, so the method depends on size:
// String.fromCharCode with the bytes as arguments for short ones (no array, no
// apply), and for longer ones a native latin-1 decoder where the platform has
// one (Node's Buffer, found by feature detection: this package imports nothing
// from Node), else TextDecoder for ASCII (the same string) and bytesToBinary.

const fcc = String.fromCharCode;
const utf8 = new TextDecoder("utf-8", { ignoreBOM: true });

type Latin1Slice = (this: Uint8Array, start: number, end: number) => string;
const latin1Slice = usable(
  (globalThis as { Buffer?: { prototype?: { latin1Slice?: Latin1Slice } } }).Buffer?.prototype?.latin1Slice,
);

// Used only if it does exactly what we need on a plain Uint8Array here and now.
function usable(f: Latin1Slice | undefined): Latin1Slice | undefined {
  try {
    return f?.call(Uint8Array.from([0x41, 0xff, 0x00, 0x80, 0x42]), 1, 4) === "\xff\x00\x80" ? f : undefined;
  } catch {
    return undefined;
  }
}

/** The n bytes at `start` as a binary string. */
export function readBinary(b: Uint8Array, start: number, n: number): string {
  if (n <= 8) return short(b, start, n);
  // Below 13 chars V8 copies a concatenation into a flat string; beyond, it would build a rope.
  if (n < 13) return short(b, start, 8) + short(b, start + 8, n - 8);
  if (latin1Slice !== undefined) return latin1Slice.call(b, start, start + n);
  return portable(b, start, start + n);
}

/**
 * The whole input as one binary string, when the platform converts it
 * natively; long strings are then cut out of it (V8 keeps such cuts as
 * slices of the one string, without copying), one native call per input
 * instead of one per string.
 */
export function wholeBinary(b: Uint8Array): string | undefined {
  return latin1Slice?.call(b, 0, b.length);
}

/** readBinary without a native latin-1 decoder (what browsers get); exported for tests. */
export function portable(b: Uint8Array, start: number, end: number): string {
  for (let i = start; i < end; i++) if (b[i]! > 0x7f) return bytesToBinary(b, start, end);
  return utf8.decode(b.subarray(start, end));
}

function short(b: Uint8Array, p: number, n: number): string {
  switch (n) {
    case 0:
      return "";
    case 1:
      return fcc(b[p]!);
    case 2:
      return fcc(b[p]!, b[p + 1]!);
    case 3:
      return fcc(b[p]!, b[p + 1]!, b[p + 2]!);
    case 4:
      return fcc(b[p]!, b[p + 1]!, b[p + 2]!, b[p + 3]!);
    case 5:
      return fcc(b[p]!, b[p + 1]!, b[p + 2]!, b[p + 3]!, b[p + 4]!);
    case 6:
      return fcc(b[p]!, b[p + 1]!, b[p + 2]!, b[p + 3]!, b[p + 4]!, b[p + 5]!);
    case 7:
      return fcc(b[p]!, b[p + 1]!, b[p + 2]!, b[p + 3]!, b[p + 4]!, b[p + 5]!, b[p + 6]!);
    default:
      return fcc(b[p]!, b[p + 1]!, b[p + 2]!, b[p + 3]!, b[p + 4]!, b[p + 5]!, b[p + 6]!, b[p + 7]!);
  }
}
