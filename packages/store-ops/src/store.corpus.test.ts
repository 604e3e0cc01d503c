// Rebuilds Broker 1.4 stores from the traffic decoded out of the captures and
// checks the clone's final contents against what the real clone held.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { readTcpConnections } from "@brokerkit/capture";
import { compare, type Data, toText } from "@brokerkit/data-model";
import { decodeBroker1Connection, nodeMessagesOf } from "@brokerkit/wire";
import { describe, expect, it } from "vitest";
import { corpusDir, hasSubfolder, manifests } from "../../../test-support/corpus.js";
import { dataFromBroker14Typed } from "../../../test-support/manifest-values.js";
import type { StoreCommand } from "./command.js";
import { fromBroker1Command } from "./from-wire.js";
import { replayBroadcasts } from "./replay.js";

type Obj = Record<string, unknown>;

const rendered = (pairs: (readonly [Data, Data])[]) =>
  [...pairs].sort((a, b) => compare(a[0], b[0])).map(([k, v]) => `${toText(k)} -> ${toText(v)}`);

/** What reached the clone: the snapshot (a set_command direct message) and the master's clone-topic commands. */
function cloneInput(pcap: Uint8Array, store: string): StoreCommand[] {
  const out: StoreCommand[] = [];
  for (const conn of readTcpConnections(pcap)) {
    for (const m of decodeBroker1Connection(conn)) {
      const p = m.message.payload;
      if (p.kind === "direct_message") {
        for (const e of p.message.elements)
          if (e.type === "broker::set_command") out.push({ kind: "snapshot", entries: e.value });
      }
      for (const n of nodeMessagesOf(m.message)) {
        if (n.content.kind !== "command" || n.content.topic !== `${store}/<$>/data/clone`) continue;
        const c = fromBroker1Command(n.content.command);
        if (c) out.push(c);
      }
    }
  }
  return out;
}

describe("Broker 1.4 stores rebuilt from captured traffic", () => {
  const files = manifests("broker-1.4").filter((f) => typeof f.manifest.store_name === "string");
  it("has store captures wherever the corpus has a broker-1.4 folder", () => {
    if (hasSubfolder("broker-1.4")) expect(files.length).toBeGreaterThan(0);
  });
  for (const { name, manifest } of files) {
    it(`${name}: replaying the clone's input gives the real clone's final contents`, () => {
      const commands = cloneInput(
        readFileSync(join(corpusDir(), "broker-1.4", manifest.pcap as string)),
        manifest.store_name as string,
      );
      expect(commands.length).toBeGreaterThan(0);
      const { clone } = replayBroadcasts(
        commands.map((command, i) => ({ seq: BigInt(i + 1), time: 0n, command })),
      );
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
