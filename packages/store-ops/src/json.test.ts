import { binaryToBytes, JsonDecodeError } from "@brokerkit/data-model";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { command } from "../test/arbitrary.js";
import { storeCommandFromJson, storeCommandToJson, storeCommandToJsonBinary } from "./json.js";

describe("store commands as JSON", () => {
  it("decode(encode(c)) = c, exactly where Broker's JSON form is exact", () => {
    fc.assert(
      fc.property(command, (c) => {
        // The exact bytes: strings that are not UTF-8 cannot survive a JS string.
        const json = storeCommandToJsonBinary(c);
        const read = (binary: string) => storeCommandFromJson(binaryToBytes(binary));
        let back: ReturnType<typeof read>;
        try {
          back = read(json);
        } catch (e) {
          // Like Broker, CAF's parser refuses the %f text of reals of 2^64 and beyond.
          expect(e).toBeInstanceOf(JsonDecodeError);
          expect(json).toMatch(/"@data-type":"real","data":-?[0-9]{20,}/);
          return;
        }
        // Broker's JSON has timestamps to the millisecond (lost once, then stable) and reals as
        // CAF's inexact parser reads them back (they may drift on every trip).
        if (!/"@data-type":"real"/.test(json)) {
          const again = storeCommandToJsonBinary(back);
          expect(read(again)).toEqual(back);
          if (!/"@data-type":"timestamp"/.test(json)) {
            expect(again).toBe(json);
            expect(back).toEqual(c);
          }
        }
      }),
      { numRuns: 1000 },
    );
  });

  it("keeps 64-bit numbers exact", () => {
    const c = { kind: "put_unique_result" as const, inserted: true, reqId: 2n ** 64n - 1n };
    expect(storeCommandToJson(c)).toBe(
      '{"kind":"put_unique_result","inserted":true,"reqId":"18446744073709551615"}',
    );
    expect(storeCommandFromJson(storeCommandToJson(c))).toEqual(c);
  });

  it("rejects what is not a command with a JsonDecodeError naming the path", () => {
    const bad = [
      "[]",
      '{"kind":"nope"}',
      '{"kind":"put","key":{"@data-type":"count","data":1}}',
      '{"kind":"put_unique_result","inserted":1,"reqId":"1"}',
      '{"kind":"erase","key":{"@data-type":"count","data":1},"extra":1}',
      '{"kind":"put","key":{"@data-type":"count","data":1},"value":{"@data-type":"count","data":1},"expiry":"-5"}',
      '{"kind":"clear","publisher":{"endpoint":"x","object":"99999999999999999999999"}}',
    ];
    for (const json of bad) expect(() => storeCommandFromJson(json), json).toThrow(JsonDecodeError);
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (s) => {
        try {
          storeCommandFromJson(s);
        } catch (e) {
          expect(e).toBeInstanceOf(JsonDecodeError);
        }
      }),
      { numRuns: 5000 },
    );
  });
});
