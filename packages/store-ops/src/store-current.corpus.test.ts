// Rebuilds a current-Broker store from the command envelopes decoded out of
// the capture and checks the clone's final contents against the real clone's.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { readTcpConnections } from "@brokerkit/capture";
import { compare, type Data, toText } from "@brokerkit/data-model";
import { DEFAULT_LIMITS, decodeNativeConnection, decodeStoreCommand } from "@brokerkit/wire";
import { describe, expect, it } from "vitest";
import { corpusDir, hasSubfolder, manifests } from "../../../test-support/corpus.js";
import { dataFromCurrentValue } from "../../../test-support/manifest-values.js";
import type { StoreCommand } from "./command.js";
import { fromCurrentCommand } from "./from-wire.js";
import { replayBroadcasts } from "./replay.js";

type Obj = Record<string, unknown>;

const rendered = (pairs: (readonly [Data, Data])[]) =>
  [...pairs].sort((a, b) => compare(a[0], b[0])).map(([k, v]) => `${toText(k)} -> ${toText(v)}`);

describe("current-Broker stores rebuilt from captured traffic", () => {
  const files = manifests("broker-current").filter((f) => typeof f.manifest.store_name === "string");
  it("has store captures wherever that folder exists", () => {
    if (hasSubfolder("broker-current")) expect(files.length).toBeGreaterThan(0);
  });
  for (const { name, manifest } of files) {
    it(`${name}: the master's broadcasts and snapshot give the real clone's final contents`, () => {
      const cloneTopic = `${manifest.store_name}/<$>/data/clone`;
      const commands: StoreCommand[] = [];
      for (const conn of readTcpConnections(
        readFileSync(join(corpusDir(), "broker-current", manifest.pcap as string)),
      )) {
        for (const f of decodeNativeConnection(conn)) {
          const m = f.message;
          if (m.kind !== "envelope" || m.payload.type !== "command" || m.topic !== cloneTopic) continue;
          const c = fromCurrentCommand(decodeStoreCommand(m.payload.raw, DEFAULT_LIMITS).content);
          if (c) commands.push(c);
        }
      }
      expect(commands.length).toBeGreaterThan(0);
      const { clone } = replayBroadcasts(
        commands.map((command, i) => ({ seq: BigInt(i + 1), time: 0n, command })),
      );
      const expected = ((manifest.final_store_contents as Obj).clone as Obj[]).map(
        (e) => [dataFromCurrentValue(e.key as Obj), dataFromCurrentValue(e.value as Obj)] as const,
      );
      expect(expected.length).toBeGreaterThan(0);
      expect(rendered(clone.backend.entries().map((e) => [e.key, e.value] as const))).toEqual(
        rendered(expected),
      );
    });
  }
});
