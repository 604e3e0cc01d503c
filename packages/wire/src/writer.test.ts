import { arbitraryData } from "@brokerkit/data-model/arbitrary";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { encodeData } from "./data/encode.js";
import { pooledCopy } from "./writer.js";

describe("pooled outputs", () => {
  it("stay as they were while later outputs are carved from the same block", () => {
    fc.assert(
      fc.property(fc.array(arbitraryData(), { minLength: 1, maxLength: 40 }), (values) => {
        const outputs = values.map((v) => encodeData(v));
        const copies = outputs.map((o) => Uint8Array.from(o));
        // Encoding everything again must not touch what was handed out before.
        for (const v of values) encodeData(v);
        for (let i = 0; i < values.length; i++) expect(outputs[i]).toEqual(copies[i]);
      }),
      { numRuns: 200 },
    );
  });

  it("are exact copies, aligned to 8 bytes, with tiny and large ones in buffers of their own", () => {
    const src = Uint8Array.from({ length: 10_000 }, (_, i) => i * 7);
    for (const n of [0, 1, 64, 65, 100, 4096, 4097, 10_000]) {
      const out = pooledCopy(src, n);
      expect(out).toEqual(src.subarray(0, n));
      expect(out.byteOffset % 8).toBe(0);
      const own = n < 65 || n > 4096;
      expect(out.buffer.byteLength === n).toBe(own);
      out.fill(0);
      expect(src[1]).toBe(7); // a copy, not a view of the source
    }
  });
});
