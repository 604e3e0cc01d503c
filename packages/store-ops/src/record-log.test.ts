import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { crc32 } from "./crc32.js";
import { frameRecord, readRecordLog, recordLogHeader } from "./record-log.js";

const concat = (parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
};
const logOf = (records: Uint8Array[]) => concat([recordLogHeader(), ...records.map(frameRecord)]);
const payloads = fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 12 });

describe("record log", () => {
  it("computes the standard CRC-32", () => {
    expect(crc32(new TextEncoder().encode("123456789"))).toBe(0xcbf43926);
  });

  it("reads back every record of an intact log", () => {
    fc.assert(
      fc.property(payloads, (records) => {
        const read = readRecordLog(logOf(records));
        expect(read.stoppedAt).toBeUndefined();
        expect(read.records).toEqual(records);
      }),
    );
  });

  it("truncated at any offset: returns exactly the complete records before the cut and says where", () => {
    fc.assert(
      fc.property(payloads, fc.nat(), (records, cutSeed) => {
        const log = logOf(records);
        const cut = cutSeed % (log.length + 1);
        const read = readRecordLog(log.subarray(0, cut));
        // Records whose frames end at or before the cut are complete.
        let end = recordLogHeader().length;
        const complete: Uint8Array[] = [];
        for (const r of records) {
          if (end + 8 + r.length > cut) break;
          end += 8 + r.length;
          complete.push(r);
        }
        expect(read.records).toEqual(complete);
        if (cut === log.length) expect(read.stoppedAt).toBeUndefined();
        else if (cut !== end)
          expect(read.stoppedAt).toMatchObject({ reason: "truncated", offset: cut < 6 ? 0 : end });
      }),
    );
  });

  it("corrupted at any byte: loses nothing before the damaged record and never returns a damaged one", () => {
    fc.assert(
      fc.property(
        payloads.filter((r) => r.length > 0),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        (records, at, flip) => {
          const log = logOf(records);
          const i = 6 + (at % (log.length - 6));
          const damaged = log.slice();
          damaged[i]! ^= flip;
          const read = readRecordLog(damaged);
          let end = 6;
          let n = 0;
          while (n < records.length && end + 8 + records[n]!.length <= i) end += 8 + records[n++]!.length;
          expect(read.records.slice(0, n)).toEqual(records.slice(0, n));
          expect(read.records.length).toBe(n);
          expect(read.stoppedAt?.offset).toBe(end);
        },
      ),
    );
  });

  it("rejects foreign files and bounds record lengths", () => {
    expect(readRecordLog(new Uint8Array([1, 2, 3, 4, 5, 6, 7])).stoppedAt?.reason).toBe("bad-header");
    const huge = concat([recordLogHeader(), new Uint8Array([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0])]);
    expect(readRecordLog(huge, { maxRecordBytes: 1024 }).stoppedAt).toMatchObject({
      reason: "corrupt",
      offset: 6,
    });
  });
});
