// biome-ignore-all lint/suspicious/noExplicitAny: manifests are untyped JSON
// Zeek messages sent by real Broker builds: classified as the receiving Broker
// classified them, and rebuilt exactly.
import { equals } from "@brokerkit/data-model";
import { describe, expect, it } from "vitest";
import { hasSubfolder, manifests } from "../../../../test-support/corpus.js";
import { dataFromBroker14Typed, dataFromCurrentValue } from "../../../../test-support/manifest-values.js";
import { asZeekMessage, type ZeekMessage, zeekMessageToData } from "./messages.js";

const TYPE_NAMES: Record<string, ZeekMessage["type"]> = {
  Event: "event",
  LogCreate: "log_create",
  LogWrite: "log_write",
  IdentifierUpdate: "identifier_update",
  Batch: "batch",
};

describe("Zeek messages in captures", () => {
  const current = manifests("broker-current").filter(
    (f) => typeof f.manifest.zeek_protocol_version === "number",
  );
  it("has the current-Broker Zeek message capture wherever that folder exists", () => {
    if (hasSubfolder("broker-current")) expect(current.length).toBeGreaterThan(0);
  });
  for (const { name, manifest } of current) {
    it(`${name}: every message is the type the receiving Broker saw, and rebuilds exactly`, () => {
      let checked = 0;
      for (const m of manifest.messages as Record<string, any>[]) {
        if (!m.value || typeof m.zeek_type !== "string") continue;
        const v = dataFromCurrentValue(m.value);
        const z = asZeekMessage(v);
        if (m.receiver_valid === false) {
          expect(z, m.label).toBeUndefined();
          continue;
        }
        expect(z?.type, m.label).toBe(TYPE_NAMES[m.zeek_type]);
        expect(equals(zeekMessageToData(z!), v), m.label).toBe(true);
        checked++;
      }
      expect(checked).toBeGreaterThan(0);
    });
  }

  const old = manifests("broker-1.4").filter(
    (f) => Array.isArray(f.manifest.sent) && /zeek/.test(String(f.manifest.scenario)),
  );
  for (const { name, manifest } of old) {
    it(`${name}: Broker 1.4's Zeek messages classify and rebuild exactly`, () => {
      let checked = 0;
      for (const s of manifest.sent as Record<string, any>[]) {
        const v = dataFromBroker14Typed(s.typed);
        const z = asZeekMessage(v);
        expect(z, s.python_expr).toBeDefined();
        expect(equals(zeekMessageToData(z!), v)).toBe(true);
        if (z!.type === "event") expect(z!.metadata).toBeUndefined(); // Broker 1.x events carry no metadata
        checked++;
      }
      expect(checked).toBeGreaterThan(0);
    });
  }
});
