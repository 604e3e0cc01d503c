// Every capture under <corpus>/legacy-comm: each message decodes, re-encodes to
// the captured (inflated) chunks, and what the scripts sent equals the manifest.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { concatDirection, readTcpConnections } from "@brokerkit/capture";
import { expect, it, describe as suite } from "vitest";
import { corpusDir, hasSubfolder, manifests } from "../../../test-support/corpus.js";
import {
  canon,
  canonLog,
  logManifestForm,
  manifestForm,
  resolverFromManifest,
  type TypeResolver,
} from "../test/manifest.js";
import { type Direction, decodeLegacyConnection, type LegacyRecord } from "./connection.js";
import type { LogField } from "./log.js";
import { describe } from "./print.js";
import { LegacySender } from "./sender.js";
import type { BroVal, Serialization } from "./serial/model.js";
import { SynchronizedState } from "./sync.js";

type Obj = Record<string, unknown>;

const SIDE_ALIASES: Record<string, "listener" | "connector"> = {
  listener: "listener",
  bro: "listener",
  connector: "connector",
  broccoli: "connector",
};

function decodeCapture(name: string, manifest: Obj, types: TypeResolver) {
  const pcap = readFileSync(join(corpusDir(), "legacy-comm", name.replace(/\.json$/, ".pcap")));
  const conns = readTcpConnections(pcap);
  expect(conns.length).toBeGreaterThan(0);
  const conn = conns[0]!;
  const listener = (manifest.transport as Obj | undefined)?.listener as string | undefined;
  const listenerDir: Direction = listener === `${conn.orig.ip}:${conn.orig.port}` ? "orig" : "resp";
  const records = decodeLegacyConnection(conn.chunks, { resolveTypeName: types });
  const streams = { orig: concatDirection(conn, "orig"), resp: concatDirection(conn, "resp") };
  return {
    records,
    streams,
    dirOf: (side: string) =>
      SIDE_ALIASES[side] === "listener" ? listenerDir : listenerDir === "orig" ? "resp" : "orig",
  };
}

const serials = (records: LegacyRecord[], dir: Direction): Serialization[] =>
  records.flatMap((r) => (r.dir === dir && r.message.type === "serial" ? [r.message.serialization] : []));

/** Bro prints sets and tables in its own hash order: compare their lines as a multiset. */
function printed(v: BroVal): string {
  const text = describe(v);
  return v.kind === "table" || text.includes("\n") ? normaliseLines(text) : text;
}
const normaliseLines = (text: string) =>
  text
    .split("\n")
    .map((l) => l.replace(/,$/, ""))
    .sort()
    .join("\n");

const all = manifests("legacy-comm");

