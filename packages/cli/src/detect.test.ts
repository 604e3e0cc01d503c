import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { detectFromPrefix } from "./detect.js";

const prefix = (orig: Uint8Array, resp: Uint8Array, respPort = 9999) => ({
  orig,
  resp,
  midStream: { orig: false, resp: false },
  respPort,
});

// The first bytes of a TLS 1.2/1.3 ClientHello and ServerHello record.
const clientHello = Uint8Array.of(0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03);
const serverHello = Uint8Array.of(0x16, 0x03, 0x03, 0x00, 0x7a, 0x02, 0x00, 0x00, 0x76, 0x03, 0x03);

describe("protocol detection", () => {
  it("recognises a TLS peering by its record headers, whatever the port (Broker's default is TLS)", () => {
    for (const port of [9999, 47757, 443, 1234])
      expect(detectFromPrefix(prefix(clientHello, serverHello, port), true)).toBe("tls");
    expect(detectFromPrefix(prefix(clientHello, new Uint8Array(), 9999), true)).toBe("tls");
  });

  it("calls a connection joined midway TLS only when no Broker decoder finds a message in it", () => {
    // Application data records (type 23) of a TLS 1.2/1.3 stream.
    const records = Uint8Array.from({ length: 600 }, (_, i) => [23, 3, 3, 0, 40][i % 45] ?? (i * 7) & 0xff);
    const joined = { ...prefix(records, records), midStream: { orig: true, resp: true } };
    expect(detectFromPrefix(joined, true)).toBe("tls");
  });

  it("takes neither Broker framing for TLS nor TLS for any Broker framing", () => {
    // A native probe and hello, and a BASP server handshake header.
    const probe = Uint8Array.of(0, 0, 0, 5, 7, 0x5a, 0x45, 0x45, 0x4b);
    expect(detectFromPrefix(prefix(new Uint8Array(), probe), true)).toBe("broker-native");
    const basp = new Uint8Array(32);
    basp[7] = 52;
    expect(detectFromPrefix(prefix(new Uint8Array(), basp), true)).toBe("broker-1");
  });

  it("never calls bytes TLS unless one direction starts with a plausible record header", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.uint8Array({ maxLength: 64 }), (orig, resp) => {
        const header = (b: Uint8Array) =>
          b.length >= 5 &&
          b[0]! >= 20 &&
          b[0]! <= 23 &&
          b[1] === 3 &&
          b[2]! <= 4 &&
          ((b[3]! << 8) | b[4]!) > 0;
        if (!header(orig) && !header(resp))
          expect(detectFromPrefix(prefix(orig, resp, 80), true)).not.toBe("tls");
      }),
      { numRuns: 2000 },
    );
  });
});
