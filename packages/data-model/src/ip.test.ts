import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatAddressBinary, parseAddressText } from "./ip.js";

describe("address text", () => {
  it.each([
    ["1.2.3.4", "1.2.3.4"],
    ["0.0.0.0", "0.0.0.0"],
    ["::ffff:1.2.3.4", "1.2.3.4"],
    ["::1.2.3.4", "::102:304"], // IPv4-compatible is IPv6, printed without the dotted tail
    ["::", "::"],
    ["::1", "::1"],
    ["1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"],
    ["2001:DB8::", "2001:db8::"],
    ["2001:db8:0:1:0:0:0:1", "2001:db8:0:1::1"], // the longest zero run wins
    ["1:0:0:2:0:0:3:4", "1::2:0:0:3:4"], // the first of equal runs wins
    ["1:0:2:3:4:5:6:7", "1:0:2:3:4:5:6:7"], // a single zero group is never compressed
    ["fe80::1:2", "fe80::1:2"],
  ])("%s prints as %s", (input, text) => {
    const bin = parseAddressText(input);
    expect(bin).toBeDefined();
    expect(formatAddressBinary(bin!)).toBe(text);
  });

  it.each(["", "1.2.3", "1.2.3.256", "1::2::3", "12345::", "1:2:3:4:5:6:7:8:9", ":::", "1.2.3.4.5", "g::"])(
    "rejects %j",
    (input) => {
      expect(parseAddressText(input)).toBeUndefined();
    },
  );

  it("text round-trips for every 16-byte address", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (bytes) => {
        const bin = String.fromCharCode(...bytes);
        expect(parseAddressText(formatAddressBinary(bin))).toBe(bin);
      }),
      { numRuns: 2000 },
    );
  });
});
