// Decode a captured Broker 1.x peering: every data message and store command,
// with its direction, topic and value in Broker's text form.
// Usage: npm run example:decode [-- FILE.pcap]
import { readFileSync } from "node:fs";
import { readTcpConnections } from "@brokerkit/capture";
import { toText } from "@brokerkit/data-model";
import { decodeBroker1Connection, nodeMessagesOf } from "@brokerkit/wire";

const file = process.argv[2] ?? new URL("../fixtures/broker-1.4/zeek-events.pcap", import.meta.url);

for (const conn of readTcpConnections(readFileSync(file))) {
  const peers = { orig: `${conn.orig.ip}:${conn.orig.port}`, resp: `${conn.resp.ip}:${conn.resp.port}` };
  for (const m of decodeBroker1Connection(conn)) {
    const arrow = m.dir === "orig" ? `${peers.orig} > ${peers.resp}` : `${peers.resp} > ${peers.orig}`;
    for (const n of nodeMessagesOf(m.message)) {
      const c = n.content;
      const what =
        c.kind === "data"
          ? toText(c.data)
          : `store ${c.command.kind}${"key" in c.command ? ` ${toText(c.command.key)}` : ""}`;
      console.log(`frame ${String(m.frame).padStart(4)}  ${arrow}  ${c.topic}  ${what}`);
    }
  }
}
