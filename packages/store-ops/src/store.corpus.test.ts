// Replays the store commands a real Broker 1.4 master broadcast (as listed in
// the corpus manifests) and checks that the rebuilt clone holds exactly what
// the real clone held at the end.
import { compare, type Data, toText } from "@brokerkit/data-model";
import { describe, expect, it } from "vitest";
import { hasSubfolder, manifests } from "../../../test-support/corpus.js";
import { dataFromBroker14Typed } from "../../../test-support/manifest-values.js";
import type { StoreCommand } from "./command.js";
import { replayBroadcasts } from "./replay.js";

type Obj = Record<string, unknown>;

function commandFromManifest(c: Obj): StoreCommand | undefined {
  const d = (x: unknown) => dataFromBroker14Typed(x as Obj);
  const publisher = c.publisher
    ? {
        endpoint: (c.publisher as Obj).endpoint as string,
        object: BigInt((c.publisher as Obj).object as number),
      }
    : undefined;
  const expiry = c.expiry === null || c.expiry === undefined ? undefined : BigInt(c.expiry as string);
  switch (c.cmd) {
    case "put":
      return { kind: "put", key: d(c.key), value: d(c.value), expiry, publisher };
    case "erase":
    case "expire":
      return { kind: c.cmd, key: d(c.key), publisher };
    case "clear":
      return { kind: "clear" };
    default:
      return undefined; // snapshot / snapshot_sync carry no state in the stream
  }
}

const sorted = (pairs: [Data, Data][]) =>
  pairs.sort((a, b) => compare(a[0], b[0])).map(([k, v]) => `${toText(k)} -> ${toText(v)}`);

describe("Broker 1.4 store captures", () => {
  const files = manifests("broker-1.4").filter((f) => Array.isArray(f.manifest.command_messages));
  it("has store manifests", () => {
    if (hasSubfolder("broker-1.4")) expect(files.length).toBeGreaterThan(0);
  });
  for (const { name, manifest } of files) {
    it(`${name}: replaying the master's broadcasts rebuilds the clone's final contents`, () => {
      const log = (manifest.command_messages as Obj[])
        .filter((m) => String(m.topic).endsWith("/data/clone"))
        .map((m, i) => ({ seq: BigInt(i + 1), time: 0n, command: commandFromManifest(m.command as Obj) }))
        .filter((c): c is { seq: bigint; time: bigint; command: StoreCommand } => c.command !== undefined);
      const { clone } = replayBroadcasts(log);
      const expected = ((manifest.final_contents as Obj).clone as Obj[]).map(
        (e) =>
          [
            dataFromBroker14Typed((e.key as Obj).typed as Obj),
            dataFromBroker14Typed((e.value as Obj).typed as Obj),
          ] as [Data, Data],
      );
      expect(expected.length).toBeGreaterThan(0);
      expect(sorted(clone.backend.entries().map((e) => [e.key, e.value]))).toEqual(sorted(expected));
    });
  }
});
