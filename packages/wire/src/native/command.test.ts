import { toText } from "@brokerkit/data-model";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DecodeError } from "../errors.js";
import { DEFAULT_LIMITS } from "../limits.js";
import { decodeStoreCommand, encodeStoreCommand } from "./command.js";

const bytes = (h: string) => new Uint8Array(Buffer.from(h, "hex"));
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex").toUpperCase();

// The store-command vectors of the spec digest (§8.2).
const VECTORS: [string, string, string][] = [
  [
    "put(foo->bar) seq=2",
    "00000000000000025746D8EE36445BD29F54D5A44C26C2A10000000000000005000000000000000000000000000000000000000000000000000503666F6F0503626172005746D8EE36445BD29F54D5A44C26C2A10000000000000007",
    "put",
  ],
  [
    "put with expiry",
    "00000000000000035746D8EE36445BD29F54D5A44C26C2A10000000000000005000000000000000000000000000000000000000000000000000503666F6F0200000000000000010100000000000009C45746D8EE36445BD29F54D5A44C26C2A10000000000000007",
    "put",
  ],
  [
    "add",
    "00000000000000045746D8EE36445BD29F54D5A44C26C2A10000000000000005C0551E8D392B509BA47BAE46F75BEFAC0000000000000009050503636E7402000000000000000502005746D8EE36445BD29F54D5A44C26C2A10000000000000007",
    "add",
  ],
  [
    "keepalive",
    "00000000000000005746D8EE36445BD29F54D5A44C26C2A10000000000000005000000000000000000000000000000000000000000000000090000000000000003",
    "keepalive",
  ],
  [
    "nack([0])",
    "0000000000000000C0551E8D392B509BA47BAE46F75BEFAC00000000000000090000000000000000000000000000000000000000000000000B010000000000000000",
    "nack",
  ],
  [
    "cumulative_ack",
    "0000000000000000C0551E8D392B509BA47BAE46F75BEFAC00000000000000095746D8EE36445BD29F54D5A44C26C2A100000000000000050A0000000000000001",
    "cumulative_ack",
  ],
  [
    "attach_writer",
    "0000000000000000C0551E8D392B509BA47BAE46F75BEFAC00000000000000095746D8EE36445BD29F54D5A44C26C2A100000000000000050800000000000000010005",
    "attach_writer",
  ],
  [
    "ack_clone",
    "00000000000000015746D8EE36445BD29F54D5A44C26C2A10000000000000005C0551E8D392B509BA47BAE46F75BEFAC00000000000000090C00000000000000010005010503666F6F0503626172",
    "ack_clone",
  ],
];

describe("current-protocol store commands", () => {
  it.each(VECTORS)("%s decodes and re-encodes byte for byte", (_, h, kind) => {
    const m = decodeStoreCommand(bytes(h), DEFAULT_LIMITS);
    expect(m.content.kind).toBe(kind);
    expect(hex(encodeStoreCommand(m))).toBe(h);
  });

  it("reads the fields of put with expiry and of ack_clone", () => {
    const put = decodeStoreCommand(bytes(VECTORS[1]![1]), DEFAULT_LIMITS);
    expect(put.seq).toBe(3n);
    expect(put.content).toMatchObject({ kind: "put", expiry: 2500n, publisher: { object: 7n } });
    const ack = decodeStoreCommand(bytes(VECTORS[7]![1]), DEFAULT_LIMITS).content;
    expect(ack.kind === "ack_clone" && ack.state.map(([k, v]) => `${toText(k)}=${toText(v)}`)).toEqual([
      "foo=bar",
    ]);
  });

  it("gives a command or a DecodeError for arbitrary and truncated bytes", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 90 }),
          fc.nat(120).map((n) => bytes(VECTORS[7]![1]).subarray(0, n)),
        ),
        (b) => {
          try {
            decodeStoreCommand(b, DEFAULT_LIMITS);
          } catch (e) {
            expect(e).toBeInstanceOf(DecodeError);
          }
        },
      ),
      { numRuns: 3000 },
    );
  });
});
