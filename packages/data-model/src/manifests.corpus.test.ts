// Checks text, JSON and order against what real Broker builds printed, as
// recorded in the corpus manifests (npm run test:corpus).
import { describe, expect, it } from "vitest";
import { hasSubfolder, hexToBytes, manifests } from "../../../test-support/corpus.js";
import { dataFromBroker14Typed, dataFromCurrentValue } from "../../../test-support/manifest-values.js";
import { binaryToBytes } from "./bytes.js";
import { fromJson } from "./json/decode.js";
import { dataMessageToJsonBinary, toJsonBinary } from "./json/encode.js";
import { JsonDecodeError } from "./json/errors.js";
import { equals } from "./order.js";
import { toTextBinary } from "./text.js";
import type { Data } from "./value.js";

// biome-ignore lint/suspicious/noExplicitAny: manifests are untyped JSON, checked by the assertions
type Obj = Record<string, any>;

function hasRealBeyondU64(v: Data): boolean {
  switch (v.type) {
    case "real":
      return Math.abs(v.value) >= 2 ** 64 && Number.isFinite(v.value);
    case "vector":
    case "set":
      return v.elements.some(hasRealBeyondU64);
    case "table":
      return v.entries.some(([k, x]) => hasRealBeyondU64(k) || hasRealBeyondU64(x));
    default:
      return false;
  }
}

/** A manifest string field, or its `_hex` twin when the bytes are not UTF-8. */
function exactBytes(m: Obj, key: string): Uint8Array | undefined {
  if (typeof m[`${key}_hex`] === "string") return hexToBytes(m[`${key}_hex`]);
  if (typeof m[key] === "string") return new TextEncoder().encode(m[key]);
  return undefined;
}

describe("Broker 1.4 captures: text rendering", () => {
  const files = manifests("broker-1.4").filter((f) => Array.isArray(f.manifest.sent));
  it("has manifests with sent values", () => {
    if (hasSubfolder("broker-1.4")) expect(files.length).toBeGreaterThan(0);
  });
  for (const { name, manifest } of files) {
    it(`${name}: toText equals Broker's str() for every value sent`, () => {
      let checked = 0;
      for (const s of manifest.sent as Obj[]) {
        if (typeof s.broker_str !== "string" || !s.typed) continue;
        const v = dataFromBroker14Typed(s.typed);
        expect(toTextBinary(v), `seq ${s.seq} ${s.python_expr}`).toBe(
          String.fromCharCode(...new TextEncoder().encode(s.broker_str)),
        );
        checked++;
      }
      expect(checked).toBeGreaterThan(0);
    });
  }
});

describe("current Broker captures: text, JSON and data messages", () => {
  const files = manifests("broker-current").filter((f) => Array.isArray(f.manifest.messages));
  it("has manifests with messages", () => {
    if (hasSubfolder("broker-current")) expect(files.length).toBeGreaterThan(0);
  });
  for (const { name, manifest } of files) {
    const values = (manifest.messages as Obj[]).filter(
      (m) => m.value && (m.to_string !== undefined || m.broker_json !== undefined),
    );
    if (values.length === 0) continue;
    it(`${name}: to_string, JSON encoding and JSON decoding match Broker`, () => {
      for (const m of values) {
        const v = dataFromCurrentValue(m.value);
        const label = `seq ${m.seq} ${m.label ?? ""}`;
        const text = exactBytes(m, "to_string");
        if (text) expect([...binaryToBytes(toTextBinary(v))], label).toEqual([...text]);
        const json = exactBytes(m, "broker_json");
        if (json) {
          expect([...binaryToBytes(toJsonBinary(v))], label).toEqual([...json]);
          if (hasRealBeyondU64(v)) {
            // CAF reads a number's integer part as a u64 first, so Broker cannot read its own %f of such reals.
            expect(() => fromJson(json), label).toThrow(/integer part out of range/);
          } else {
            // JSON keeps 6 decimals and milliseconds: compare what JSON can carry.
            expect(toJsonBinary(fromJson(json)), label).toBe(toJsonBinary(v));
          }
        }
        const msg = exactBytes(m, "broker_json_data_message");
        if (msg && typeof m.topic === "string") {
          // The manifest renders the data message from what the receiver decoded (differs for subnormals).
          const received = m.received_value ? dataFromCurrentValue(m.received_value) : v;
          expect([...binaryToBytes(dataMessageToJsonBinary(m.topic, received))], label).toEqual([...msg]);
        }
      }
    });
  }
});

describe("WebSocket JSON capture: what Broker's server accepted and rejected", () => {
  const files = manifests("broker-current").filter((f) => Array.isArray(f.manifest.client_values_sent));
  it("has the WebSocket session manifest wherever current-Broker captures exist", () => {
    if (hasSubfolder("broker-current")) expect(files.length).toBeGreaterThan(0);
  });
  for (const { name, manifest } of files) {
    it(`${name}: client data messages decode to what the native subscriber received, rejected ones throw`, () => {
      const msgs = manifest.messages as Obj[];
      // Broker's error contexts number a connection's client frames after the subscription: "input #N".
      const inputNumber = new Map<Obj, number>();
      const perConnection = new Map<unknown, number>();
      for (const m of msgs) {
        if (m.direction !== "client->server") continue;
        const n = perConnection.get(m.connection) ?? -1;
        perConnection.set(m.connection, n + 1);
        inputNumber.set(m, n + 1);
      }
      let accepted = 0;
      let rejected = 0;
      for (const m of msgs) {
        if (
          m.direction !== "client->server" ||
          typeof m.text !== "string" ||
          !m.text.includes('"@data-type"')
        )
          continue;
        if (m.native_received?.value) {
          const v = dataFromCurrentValue(m.native_received.value);
          expect(equals(fromJson(m.text), v), m.label).toBe(true);
          accepted++;
          continue;
        }
        const reply = msgs.find(
          (r) =>
            r.direction === "server->client" &&
            r.connection === m.connection &&
            typeof r.text === "string" &&
            r.text.includes(`"input #${inputNumber.get(m)} contained invalid data"`),
        );
        if (reply) {
          expect(() => fromJson(m.text), m.label).toThrow(JsonDecodeError);
          rejected++;
        }
      }
      expect(accepted).toBeGreaterThan(0);
      expect(rejected).toBeGreaterThan(0);
    });
  }
});
