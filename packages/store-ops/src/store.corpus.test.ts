// Rebuilds Broker 1.4 stores from the traffic decoded out of the captures and
// checks the clone's final contents against what the real clone held.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { readTcpConnections } from "@brokerkit/capture";
import { compare, type Data, toText } from "@brokerkit/data-model";
import { decodeBroker1Connection } from "@brokerkit/wire";
import { describe, expect, it } from "vitest";
import { corpusDir, manifests } from "../../../test-support/corpus.js";
import { dataFromBroker14Typed } from "../../../test-support/manifest-values.js";
import { replayBroadcasts } from "./replay.js";
import { broker1StoreLogs } from "./traffic.js";

type Obj = Record<string, unknown>;

const rendered = (pairs: (readonly [Data, Data])[]) =>
  [...pairs].sort((a, b) => compare(a[0], b[0])).map(([k, v]) => `${toText(k)} -> ${toText(v)}`);

// Store captures are optional in a corpus: a folder without them has nothing here to check.
const stores14 = manifests("broker-1.4").filter((f) => typeof f.manifest.store_name === "string");
describe.skipIf(stores14.length === 0)("Broker 1.4 stores rebuilt from captured traffic", () => {
  const files = stores14;
  for (const { name, manifest } of files) {
    it(`${name}: replaying the clone's input (snapshot, then clone-topic commands) gives the real clone's final contents`, () => {
      const conns = readTcpConnections(
        readFileSync(join(corpusDir(), "broker-1.4", manifest.pcap as string)),
      );
      const log = broker1StoreLogs(conns.map((c) => decodeBroker1Connection(c))).get(
        manifest.store_name as string,
      );
      expect(log?.[0]?.command.kind).toBe("snapshot");
      const { clone } = replayBroadcasts(log ?? []);
      const expected = ((manifest.final_contents as Obj).clone as Obj[]).map(
        (e) =>
          [
            dataFromBroker14Typed((e.key as Obj).typed as Obj),
            dataFromBroker14Typed((e.value as Obj).typed as Obj),
          ] as const,
      );
      expect(expected.length).toBeGreaterThan(0);
      expect(rendered(clone.backend.entries().map((e) => [e.key, e.value] as const))).toEqual(
        rendered(expected),
      );
    });
  }
});
