import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { detectLegacyComm } from "./detect.js";
import { LegacySender } from "./sender.js";

describe("detectLegacyComm", () => {
  it("recognises the opening VERSION of Bro and Broccoli", () => {
    const sender = new LegacySender();
    const bro = sender.encode({
      type: "version",
      protocolVersion: 7,
      cacheSize: 3000,
      dataFormatVersion: 26,
      runtime: 3,
      className: "",
      classTerminated: true,
    });
    expect(detectLegacyComm(bro)).toBe("start");
    const header = new LegacySender().encode({ type: "phase-done" });
    expect(detectLegacyComm(header)).toBe("mid");
  });

  it("rejects other protocols' openings", () => {
    expect(detectLegacyComm(new TextEncoder().encode("GET /v1/messages/json HTTP/1.1\r\n"))).toBeUndefined();
    expect(detectLegacyComm(Uint8Array.of(0, 0, 0, 8, 0x03, 0, 0, 0, 0, 0, 0, 0))).toBeUndefined();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (b) => {
        const r = detectLegacyComm(b);
        if (r) expect([b[0], b[1], b[2], b[3]]).toEqual([0, 0, 0, 8]);
      }),
    );
  });
});
