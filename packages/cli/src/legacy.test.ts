import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { readPackets, readTcpConnections, writePcap } from "@brokerkit/capture";
import { toText } from "@brokerkit/data-model";
import { asZeekMessage } from "@brokerkit/wire";
import { describe, expect, it } from "vitest";
import { LegacyDecoder } from "./legacy.js";

const CLI = fileURLToPath(new URL("../dist/cli.js", import.meta.url));
const pcap = (name: string) =>
  readFileSync(new URL(`../../../fixtures/legacy-comm/${name}`, import.meta.url));

function items(name: string) {
  const [conn] = readTcpConnections(pcap(name));
  const d = new LegacyDecoder();
  return conn!.chunks.flatMap((c) => d.push(c.dir, c.data));
}

describe("legacy messages in brokerkit decode", () => {
  it("shows events as Bro prints them, with Broker's Zeek event layout as data", () => {
    const events = items("bk-events.pcap").filter((i) => i.kind === "event");
    expect(events).toHaveLength(14);
    const net = events.find((e) => e.text.startsWith("BK::ev_net("))!;
    expect(net.text).toBe(
      "BK::ev_net(192.0.2.1, 2001:db8::ff00:42:8329, 10.0.0.0/8, 2001:db8::/32, 80/tcp, 53/udp, 8/icmp, 5/unknown)",
    );
    const z = asZeekMessage(net.data!);
    expect(z?.type).toBe("event");
    expect(toText(net.data!)).toContain("192.0.2.1");
    expect(events.find((e) => e.text.startsWith("BK::ev_atomic("))!.text).toContain(
      "T, F, 0, 18446744073709551615",
    );
  });

  it("shows the handshake, state operations, log records and prints of a sync", () => {
    const all = items("bk-sync.pcap");
    expect(all.filter((i) => i.kind === "handshake").map((i) => i.text)).toContain(
      "REQUEST_SYNC (authoritative)",
    );
    expect(all.filter((i) => i.kind === "state").map((i) => i.text)).toContain("INCR BK::cnt 105 100");
    expect(all.filter((i) => i.kind === "log").map((i) => i.text)).toContain(
      "bk_log: ts=1500000002.25 msg=second, unset host=- tags=-",
    );
    expect(all.filter((i) => i.kind === "print").map((i) => i.text)).toEqual([
      "bk_print.txt: printed remotely",
    ]);
    expect(all.filter((i) => i.kind === "unknown")).toEqual([]);
  });
});

describe("legacy connections the capture joined midway", () => {
  it("are recognised and decoded from the first message that decodes whole", () => {
    const packets = [...readPackets(pcap("bk-events.pcap"))];
    // Drop the TCP handshake and the first packets of the conversation (both VERSIONs among them).
    const kept = packets.slice(8);
    const file = join(mkdtempSync(join(tmpdir(), "bk-legacy-")), "mid.pcap");
    writeFileSync(file, writePcap(kept, { linkType: packets[0]!.linkType }));
    const run = spawnSync(process.execPath, [CLI, "decode", file], { encoding: "utf8" });
    expect(run.status).toBe(0);
    const lines = run.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.every((l) => l.protocol === "bro-legacy")).toBe(true);
    expect(lines.filter((l) => l.text.startsWith("VERSION")).length).toBeLessThan(2);
    const events = lines.filter((l) => l.kind === "event").map((l) => l.text as string);
    expect(events.some((t) => t.startsWith("BK::ev_done("))).toBe(true);
    expect(events.some((t) => t.startsWith("BK::ev_done_echo("))).toBe(true);
  });
});

describe("legacy events in the text format", () => {
  it("keeps Bro's multi-line prints of sets and tables under the text column", () => {
    const run = spawnSync(
      process.execPath,
      [
        CLI,
        "decode",
        fileURLToPath(new URL("../../../fixtures/legacy-comm/bk-events.pcap", import.meta.url)),
        "--format",
        "text",
      ],
      { encoding: "utf8" },
    );
    expect(run.status).toBe(0);
    const lines = run.stdout.trimEnd().split("\n");
    const start = lines.findIndex((l) => l.includes("BK::ev_containers("));
    const column = lines[start]!.indexOf("BK::ev_containers(");
    expect(lines[start + 1]!.slice(0, column).trim()).toBe("");
    expect(lines[start + 1]!.slice(column)).toBe("[http, 80/tcp] ,");
    for (const l of lines) expect(/^\d{4}-|^ {20,}/.test(l) || l === "").toBe(true);
  });
});
