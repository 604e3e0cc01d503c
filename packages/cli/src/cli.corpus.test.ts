// biome-ignore-all lint/suspicious/noExplicitAny: manifests are untyped JSON
// The brokerkit command on every capture of a corpus: it exits 0, and its JSON
// lines carry every data message the manifest lists, with the same topic and
// Broker JSON data (in order per topic).
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { binaryToUtf8, type Data, toJsonBinary, toText } from "@brokerkit/data-model";
import { decodeApiMessage, decodeData, encodeData } from "@brokerkit/wire";
import { describe, expect, it } from "vitest";
import { corpusDir, hasSubfolder, manifests } from "../../../test-support/corpus.js";
import { dataFromBroker14Typed, dataFromCurrentValue } from "../../../test-support/manifest-values.js";

const CLI = fileURLToPath(new URL("../dist/cli.js", import.meta.url));

interface Line {
  protocol?: string;
  kind: string;
  topic?: string;
  data?: unknown;
  text: string;
}

function decode(file: string): Line[] {
  const run = spawnSync(process.execPath, [CLI, "decode", file], { encoding: "utf8", maxBuffer: 1 << 28 });
  expect(run.stderr).toBe("");
  expect(run.status).toBe(0);
  return run.stdout
    .split("\n")
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l));
}

// What a JSON line says for a value: Broker's JSON, or for values Broker's JSON cannot carry, the text.
function expectedOf(v: Data): { data?: unknown; text?: string } {
  const json = binaryToUtf8(toJsonBinary(v));
  try {
    return { data: JSON.parse(json) };
  } catch {
    return { text: toText(v) };
  }
}

// In order per topic: each wanted message is the next line on its topic that equals it (a
// message forwarded over several connections is on the wire more than once).
function check(
  lines: Line[],
  wanted: { topic: string; value: { data?: unknown; text?: string }; label: string }[],
) {
  expect(wanted.length).toBeGreaterThan(0);
  const next = new Map<string, number>();
  for (const w of wanted) {
    const onTopic = lines.filter((l) => l.topic === w.topic && "data" in l);
    const equal = (l: Line) =>
      w.value.data !== undefined
        ? JSON.stringify(l.data) === JSON.stringify(w.value.data)
        : l.text === w.value.text;
    const from = next.get(w.topic) ?? 0;
    const i = onTopic.findIndex((l, j) => j >= from && equal(l));
    expect(
      i,
      `${w.label}: ${w.topic} ${JSON.stringify(w.value)} among ${JSON.stringify(onTopic.slice(from, from + 2))}`,
    ).toBeGreaterThanOrEqual(0);
    next.set(w.topic, i + 1);
  }
}

/** What a CAF 0.17 receiver holds for a value handed to Broker (reals change as CAF 0.17 packs them). */
const asReceived = (v: Data) => decodeData(encodeData(v, { format: "broker-1" }), { format: "broker-1" });

describe("brokerkit decode on the corpus", () => {
  it("finds captures wherever the corpus has them", () => {
    if (hasSubfolder("broker-1.4")) expect(manifests("broker-1.4").length).toBeGreaterThan(0);
  });

  for (const { name, manifest } of manifests("broker-1.4")) {
    const m = manifest as any;
    if (typeof m.pcap !== "string" || !Array.isArray(m.sent)) continue;
    it(`broker-1.4/${name}: topics and data of every message sent`, () => {
      const lines = decode(join(corpusDir(), "broker-1.4", m.pcap));
      const wanted = (m.sent as any[])
        .filter((s) => s.received && typeof s.topic === "string")
        .map((s) => ({
          topic: s.topic as string,
          label: `seq ${s.seq}`,
          value: expectedOf(
            s.wire?.typed ? dataFromBroker14Typed(s.wire.typed) : asReceived(dataFromBroker14Typed(s.typed)),
          ),
        }));
      check(lines, wanted);
      expect(lines.every((l) => l.kind !== "gap" && l.kind !== "unknown")).toBe(true);
    });
  }

  for (const { name, manifest } of manifests("broker-current")) {
    const m = manifest as any;
    if (typeof m.pcap !== "string" || !Array.isArray(m.messages)) continue;
    it(`broker-current/${name}: topics and data of every message sent`, () => {
      const lines = decode(join(corpusDir(), "broker-current", m.pcap));
      const wanted = (m.messages as any[]).flatMap((s) => {
        if (s.value && typeof s.topic === "string")
          return [
            {
              topic: s.topic as string,
              label: String(s.label ?? s.seq),
              value: expectedOf(dataFromCurrentValue(s.received_value ?? s.value)),
            },
          ];
        // WebSocket sessions list the frames' JSON text.
        let j: any;
        try {
          j = JSON.parse(s.text);
        } catch {
          return [];
        }
        if (j?.type !== "data-message") return [];
        let a: ReturnType<typeof decodeApiMessage>;
        try {
          a = decodeApiMessage(new TextEncoder().encode(s.text));
        } catch {
          return []; // JSON Broker rejects (the session's error cases): not data
        }
        if (a.type !== "data-message") return [];
        return [{ topic: j.topic as string, label: `seq ${s.seq}`, value: expectedOf(a.value) }];
      });
      check(lines, wanted);
      expect(lines.some((l) => l.kind === "gap")).toBe(false);
    });
  }

  for (const { name, manifest } of manifests("legacy-comm")) {
    const m = manifest as any;
    if (typeof m.pcap !== "string" || !Array.isArray(m.sent)) continue;
    it(`legacy-comm/${name}: every event, in order per side, as Bro prints it`, () => {
      const lines = decode(join(corpusDir(), "legacy-comm", m.pcap)) as (Line & {
        dir: string;
        conn: string;
      })[];
      expect(
        lines.every((l) => l.protocol === "bro-legacy" && l.kind !== "unknown" && l.kind !== "gap"),
      ).toBe(true);
      const listenerIsResp = lines[0]!.conn.endsWith(`>${m.transport.listener}`);
      const dirOf = (side: string) =>
        (["listener", "bro"].includes(side) === listenerIsResp ? "resp" : "orig") as "orig" | "resp";
      const events = (m.sent as any[]).filter((e) => e.kind === "event");
      for (const dir of ["orig", "resp"] as const) {
        const want = events.filter((e) => dirOf(e.from ?? e.side) === dir);
        const got = lines.filter((l) => l.dir === dir && l.kind === "event");
        expect(got.map((l) => l.text.slice(0, l.text.indexOf("(")))).toEqual(want.map((e) => e.event));
        got.forEach((l, i) => {
          const args = want[i]!.args as any[];
          // Broker's Zeek event layout: [1, 1, [name, [args...]]] (null where the JSON would hold raw control bytes).
          if (l.data !== null) expect((l.data as any).data[2].data[1].data.length).toBe(args.length);
          const prints = args.map((a) => a.receiver_print ?? a.sender_print);
          if (prints.every((p) => typeof p === "string" && !p.includes("\n")))
            expect(l.text).toBe(`${want[i]!.event}(${prints.join(", ")})`);
        });
      }
    });
  }

  if (hasSubfolder("zeek-websocket")) {
    for (const f of readdirSync(join(corpusDir(), "zeek-websocket")).filter((n) => n.endsWith(".pcap"))) {
      it(`zeek-websocket/${f}: decodes Zeek's events`, () => {
        const lines = decode(join(corpusDir(), "zeek-websocket", f));
        expect(lines.filter((l) => l.kind === "event").length).toBeGreaterThan(0);
      });
    }
  }
});
