import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { readTcpConnections } from "@brokerkit/capture";
import { describe, expect, it } from "vitest";
import { decodeConnection, isoNs } from "./decode.js";
import { detectProtocol } from "./detect.js";

const fixture = (name: string) =>
  fileURLToPath(new URL(`../../../fixtures/broker-1.4/${name}`, import.meta.url));
const CLI = fileURLToPath(new URL("../dist/cli.js", import.meta.url));
const run = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8" });

describe("brokerkit decode", () => {
  it("detects a Broker 1.x peering and decodes every Zeek event the manifest lists", () => {
    const manifest = JSON.parse(readFileSync(fixture("zeek-events.json"), "utf8"));
    const [conn] = readTcpConnections(readFileSync(fixture("zeek-events.pcap")));
    expect(detectProtocol(conn!)).toBe("broker-1");
    const events = decodeConnection(conn!).filter((r) => r.kind === "event");
    expect(events.map((e) => e.text)).toEqual(manifest.sent.map((s: { broker_str: string }) => s.broker_str));
  });

  it("prints one JSON object per message with the documented fields", () => {
    const out = run("decode", fixture("zeek-events.pcap"), "--topic", "zeek/event/bk-test");
    expect(out.status).toBe(0);
    const lines = out.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.length).toBeGreaterThan(0);
    for (const l of lines) {
      expect(l).toMatchObject({ protocol: "broker-1", kind: "event", topic: "zeek/event/bk-test" });
      expect(l.ts).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
      expect(l.conn).toMatch(/^[\d.]+:\d+>[\d.]+:\d+$/);
      expect(l.data["@data-type"]).toBe("vector");
      expect(typeof l.text).toBe("string");
    }
  });

  it("summarises with stats, and fails clearly on unreadable and non-capture files", () => {
    const stats = run("stats", fixture("store.pcap"));
    expect(stats.status).toBe(0);
    expect(stats.stdout).toMatch(/broker-1/);
    expect(stats.stdout).toMatch(/command/);
    const missing = run("decode", "/nonexistent.pcap");
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/cannot read/);
    const notCapture = run("decode", fixture("zeek-events.json"));
    expect(notCapture.status).toBe(1);
    expect(notCapture.stderr).toMatch(/pcap or pcapng/);
    expect(run("frobnicate").status).toBe(2);
  });

  it("formats capture times with nanoseconds", () => {
    expect(isoNs(1_705_247_173_137_654_321n)).toBe("2024-01-14T15:46:13.137654321Z");
  });
});
