import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cafParseDouble } from "./caf-number.js";

const bits = (x: number) => {
  const v = new DataView(new ArrayBuffer(8));
  v.setFloat64(0, x);
  return v.getBigUint64(0).toString(16).padStart(16, "0");
};

describe("cafParseDouble (Broker's JSON number reading)", () => {
  it("is not correctly rounded, exactly as a real Broker decoded 1e-300", () => {
    // Captured: a Broker WebSocket server turned "1e-300" into bits 01a56e1fc2f8f358.
    expect(bits(cafParseDouble("1e-300") as number)).toBe("01a56e1fc2f8f358");
    expect(bits(1e-300)).toBe("01a56e1fc2f8f359");
  });

  it("keeps the sign of zero and reads simple decimals exactly", () => {
    expect(Object.is(cafParseDouble("-0.0"), -0)).toBe(true);
    expect(cafParseDouble("1.5")).toBe(1.5);
    expect(cafParseDouble("-2.25e2")).toBe(-225);
  });

  it("rejects integer parts beyond 64 bits and exponents beyond ±511", () => {
    expect(cafParseDouble("18446744073709551616.0")).toMatch(/integer part/);
    expect(cafParseDouble("18446744073709551615.0")).toBe(2 ** 64);
    expect(cafParseDouble("-9223372036854775809.0")).toMatch(/integer part/);
    expect(cafParseDouble("1e512")).toMatch(/overflow/);
    expect(cafParseDouble("1e-512")).toMatch(/underflow/);
  });

  it("is exact for integers and close to correct rounding elsewhere (749.848 -> 749.8480000000001)", () => {
    expect(cafParseDouble("749.848")).toBe(749.8480000000001);
    fc.assert(
      fc.property(fc.integer({ min: -999999, max: 999999 }), fc.integer({ min: 0, max: 6 }), (n, scale) => {
        const text = (n / 10 ** scale).toFixed(scale);
        const x = cafParseDouble(text) as number;
        if (scale === 0) expect(x).toBe(Number(text));
        else expect(Math.abs(x - Number(text))).toBeLessThanOrEqual(Math.abs(Number(text)) * 1e-15);
      }),
    );
  });
});
