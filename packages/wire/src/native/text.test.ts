import { count } from "@brokerkit/data-model";
import { describe, expect, it } from "vitest";
import { NATIVE_MAGIC } from "./messages.js";
import { endpointIdText, nativeMessageText, storeCommandText } from "./text.js";

const ID = "\x00\x11\x22\x33\x44\x55\x66\x77\x88\x99\xaa\xbb\xcc\xdd\xee\xff";

describe("native frames as text", () => {
  it("prints endpoint ids as Broker does, in the lower-case UUID form", () => {
    expect(endpointIdText(ID)).toBe("00112233-4455-6677-8899-aabbccddeeff");
  });

  it("says what each handshake message negotiates, and a magic that is not ZEEK", () => {
    const uuid = endpointIdText(ID);
    expect(
      nativeMessageText({ kind: "hello", magic: NATIVE_MAGIC, sender: ID, minVersion: 1, maxVersion: 1 }),
    ).toBe(`hello ${uuid} versions 1-1`);
    expect(nativeMessageText({ kind: "probe", magic: 0x47455420 })).toBe("probe (magic 0x47455420)");
    expect(
      nativeMessageText({
        kind: "drop_conn",
        magic: NATIVE_MAGIC,
        sender: ID,
        code: 2,
        description: "unsupported versions offered",
      }),
    ).toBe(`drop_conn ${uuid} peer_incompatible: "unsupported versions offered"`);
    // 41 (invalid_json) has no name in Broker.
    expect(
      nativeMessageText({ kind: "drop_conn", magic: NATIVE_MAGIC, sender: ID, code: 41, description: "" }),
    ).toBe(`drop_conn ${uuid} ec 41: ""`);
    expect(nativeMessageText({ kind: "originator_syn", filter: ["/a", "caf\xc3\xa9"] })).toBe(
      'originator_syn ["/a", "café"]',
    );
  });

  it("prints store commands by kind, then key and value where they have them", () => {
    const publisher = { endpoint: ID, object: 1n };
    const put = { kind: "put", key: count(1n), value: count(2n), publisher } as const;
    expect(storeCommandText(put)).toBe("put 1 2");
    expect(storeCommandText({ kind: "erase", key: count(1n), publisher })).toBe("erase 1");
    expect(storeCommandText({ kind: "keepalive", seq: 3n })).toBe("keepalive");
  });

  it("prints envelopes by their payload", () => {
    const envelope = { kind: "envelope", sender: ID, receiver: ID, ttl: 16, topic: "/t" } as const;
    expect(nativeMessageText({ ...envelope, payload: { type: "data", value: count(3n) } })).toBe("3");
    expect(nativeMessageText({ ...envelope, payload: { type: "routing_update", filter: ["/x"] } })).toBe(
      'routing_update ["/x"]',
    );
    expect(nativeMessageText({ ...envelope, payload: { type: "ping", raw: "" } })).toBe("ping");
  });
});