suite("legacy Bro communication captures", () => {
  it("has captures wherever the corpus has a legacy-comm folder", () => {
    if (hasSubfolder("legacy-comm")) expect(all.length).toBeGreaterThan(0);
  });

  for (const { name, manifest } of all) {
    suite(name, () => {
      const types = resolverFromManifest(manifest.types as Obj | undefined);
      const { records, dirOf, streams } = decodeCapture(name, manifest, types);

      it("decodes every message, with nothing left over", () => {
        const bad = records.filter((r) => r.message.type === "unknown");
        expect(
          bad.map((r) => `${r.dir}@${r.offset}: ${r.message.type === "unknown" && r.message.error?.message}`),
        ).toEqual([]);
        expect(records.length).toBeGreaterThan(4);
      });

      it("re-encodes every message to the captured chunks, object cache included", () => {
        const senders = {
          orig: new LegacySender({ caching: true }),
          resp: new LegacySender({ caching: true }),
        };
        for (const r of records) {
          const chunks = senders[r.dir].chunks(r.message);
          expect(chunks.map((c) => Buffer.from(c).toString("hex"))).toEqual(
            r.chunks.map((c) => Buffer.from(c).toString("hex")),
          );
        }
      });

      it("re-encodes uncompressed messages to the captured stream bytes, framing included", () => {
        const senders = {
          orig: new LegacySender({ caching: true }),
          resp: new LegacySender({ caching: true }),
        };
        let compared = 0;
        for (const r of records) {
          const bytes = senders[r.dir].encode(r.message);
          if (r.compressed) continue;
          compared++;
          expect(Buffer.from(bytes).toString("hex")).toBe(
            Buffer.from(streams[r.dir].subarray(r.offset, r.end)).toString("hex"),
          );
        }
        expect(compared).toBeGreaterThan(4);
      });

      it("carries the VERSION messages the manifest observed", () => {
        const observed = (manifest.protocol as Obj | undefined)?.observed_version_messages as
          | Obj[]
          | undefined;
        if (!observed) return;
        const ours = records.flatMap((r) =>
          r.message.type === "version"
            ? [
                {
                  protocol_version: r.message.protocolVersion,
                  cache_size: r.message.cacheSize,
                  data_format_version: r.message.dataFormatVersion,
                  runtime: r.message.runtime,
                  class: r.message.className ?? "",
                },
              ]
            : [],
        );
        const key = (o: Obj) => JSON.stringify(o, Object.keys(o).sort());
        expect(ours.map(key).sort()).toEqual(observed.map((o) => key(o)).sort());
      });

      const sent = (manifest.sent as Obj[]).map((e): Obj & { side: string } => ({
        ...e,
        side: (e.from ?? e.side) as string,
      }));
      const events = sent.filter((e) => e.kind === "event");
      it("carries each side's events with the manifest's arguments, in order", () => {
        for (const dir of ["orig", "resp"] as const) {
          const expected = events.filter((e) => dirOf(e.side) === dir);
          const ours = serials(records, dir).filter((s) => s.kind === "event");
          expect(ours.map((e) => e.name)).toEqual(expected.map((e) => e.event));
          ours.forEach((ev, i) => {
            const want = expected[i]!.args as Obj[];
            expect(ev.args.length).toBe(want.length);
            ev.args.forEach((arg, j) => {
              const spec = want[j]!;
              expect(canon(arg.type, manifestForm(arg), types), `${ev.name} ${spec.name}`).toEqual(
                canon(arg.type, spec.value, types),
              );
              const print = (spec.receiver_print ?? spec.sender_print) as string | undefined;
              if (print !== undefined)
                expect(printed(arg), `${ev.name} ${spec.name}`).toBe(normalisePrint(print, arg));
            });
          });
        }
      });

      const pings = sent.filter((e) => e.kind === "send_ping");
      if (pings.length)
        it("carries one PING per send_ping and the PONG replies", () => {
          const ping = records.filter((r) => r.message.type === "ping");
          const pong = records.filter((r) => r.message.type === "pong");
          expect(ping.map((r) => r.message.type === "ping" && r.message.seq)).toEqual(
            pings.map((p) => p.ping_seq),
          );
          expect(pong.map((r) => r.message.type === "pong" && r.message.seq)).toEqual(
            pings.map((p) => p.ping_seq),
          );
          for (const r of pong) if (r.message.type === "pong") expect(r.message.time3).toBeGreaterThan(0);
        });

      const logWrites = sent.filter((e) => e.kind === "log-write");
      if (logWrites.length)
        it("carries the log records, typed by their writer's columns", () => {
          const writers = new Map<string, readonly LogField[]>();
          const entries: { path: string; record: Obj }[] = [];
          for (const r of records) {
            if (r.message.type === "log-create-writer")
              writers.set(r.message.writer.info.path, r.message.writer.fields);
            if (r.message.type === "log-write")
              for (const e of r.message.entries) {
                const fields = writers.get(e.path);
                expect(fields, `a writer for ${e.path} before its writes`).toBeDefined();
                entries.push({
                  path: e.path,
                  record: Object.fromEntries(
                    e.values.map((v, i) => [fields![i]!.name, logManifestForm(fields![i]!, v)]),
                  ),
                });
              }
          }
          for (const path of new Set(logWrites.map((w) => w.path as string))) {
            const fields = writers.get(path)!;
            const want = logWrites
              .filter((w) => w.path === path)
              .map((w) =>
                Object.fromEntries(
                  fields.map((f) => [f.name, canonLog(f, (w.record as Obj)[f.name] ?? null)]),
                ),
              );
            expect(entries.filter((e) => e.path === path).map((e) => e.record)).toEqual(want);
          }
        });

      const filters = sent.filter((e) => e.kind === "send_capture_filter");
      if (filters.length)
        it("carries the capture filter, event requests and sync requests", () => {
          expect(
            records.flatMap((r) => (r.message.type === "capture-filter" ? [r.message.filter] : [])),
          ).toEqual(filters.map((f) => f.filter));
          for (const req of sent.filter((e) => e.kind === "request_remote_events")) {
            const dir = dirOf(req.side);
            const names = records.flatMap((r) =>
              r.dir === dir && r.message.type === "request-events" ? r.message.events : [],
            );
            expect([...names].sort()).toEqual([...(req.expected_event_names as string[])].sort());
          }
          for (const req of sent.filter((e) => e.kind === "request_remote_sync")) {
            const dir = dirOf(req.side);
            const ours = records.find((r) => r.dir === dir && r.message.type === "request-sync");
            expect(ours?.message.type === "request-sync" && ours.message.authoritative).toBe(
              req.authoritative ? 1 : 0,
            );
          }
        });

      const finalState = manifest.expected_final_state_both_sides as Obj | undefined;
      if (finalState)
        it("rebuilds the synchronized globals' final state from the state operations", () => {
          const state = new SynchronizedState();
          for (const r of records) {
            if (r.message.type !== "serial") continue;
            const s = r.message.serialization;
            if (s.kind === "state") state.apply(s.access);
            if (s.kind === "id" && s.id.value && s.id.name !== "peer_description")
              state.set(s.id.name, s.id.value);
          }
          for (const [name, want] of Object.entries(finalState)) {
            const ours = state.get(name);
            expect(ours, name).toBeDefined();
            expect(canon(ours!.type, manifestForm(ours!), types), name).toEqual(
              canon(ours!.type, want, types),
            );
          }
        });

      const prints = sent.filter((e) => e.kind === "print-to-file");
      if (prints.length)
        it("carries the remote prints", () => {
          const ours = records.flatMap((r) => (r.message.type === "remote-print" ? r.message.prints : []));
          expect(ours.map((p) => [p.file, Buffer.from(p.text, "latin1").toString("hex")])).toEqual(
            prints.map((p) => [p.file, (p.printed_line as Obj).hex]),
          );
        });
    });
  }
});

/** The manifest's print of a container, reduced like `printed`. */
function normalisePrint(print: string, v: BroVal): string {
  return v.kind === "table" || print.includes("\n") ? normaliseLines(print) : print;
}
