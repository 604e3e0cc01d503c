import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  fragmentIpv4,
  linkFrame,
  readPackets,
  readTcpConnections,
  writePcap,
  writePcapng,
} from "@brokerkit/capture";
import { describe, expect, it } from "vitest";
import { decodeConnection } from "./decode.js";
import { detectProtocol } from "./detect.js";
import { isoNs } from "./record.js";

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

  it("dates bytes that are not Broker frames by the packet that carried them", () => {
    const endpoint = (ip: string, port: number) => ({ ip, port });
    // A native Broker listener's probe, then a client that speaks HTTP to it (an impossible length prefix).
    const probe = Uint8Array.of(0, 0, 0, 5, 7, 0x5a, 0x45, 0x45, 0x4b);
    const http = new TextEncoder().encode("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    const records = decodeConnection({
      orig: endpoint("127.0.0.1", 40000),
      resp: endpoint("127.0.0.1", 9999),
      closed: true,
      chunks: [
        { dir: "resp", data: probe, timestampNs: 1_000_000_000n, frame: 1, gapBefore: 0 },
        { dir: "orig", data: http, timestampNs: 2_500_000_000n, frame: 2, gapBefore: 0 },
      ],
    });
    expect(records.map((r) => [r.protocol, r.kind, r.text, r.ts])).toEqual([
      ["broker-native", "handshake", "probe", isoNs(1_000_000_000n)],
      ["broker-native", "unknown", expect.stringMatching(/^unframed: /), isoNs(2_500_000_000n)],
    ]);
  });

  it("says a TLS peering is encrypted instead of decoding its records as Broker frames", () => {
    const hello = Uint8Array.of(0x16, 0x03, 0x01, 0x00, 0x05, 0x01, 0x00, 0x00, 0x01, 0x03);
    const records = decodeConnection({
      orig: { ip: "127.0.0.1", port: 40000 },
      resp: { ip: "127.0.0.1", port: 9999 },
      closed: true,
      chunks: [{ dir: "orig", data: hello, timestampNs: 5n, frame: 1, gapBefore: 0 }],
    });
    expect(records.map((r) => [r.protocol, r.kind, r.text.split(" ")[0]])).toEqual([
      ["tls", "unknown", "TLS-encrypted"],
    ]);
  });

  it("names WebSocket control frames: close with its code and reason, ping, pong", () => {
    const ascii = (t: string) => new TextEncoder().encode(t);
    const request = ascii(
      "GET /v1/messages/json HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
    );
    const response = ascii(
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
        "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n",
    );
    // Server frames are unmasked; the client's are masked (here with a zero key).
    const close = Uint8Array.of(0x88, 5, 0x03, 0xe8, ...ascii("bye"));
    const ping = Uint8Array.of(0x89, 0x80, 0, 0, 0, 0);
    const pong = Uint8Array.of(0x8a, 0);
    const chunk = (dir: "orig" | "resp", data: Uint8Array, frame: number) => ({
      dir,
      data,
      timestampNs: BigInt(frame),
      frame,
      gapBefore: 0,
    });
    const records = decodeConnection({
      orig: { ip: "127.0.0.1", port: 40000 },
      resp: { ip: "127.0.0.1", port: 9997 },
      closed: true,
      chunks: [
        chunk("orig", request, 1),
        chunk("resp", response, 2),
        chunk("orig", ping, 3),
        chunk("resp", pong, 4),
        chunk("resp", close, 5),
      ],
    });
    expect(records.filter((r) => r.kind === "control").map((r) => r.text)).toEqual([
      "ping",
      "pong",
      'close 1000 "bye"',
    ]);
  });

  it("summarises with stats, and fails clearly on unreadable and non-capture files", () => {
    const stats = run("stats", fixture("store.pcap"));
    expect(stats.status).toBe(0);
    expect(stats.stdout).toMatch(/broker-1/);
    expect(stats.stdout).toMatch(/command/);
    const missing = run("decode", "/nonexistent.pcap");
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/cannot read/);
    const typo = run("decode", fixture("store.pcap"), "--protocol", "broker1");
    expect(typo.status).toBe(2);
    expect(typo.stderr).toMatch(/--protocol must be one of broker-1, /);
    const notCapture = run("decode", fixture("zeek-events.json"));
    expect(notCapture.status).toBe(1);
    expect(notCapture.stderr).toMatch(/pcap or pcapng/);
    expect(run("frobnicate").status).toBe(2);
  });

  it("formats capture times with nanoseconds", () => {
    expect(isoNs(1_705_247_173_137_654_321n)).toBe("2024-01-14T15:46:13.137654321Z");
  });

  const tmp = mkdtempSync(join(tmpdir(), "brokerkit-cli-"));
  const lines = (stdout: string) =>
    stdout
      .trim()
      .split("\n")
      .filter((l) => l)
      .map((l) => JSON.parse(l));

  it("decodes a truncated capture up to where it stops, says where on stderr, and exits 3", () => {
    const whole = readFileSync(fixture("zeek-events.pcap"));
    const cut = join(tmp, "cut.pcap");
    writeFileSync(cut, whole.subarray(0, Math.floor(whole.length * 0.7)));
    const full = lines(run("decode", fixture("zeek-events.pcap")).stdout);
    const out = run("decode", cut);
    expect(out.status).toBe(3);
    expect(out.stderr).toMatch(/stopped at byte \d+ of \d+ after \d+ packets.*truncated/);
    const got = lines(out.stdout);
    expect(got.length).toBeGreaterThan(0);
    expect(got.length).toBeLessThan(full.length);
    // What it printed is what the whole file gives for those messages.
    const texts = new Set(full.map((l) => l.text));
    expect(got.filter((l) => l.kind === "event").every((l) => texts.has(l.text))).toBe(true);
  });

  it("says how many packets a snap length cut short, counts their lost bytes as gaps, and exits 0", () => {
    // The fixture's packets kept to 200 bytes each, as `tcpdump -s 200` would have captured them.
    const packets = [...readPackets(readFileSync(fixture("zeek-events.pcap")))];
    const cut = packets.filter((p) => p.data.length > 200).length;
    const file = join(tmp, "snap.pcap");
    writeFileSync(
      file,
      writePcap(
        packets.map((p) => ({ ...p, data: p.data.subarray(0, 200), originalLength: p.originalLength })),
      ),
    );
    const decoded = run("decode", file);
    expect(decoded.status).toBe(0);
    expect(decoded.stderr).toContain(`${cut} packets were cut short by the capture's snap length`);
    expect(lines(decoded.stdout).some((l) => l.kind === "gap")).toBe(true);
    const stats = run("stats", file);
    expect(stats.stdout).toMatch(/gaps: [1-9]\d* \([1-9]\d* bytes missing\)/);
    expect(stats.stdout).toContain(`packets cut short by the snap length: ${cut}`);
  });

  it("exits 1 for an empty file and a directory, without a progress bar when stderr is piped", () => {
    const empty = join(tmp, "empty.pcap");
    writeFileSync(empty, "");
    const a = run("decode", empty);
    expect(a.status).toBe(1);
    expect(a.stderr).toMatch(/not a capture file/);
    const b = run("stats", tmp);
    expect(b.status).toBe(1);
    expect(b.stderr).toMatch(/cannot read/);
    const ok = run("decode", fixture("store.pcap"));
    expect(ok.status).toBe(0);
    expect(ok.stderr).toBe("");
  });

  it("resynchronises when the capture begins in the middle of the connection", () => {
    const packets = [...readPackets(readFileSync(fixture("zeek-events.pcap")))];
    const full = lines(run("decode", fixture("zeek-events.pcap")).stdout).filter((l) => l.kind === "event");
    // Drop the handshake and the first events, cutting into the middle of a segment stream.
    const start = Math.floor(packets.length / 2);
    const late = join(tmp, "late.pcapng");
    writeFileSync(
      late,
      writePcapng(
        packets.slice(start).map((p) => ({ timestampNs: p.timestampNs, data: p.data })),
        [{ linkType: packets[0]!.linkType, tsresol: 9 }],
      ),
    );
    const out = run("decode", late);
    expect(out.status).toBe(0);
    const events = lines(out.stdout).filter((l) => l.kind === "event");
    expect(events.length).toBeGreaterThan(0);
    expect(lines(out.stdout).every((l) => l.protocol === "broker-1")).toBe(true);
    // The events it found are the last ones of the full decode, in order.
    expect(events.map((e) => e.text)).toEqual(full.slice(full.length - events.length).map((e) => e.text));
  });

  it("reads a capture of IPv4 fragments like the unfragmented one", () => {
    const file = readFileSync(fixture("zeek-events.pcap"));
    const packets = [...readPackets(file)];
    expect(packets[0]!.linkType).toBe(1);
    const fragmented = packets.flatMap((p) => {
      const ip = p.data.subarray(14);
      const parts = ip.length > 100 ? fragmentIpv4(ip, 48).reverse() : [ip];
      return parts.map((f) => ({ timestampNs: p.timestampNs, data: linkFrame(1, f) }));
    });
    const path = join(tmp, "fragments.pcap");
    writeFileSync(path, writePcap(fragmented));
    expect(fragmented.length).toBeGreaterThan(packets.length);
    const out = run("decode", path);
    expect(out.status).toBe(0);
    expect(out.stdout).toBe(run("decode", fixture("zeek-events.pcap")).stdout);
  });
});
