import { closeSync, mkdtempSync, openSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BatchedOutput } from "./output.js";

describe("BatchedOutput", () => {
  it("writes exactly the UTF-8 of what it was given, in order, whatever the line sizes", () => {
    const dir = mkdtempSync(join(tmpdir(), "brokerkit-output-"));
    // Lines up to far beyond the batch buffer, with 1- to 4-byte characters.
    const line = fc.oneof(
      { weight: 8, arbitrary: fc.string({ unit: "binary", maxLength: 200 }) },
      { weight: 1, arbitrary: fc.string({ unit: "binary", minLength: 90_000, maxLength: 300_000 }) },
    );
    let run = 0;
    fc.assert(
      fc.property(fc.array(line, { maxLength: 30 }), (lines) => {
        const file = join(dir, `out-${run++}`);
        const fd = openSync(file, "w");
        const out = new BatchedOutput(fd, () => {
          throw new Error("not closed");
        });
        for (const l of lines) out.write(l);
        out.flush();
        closeSync(fd);
        expect(readFileSync(file).equals(Buffer.from(lines.join(""), "utf8"))).toBe(true);
      }),
      { numRuns: 40 },
    );
  });
});
