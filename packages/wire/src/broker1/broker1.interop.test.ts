// Live interop with real Broker 1.4 (Debian's python3-broker, CAF 0.17): random
// values published from one endpoint to another over loopback, captured with
// tcpdump, then decoded here. Every value must come out of the capture, in
// order, equal to what CAF 0.17 serializes for it, and every BASP message of
// both directions must re-encode to exactly the captured bytes.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { concatDirection, readTcpConnections } from "@brokerkit/capture";
import { type Data, equals, toText } from "@brokerkit/data-model";
import { arbitraryData } from "@brokerkit/data-model/arbitrary";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { brokerOracleForm } from "../../../../test-support/broker-oracle.js";
import { decodeData } from "../data/decode.js";
import { encodeData } from "../data/encode.js";
import { encodeBaspMessage } from "./basp.js";
import { decodeBroker1Connection, nodeMessagesOf } from "./connection.js";

const PYTHON = "/usr/bin/python3";
const PEERING = fileURLToPath(new URL("../../interop/broker_peering.py", import.meta.url));
const TOPIC = "brokerkit/interop";
const RUNS = Number(process.env.BROKERKIT_INTEROP_RUNS ?? 300);

/** What a CAF 0.17 receiver holds for a value handed to Broker (its real packing included). */
const asReceived = (v: Data) => decodeData(encodeData(v, { format: "broker-1" }), { format: "broker-1" });

// Left out: infinite reals (publishing one hangs a CAF 0.17 sender); sets or tables with two
// subnets of one network (Broker 1.x's subnet order keeps only one; see compareLegacy); and
// subnormal or NaN reals inside set elements or table keys. CAF 0.17 packs a subnormal as an
// unrelated normal number (-5e-324 arrives as -1.6e293) and NaN as -1.0, so the sender's order
// is not the order of what arrives: the receiving map (Broker's, and ours) re-sorts, and the
// sender's bytes cannot be rebuilt from the value. Such reals elsewhere are in.
const mangledInside = (v: Data): boolean => {
  switch (v.type) {
    case "real":
      return Number.isNaN(v.value) || (v.value !== 0 && Math.abs(v.value) < 2.2250738585072014e-308);
    case "vector":
    case "set":
      return v.elements.some(mangledInside);
    case "table":
      return v.entries.some(([k, x]) => mangledInside(k) || mangledInside(x));
    default:
      return false;
  }
};
const sameNetworkTwice = (xs: readonly Data[]) => {
  const nets = xs
    .filter((x) => x.type === "subnet")
    .map((x) => (x.type === "subnet" ? x.network.binary : ""));
  return new Set(nets).size !== nets.length;
};
const publishable = (v: Data): boolean => {
  switch (v.type) {
    case "vector":
      return v.elements.every(publishable);
    case "set":
      return (
        !sameNetworkTwice(v.elements) && !v.elements.some(mangledInside) && v.elements.every(publishable)
      );
    case "table":
      return (
        !sameNetworkTwice(v.entries.map(([k]) => k)) &&
        !v.entries.some(([k]) => mangledInside(k)) &&
        v.entries.every(([k, x]) => publishable(k) && publishable(x))
      );
    default:
      return true;
  }
};

describe("Broker 1.4 peerings captured live", () => {
  it(`decode and re-encode exactly, for ${RUNS} random values`, () => {
    const values = fc.sample(
      arbitraryData({ edgeBias: true, noInfinity: true, maxDepth: 2, maxLength: 4 }).filter(publishable),
      { numRuns: RUNS, ...(process.env.BROKERKIT_SEED ? { seed: Number(process.env.BROKERKIT_SEED) } : {}) },
    );
    const dir = mkdtempSync(join(tmpdir(), "brokerkit-interop-"));
    let keep = false;
    try {
      const pcap = join(dir, "peering.pcap");
      const run = spawnSync(PYTHON, [PEERING], {
        input: JSON.stringify({ pcap, topic: TOPIC, values: values.map(brokerOracleForm) }),
        encoding: "utf8",
        timeout: 110_000,
      });
      if (run.status !== 0) throw new Error(`the Broker peering failed: ${run.stderr}`);
      expect(JSON.parse(run.stdout).delivered).toBe(values.length);

      const conns = readTcpConnections(readFileSync(pcap));
      expect(conns).toHaveLength(1);
      const conn = conns[0]!;
      const messages = decodeBroker1Connection(conn);
      for (const d of ["orig", "resp"] as const) {
        const stream = Buffer.from(concatDirection(conn, d));
        let at = 0;
        for (const m of messages.filter((x) => x.dir === d)) {
          const bytes = Buffer.from(encodeBaspMessage(m.message));
          const captured = stream.subarray(at, at + bytes.length);
          if (!bytes.equals(captured)) {
            const i = bytes.findIndex((b, k) => b !== captured[k]);
            keep = true;
            expect.fail(
              `${d} message at byte ${at} (${m.message.payload.kind}) re-encodes differently from byte ${i}: ` +
                `${bytes.subarray(Math.max(0, i - 8), i + 24).toString("hex")} vs ` +
                `${captured.subarray(Math.max(0, i - 8), i + 24).toString("hex")} (capture kept in ${pcap})`,
            );
          }
          at += bytes.length;
        }
        expect(at, `${d}: every captured byte belongs to a decoded message`).toBe(stream.length);
      }
      const got = messages
        .flatMap((m) => nodeMessagesOf(m.message))
        .flatMap((n) => (n.content.kind === "data" && n.content.topic === TOPIC ? [n.content.data] : []));
      expect(got).toHaveLength(values.length);
      values.forEach((v, i) => {
        const want = asReceived(v);
        expect(equals(got[i]!, want), `value ${i}: ${toText(got[i]!)} vs ${toText(want)}`).toBe(true);
      });
    } finally {
      if (!keep) rmSync(dir, { recursive: true, force: true });
    }
  });
});
