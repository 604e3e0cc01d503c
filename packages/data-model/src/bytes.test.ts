import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { binaryToHex, bytesToBinary } from "./bytes.js";

describe("binary strings", () => {
  it("print as lower-case hex, two digits a byte", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        expect(binaryToHex(bytesToBinary(bytes))).toBe(Buffer.from(bytes).toString("hex"));
      }),
    );
    expect(binaryToHex("\x00\x0f\xab\xff")).toBe("000fabff");
  });
});
