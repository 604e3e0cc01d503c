import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DecodeError } from "../errors.js";
import { encodeWebSocketFrame, type WebSocketFrame, WebSocketStreamDecoder } from "./frames.js";

const dataFrame = fc
  .record({
    fin: fc.constant(true),
    rsv: fc.constant(0),
    opcode: fc.constantFrom(1, 2),
    payload: fc
      .uint8Array({ maxLength: 70_000 })
      .filter((p) => p.length < 300 || p.length > 65535 || p.length % 97 === 0),
    lengthForm: fc.constant(7 as const),
    mask: fc.option(fc.uint8Array({ minLength: 4, maxLength: 4 }), { nil: undefined }),
  })
  .map(({ mask, ...f }): WebSocketFrame => (mask ? { ...f, mask } : f));

const concat = (parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts));

describe("WebSocket frames (RFC 6455)", () => {
  it("decode(encode(frame)) gives the payload back, masked or not, in every length form", () => {
    fc.assert(
      fc.property(dataFrame, (f) => {
        const [m] = new WebSocketStreamDecoder(true).push(encodeWebSocketFrame(f));
        expect(Buffer.from(m!.payload).equals(Buffer.from(f.payload))).toBe(true);
        expect(
          Buffer.from(encodeWebSocketFrame(m!.frames[0]!)).equals(Buffer.from(encodeWebSocketFrame(f))),
        ).toBe(true);
      }),
      { numRuns: 50 },
    );
  });

  it("joins fragments around an interleaved ping, fed one byte at a time", () => {
    const frames: WebSocketFrame[] = [
      {
        fin: false,
        rsv: 0,
        opcode: 1,
        payload: new TextEncoder().encode('["/a",'),
        lengthForm: 7,
        mask: new Uint8Array([1, 2, 3, 4]),
      },
      { fin: true, rsv: 0, opcode: 9, payload: new Uint8Array([7]), lengthForm: 7 },
      { fin: true, rsv: 0, opcode: 0, payload: new TextEncoder().encode('"/b"]'), lengthForm: 7 },
      {
        fin: true,
        rsv: 0,
        opcode: 8,
        payload: new Uint8Array([0x03, 0xe8, 0x62, 0x79, 0x65]),
        lengthForm: 7,
      },
    ];
    const bytes = concat([
      new TextEncoder().encode("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n"),
      ...frames.map(encodeWebSocketFrame),
    ]);
    const d = new WebSocketStreamDecoder();
    const out = [];
    for (const b of bytes) out.push(...d.push(new Uint8Array([b])));
    expect(out.map((m) => m.opcode)).toEqual([9, 1, 8]);
    expect(new TextDecoder().decode(out[1]!.payload)).toBe('["/a","/b"]');
    expect(out[2]!.close).toEqual({ code: 1000, reason: "bye" });
  });

  it("reports permessage-deflate messages as compressed instead of misreading them", () => {
    const f: WebSocketFrame = {
      fin: true,
      rsv: 4,
      opcode: 1,
      payload: new Uint8Array([0xaa, 0x55]),
      lengthForm: 7,
    };
    expect(new WebSocketStreamDecoder(true).push(encodeWebSocketFrame(f))[0]!.compressed).toBe(true);
  });

  it("stops at an HTTP error answer: its body is not frames", () => {
    const d = new WebSocketStreamDecoder();
    expect(
      d.push(new TextEncoder().encode("HTTP/1.1 400 Bad Request\r\nContent-Length: 3\r\n\r\nbad")),
    ).toEqual([]);
    expect(d.refused).toBe(true);
  });

  it("gives messages or a DecodeError for arbitrary bytes, and bounds lengths", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (b) => {
        try {
          new WebSocketStreamDecoder(true, { maxMessageBytes: 1 << 16 }).push(b);
        } catch (e) {
          expect(e).toBeInstanceOf(DecodeError);
        }
      }),
      { numRuns: 5000 },
    );
    const huge = new Uint8Array([0x82, 0x7f, 0, 0, 1, 0, 0, 0, 0, 0]);
    expect(() => new WebSocketStreamDecoder(true).push(huge)).toThrow(/limit/);
  });
});

describe("permessage-deflate", () => {
  it("inflates compressed messages when the server's response accepted the extension", async () => {
    const { constants, deflateRawSync } = await import("node:zlib");
    const json = '{"type":"ack","endpoint":"e","version":"v"}';
    const payload = new Uint8Array(
      deflateRawSync(Buffer.from(json), { finishFlush: constants.Z_SYNC_FLUSH }).subarray(0, -4),
    );
    const head =
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nSec-WebSocket-Extensions: permessage-deflate; server_no_context_takeover\r\n\r\n";
    const frame = encodeWebSocketFrame({ fin: true, rsv: 4, opcode: 1, payload, lengthForm: 7 });
    const [m] = new WebSocketStreamDecoder().push(concat([new TextEncoder().encode(head), frame]));
    expect(m).toMatchObject({ compressed: true, inflated: true });
    expect(new TextDecoder().decode(m!.payload)).toBe(json);
    expect(Buffer.from(encodeWebSocketFrame(m!.frames[0]!)).equals(Buffer.from(frame))).toBe(true);
  });
});
