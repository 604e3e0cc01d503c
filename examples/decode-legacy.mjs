// Decode a captured pre-Broker Bro communication connection (Bro 2.x or
// Broccoli, port 47757): every event as Bro prints it, with its arguments as
// Broker data too, plus log records and synchronized-state updates.
// Usage: npm run example:legacy [-- FILE.pcap]
import { readFileSync } from "node:fs";
import { readTcpConnections } from "@brokerkit/capture";
import { toText } from "@brokerkit/data-model";
import {
  decodeLegacyConnection,
  describe,
  describeEvent,
  STATE_OP_NAMES,
  toBrokerData,
} from "@brokerkit/legacy-comm";

const file = process.argv[2] ?? new URL("../fixtures/legacy-comm/bk-sync.pcap", import.meta.url);

for (const conn of readTcpConnections(readFileSync(file))) {
  for (const r of decodeLegacyConnection(conn.chunks)) {
    const m = r.message;
    if (m.type === "serial" && m.serialization.kind === "event") {
      const { name, args } = m.serialization;
      console.log(`${r.dir}  event  ${describeEvent(name, args)}`);
      console.log(`${r.dir}         as Broker data: ${args.map((a) => toText(toBrokerData(a))).join(", ")}`);
    } else if (m.type === "serial" && m.serialization.kind === "state") {
      const a = m.serialization.access;
      console.log(`${r.dir}  state  ${STATE_OP_NAMES[a.opcode]} ${a.target} ${describe(a.op1)}`);
    } else if (m.type === "log-write") {
      for (const e of m.entries) console.log(`${r.dir}  log    ${e.path} (${e.values.length} columns)`);
    } else if (m.type === "unknown") {
      console.log(`${r.dir}  ?      ${m.error?.message ?? "not a peer message"}`);
    }
  }
}
