// `brokerkit store` on the real captures: the contents it prints equal the
// final store contents the manifests list (what the real clone held), and for
// the current-Broker capture also the contents after every operation.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { readTcpConnections } from "@brokerkit/capture";
import { toText } from "@brokerkit/data-model";
import { describe, expect, it } from "vitest";
import { corpusDir, manifests } from "../../../test-support/corpus.js";
import { storeContents } from "./store-command.js";

type Obj = Record<string, unknown>;
const CLI = fileURLToPath(new URL("../dist/cli.js", import.meta.url));

function printed(pcap: string): Obj[] {
  const out = spawnSync(process.execPath, [CLI, "store", pcap], { encoding: "utf8", maxBuffer: 1 << 26 });
  expect(out.status, out.stderr).toBe(0);
  return out.stdout
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l) as Obj);
}

// Store captures are optional in a corpus: a folder without them has nothing here to check.
const stores14 = manifests("broker-1.4").filter((f) => typeof f.manifest.store_name === "string");
describe.skipIf(stores14.length === 0)("brokerkit store on Broker 1.4 captures", () => {
  const files = stores14;
  for (const { name, manifest } of files) {
    it(`${name}: prints the real clone's final contents`, () => {
      const lines = printed(join(corpusDir(), "broker-1.4", manifest.pcap as string));
      const expected = ((manifest.final_contents as Obj).clone as Obj[]).map(
        (e) => `${manifest.store_name} ${(e.key as Obj).broker_str} -> ${(e.value as Obj).broker_str}`,
      );
      expect(expected.length).toBeGreaterThan(0);
      expect(lines.map((l) => `${l.store} ${l.keyText} -> ${l.valueText}`).sort()).toEqual(expected.sort());
    });
  }
});

// Store captures are optional in a corpus: a folder without them has nothing here to check.
const storesCurrent = manifests("broker-current").filter((f) => typeof f.manifest.store_name === "string");
describe.skipIf(storesCurrent.length === 0)("brokerkit store on current-Broker captures", () => {
  const files = storesCurrent;
  const rendered = (es: Obj[]) => es.map((e) => `${e.key_to_string} -> ${e.value_to_string}`).sort();
  for (const { name, manifest } of files) {
    const pcap = join(corpusDir(), "broker-current", manifest.pcap as string);
    it(`${name}: prints the real clone's final contents`, () => {
      const lines = printed(pcap);
      expect(new Set(lines.map((l) => l.store))).toEqual(new Set([manifest.store_name]));
      const expected = rendered((manifest.final_store_contents as Obj).clone as Obj[]);
      expect(expected.length).toBeGreaterThan(0);
      expect(lines.map((l) => `${l.keyText} -> ${l.valueText}`).sort()).toEqual(expected);
    });

    it(`${name}: when each operation starts, the contents the one before left`, () => {
      const conns = readTcpConnections(readFileSync(pcap));
      // Operations (and observed expiries, which have no time) in order; a state holds until the next
      // entry, so it is checked at the time of the next operation, when that one has a time.
      const ops = manifest.operations as Obj[];
      let checked = 0;
      for (const [i, op] of ops.entries()) {
        const next = ops[i + 1];
        if (!Array.isArray(op.state_after) || typeof next?.t_unix !== "number") continue;
        if (op.seq === 1) continue; // before the clone attached nothing is broadcast
        const { entries } = storeContents(conns, { time: BigInt(Math.floor(next.t_unix * 1e6)) * 1000n });
        expect(
          entries.map((e) => `${toText(e.key)} -> ${toText(e.value)}`).sort(),
          `after operation ${op.seq ?? op.op} (${op.op})`,
        ).toEqual(rendered(op.state_after as Obj[]));
        checked++;
      }
      expect(checked).toBeGreaterThan(5);
    });
  }
});
