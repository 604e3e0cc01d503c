// Rebuilds a current-Broker store from the command envelopes decoded out of
// the capture and checks the clone's final contents against the real clone's.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { readTcpConnections } from "@brokerkit/capture";
import { compare, type Data, toText } from "@brokerkit/data-model";
import { decodeNativeConnection } from "@brokerkit/wire";
import { describe, expect, it } from "vitest";
import { corpusDir, manifests } from "../../../test-support/corpus.js";
import { dataFromCurrentValue } from "../../../test-support/manifest-values.js";
import { replayBroadcasts } from "./replay.js";
import { currentStoreLogs } from "./traffic.js";

type Obj = Record<string, unknown>;

const rendered = (pairs: (readonly [Data, Data])[]) =>
  [...pairs].sort((a, b) => compare(a[0], b[0])).map(([k, v]) => `${toText(k)} -> ${toText(v)}`);

// Store captures are optional in a corpus: a folder without them has nothing here to check.
const storesCurrent = manifests("broker-current").filter((f) => typeof f.manifest.store_name === "string");
describe.skipIf(storesCurrent.length === 0)("current-Broker stores rebuilt from captured traffic", () => {
  const files = storesCurrent;
  for (const { name, manifest } of files) {
    it(`${name}: the snapshot and the master's broadcasts, through the channel, give the real clone's final contents`, () => {
      const conns = readTcpConnections(
        readFileSync(join(corpusDir(), "broker-current", manifest.pcap as string)),
      );
      const { logs, errors } = currentStoreLogs(conns.flatMap((c) => decodeNativeConnection(c)));
      expect(errors).toEqual([]);
      const log = logs.get(manifest.store_name as string) ?? [];
      // The snapshot first, then the broadcasts in channel order, one seq each.
      expect(log[0]?.command.kind).toBe("snapshot");
      const seqs = log.map((c) => c.seq);
      expect(seqs).toEqual(seqs.map((_, i) => (log[0]?.seq ?? 0n) + BigInt(i)));
      const { clone } = replayBroadcasts(log);
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
