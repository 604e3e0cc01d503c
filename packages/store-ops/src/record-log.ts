import { crc32 } from "./crc32.js";

// A crash-safe append-only record format: a file header, then records of
// [u32 payload length][u32 CRC-32 of the payload][payload], big-endian.
// A crash mid-append leaves a torn last record; corruption anywhere breaks
// a checksum. Readers return every complete, intact record before the
// damage and say where and why they stopped, so nothing complete is lost.

/** "BKLOG" + format version 1. */
export const RECORD_LOG_MAGIC = new Uint8Array([0x42, 0x4b, 0x4c, 0x4f, 0x47, 0x01]);
const HEADER = RECORD_LOG_MAGIC.length;
const FRAME = 8;

export interface RecordLogLimits {
  /** Largest record payload accepted when reading (a corrupt length cannot allocate more). */
  readonly maxRecordBytes?: number;
}

export interface RecordLogStop {
  /** Byte offset of the first byte not covered by an intact record. */
  readonly offset: number;
  readonly reason: "truncated" | "corrupt" | "bad-header";
  readonly detail: string;
}

export interface RecordLogRead {
  readonly records: Uint8Array[];
  /** Absent when the input ended exactly after an intact record. */
  readonly stoppedAt?: RecordLogStop;
}

/** The file header every log starts with. */
export function recordLogHeader(): Uint8Array {
  return RECORD_LOG_MAGIC.slice();
}

/** One framed record, ready to append. */
export function frameRecord(payload: Uint8Array): Uint8Array {
  if (payload.length > 0xffffffff) throw new RangeError("record too large");
  const out = new Uint8Array(FRAME + payload.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, payload.length);
  view.setUint32(4, crc32(payload));
  out.set(payload, FRAME);
  return out;
}

/** Read a whole log (header + records), stopping at the first damage. */
export function readRecordLog(bytes: Uint8Array, limits?: RecordLogLimits): RecordLogRead {
  const max = limits?.maxRecordBytes ?? 1 << 26;
  const records: Uint8Array[] = [];
  const stop = (offset: number, reason: RecordLogStop["reason"], detail: string): RecordLogRead => ({
    records,
    stoppedAt: { offset, reason, detail },
  });
  for (let i = 0; i < HEADER; i++) {
    if (i >= bytes.length) return stop(0, "truncated", "incomplete file header");
    if (bytes[i] !== RECORD_LOG_MAGIC[i]) return stop(0, "bad-header", "not a brokerkit record log");
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = HEADER;
  while (pos < bytes.length) {
    if (bytes.length - pos < FRAME) return stop(pos, "truncated", "incomplete record frame");
    const length = view.getUint32(pos);
    if (length > max) return stop(pos, "corrupt", `record length ${length} exceeds ${max}`);
    if (bytes.length - pos - FRAME < length)
      return stop(pos, "truncated", `record of ${length} bytes is cut short`);
    if (crc32(bytes, pos + FRAME, pos + FRAME + length) !== view.getUint32(pos + 4)) {
      return stop(pos, "corrupt", "checksum mismatch");
    }
    records.push(bytes.slice(pos + FRAME, pos + FRAME + length));
    pos += FRAME + length;
  }
  return { records };
}
