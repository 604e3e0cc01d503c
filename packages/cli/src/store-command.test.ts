import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { readTcpConnections } from "@brokerkit/capture";
import { fromJson, string, timespan, toText } from "@brokerkit/data-model";
import { describe, expect, it } from "vitest";
import { parseReplayPoint, storeContents, storeContentsText, storeEntryToJsonLine } from "./store-command.js";

const fixture = (name: string) =>
  fileURLToPath(new URL(`../../../fixtures/broker-1.4/${name}`, import.meta.url));
const CLI = fileURLToPath(new URL("../dist/cli.js", import.meta.url));
const run = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8" });

type Obj = Record<string, unknown>;
const manifest = JSON.parse(readFileSync(fixture("store.json"), "utf8")) as Obj;
const text = (e: Obj) => `${(e.key as Obj).broker_str} -> ${(e.value as Obj).broker_str}`;
const clone = ((manifest.final_contents as Obj).clone as Obj[]).map(text).sort();
const conns = readTcpConnections(readFileSync(fixture("store.pcap")));

describe("brokerkit store (Broker 1.4 capture)", () => {
  it("rebuilds the store's final contents as the real clone held them", () => {
    const { stores, entries, warnings } = storeContents(conns);
    expect(stores).toEqual([manifest.store_name]);
    expect(warnings).toEqual([]);
    expect(entries.map((e) => `${toText(e.key)} -> ${toText(e.value)}`).sort()).toEqual(clone);
  });

  it("stops at a sequence number or a time: before the first mutation after the attach, only the snapshot", () => {
    const ops = manifest.operations as Obj[];
    const attachIndex = ops.findIndex((o) => o.method === "attach_clone");
    const before = ops.slice(0, attachIndex).filter((o) => o.method === "put");
    const expected = before.map(
      (o) => `${(o.args as Obj[])[0]?.broker_str} -> ${(o.args as Obj[])[1]?.broker_str}`,
    );
    const next = ((ops[attachIndex + 1] as Obj).wire_window as Obj).from_time as number;
    for (const at of [{ seq: 1n }, parseReplayPoint(next.toFixed(6))]) {
      const { entries } = storeContents(conns, at);
      expect(entries.map((e) => `${toText(e.key)} -> ${toText(e.value)}`).sort()).toEqual(expected.sort());
    }
    expect(storeContents(conns, { seq: 0n }).entries).toEqual([]);
  });

  it("prints JSON lines with store, key, value (Broker's JSON), their text forms and the expiry", () => {
    const out = run("store", fixture("store.pcap"));
    expect(out.status).toBe(0);
    const lines = out.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Obj);
    expect(lines.map((l) => `${l.keyText} -> ${l.valueText}`).sort()).toEqual(clone);
    for (const l of lines) {
      expect(l.store).toBe(manifest.store_name);
      expect(toText(fromJson(l.key as object))).toBe(l.keyText);
      expect(toText(fromJson(l.value as object))).toBe(l.valueText);
    }
    // One key was put with an expiry that outlives the capture.
    expect(lines.filter((l) => l.expiry !== undefined).map((l) => l.keyText)).toEqual(["m:keep"]);
    expect(lines.find((l) => l.expiry)?.expiry).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
  });

  it("prints aligned text, one heading per store", () => {
    const out = run("store", fixture("store.pcap"), "--format", "text", "--at", "1");
    expect(out.status).toBe(0);
    expect(out.stdout).toBe("bk_store (2 entries)\n  pre:count  1\n  pre:str    before clone\n");
  });

  it("rejects bad options with status 2 and unreadable files with status 1", () => {
    expect(run("store").status).toBe(2);
    expect(run("store", fixture("store.pcap"), "--at", "yesterday").status).toBe(2);
    expect(run("store", fixture("store.pcap"), "--format", "xml").status).toBe(2);
    const missing = run("store", "/nonexistent.pcap");
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/cannot read/);
    const notCapture = run("store", fixture("store.json"));
    expect(notCapture.status).toBe(1);
  });
});

describe("store output forms", () => {
  it("parses --at: integers are sequence numbers, times are ISO 8601 or epoch seconds with a fraction", () => {
    expect(parseReplayPoint("42")).toEqual({ seq: 42n });
    expect(parseReplayPoint("1795579053.5")).toEqual({ time: 1795579053500000000n });
    expect(parseReplayPoint("2026-11-25T03:57:33.123456789Z")).toEqual({ time: 1795579053123456789n });
    expect(parseReplayPoint("2026-11-25T04:57:33+01:00")).toEqual({ time: 1795579053000000000n });
    expect(parseReplayPoint("soon")).toBeUndefined();
    expect(parseReplayPoint("2026-13-45T99:00:00Z")).toBeUndefined();
  });

  it("writes Broker's JSON for key and value, null where that is not JSON", () => {
    const e = { store: "s", key: string("k"), value: timespan(90_000_000_000n), expiry: 1_000_000_001n };
    expect(JSON.parse(storeEntryToJsonLine(e))).toEqual({
      store: "s",
      key: { "@data-type": "string", data: "k" },
      value: { "@data-type": "timespan", data: "90s" },
      keyText: "k",
      valueText: "90000000000ns",
      expiry: "1970-01-01T00:00:01.000000001Z",
    });
    expect(storeContentsText(["empty", "s"], [e])).toBe(
      "empty (0 entries)\ns (1 entry)\n  k  90000000000ns  expires 1970-01-01T00:00:01.000000001Z\n",
    );
  });
});
