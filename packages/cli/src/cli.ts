import { isatty } from "node:tty";
import { PROTOCOLS } from "./detect.js";
import { BatchedOutput } from "./output.js";
import { decodeCaptureFile } from "./pipeline.js";
import { progressBar } from "./progress.js";
import { type DecodedRecord, recordToJsonLine } from "./record.js";
import { STORE_USAGE, storeCommand } from "./store-command.js";

const USAGE = `usage:
  brokerkit decode FILE... [--format jsonl|text] [--topic PREFIX] [--protocol NAME] [--conn FILTER]
  brokerkit stats FILE...
  ${STORE_USAGE}

Decodes captured Zeek Broker traffic (Broker 1.x, the current native protocol, the
WebSocket JSON API, and Bro's pre-Broker communication protocol; plain TCP, not TLS)
from pcap and pcapng files. --protocol NAME is one of ${PROTOCOLS.join(", ")}
(tls is recognised, not decodable).

exit status: 0 all decoded; 1 a file could not be read or is not a capture;
2 usage error; 3 a capture is damaged or truncated (decoded up to where it stops).`;

/** Exit statuses (see USAGE); with several problems, the highest wins. */
export const EXIT = { ok: 0, unreadable: 1, usage: 2, truncated: 3 } as const;

interface Options {
  format: "jsonl" | "text";
  topic?: string;
  protocol?: string;
  conn?: string;
  files: string[];
}

function parse(args: string[]): Options {
  const o: Options = { format: "jsonl", files: [] };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const value = () => {
      const v = args[++i];
      if (v === undefined) fail(`${a} needs a value`);
      return v;
    };
    if (a === "--format") {
      const f = value();
      if (f !== "jsonl" && f !== "text") fail(`--format must be jsonl or text, not ${f}`);
      o.format = f;
    } else if (a === "--topic") o.topic = value();
    else if (a === "--protocol") {
      const p = value();
      if (!(PROTOCOLS as readonly string[]).includes(p))
        fail(`--protocol must be one of ${PROTOCOLS.join(", ")}, not ${p}`);
      o.protocol = p;
    } else if (a === "--conn") o.conn = value();
    else if (a.startsWith("--")) fail(`unknown option ${a}`);
    else o.files.push(a);
  }
  if (o.files.length === 0) fail("no capture file given");
  return o;
}

function fail(message: string): never {
  process.stderr.write(`brokerkit: ${message}\n${USAGE}\n`);
  process.exit(EXIT.usage);
}

function matches(r: DecodedRecord, o: Options): boolean {
  return (
    (o.topic === undefined || (r.topic ?? "").startsWith(o.topic)) &&
    (o.protocol === undefined || r.protocol === o.protocol) &&
    (o.conn === undefined || r.conn.includes(o.conn))
  );
}

const colour = isatty(1)
  ? (code: number, s: string) => `\x1b[${code}m${s}\x1b[0m`
  : (_: number, s: string) => s;
const KIND_COLOURS: Record<string, number> = {
  event: 32,
  data: 36,
  command: 35,
  log: 34,
  error: 31,
  unknown: 31,
  gap: 31,
};

// A reader that stops early (| head) is not an error.
const out = new BatchedOutput(1, () => process.exit(EXIT.ok));

function textLine(r: DecodedRecord): string {
  const arrow = r.dir === "orig" ? "→" : "←";
  if (r.kind === "gap")
    return [
      colour(2, r.ts),
      `${r.conn} ${arrow}`,
      r.protocol.padEnd(16),
      colour(31, "gap".padEnd(10)),
      "",
      r.text,
    ].join("  ");
  const head = [
    colour(2, r.ts),
    `${r.conn} ${arrow}`,
    r.protocol.padEnd(16),
    colour(KIND_COLOURS[r.kind] ?? 33, r.kind.padEnd(10)),
    r.topic ?? "",
  ].join("  ");
  // Bro prints sets and tables over several lines: keep them under the text column.
  if (!r.text.includes("\n")) return `${head}  ${r.text}`;
  const width = [r.ts, `${r.conn} ${arrow}`, r.protocol.padEnd(16), r.kind.padEnd(10), r.topic ?? ""].join(
    "  ",
  ).length;
  const indent = " ".repeat(width + 2);
  return `${head}  ${r.text.replaceAll("\n", `\n${indent}`)}`;
}

function main(argv: string[]): number {
  const [command, ...rest] = argv;
  if (command === "store")
    return storeCommand(rest, { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) });
  if (command !== "decode" && command !== "stats")
    fail(command ? `unknown command ${command}` : "no command given");
  const o = parse(rest);
  let status = 0;
  const stats = {
    connections: new Map<string, number>(),
    kinds: new Map<string, number>(),
    topics: new Map<string, number>(),
    bytes: 0,
    gaps: 0,
    missing: 0,
    cutPackets: 0,
  };
  for (const file of o.files) {
    const outcome = decodeCaptureFile(file, {
      onRecord(r) {
        if (!matches(r, o)) return;
        if (command === "decode") {
          out.write(`${o.format === "jsonl" ? recordToJsonLine(r) : textLine(r)}\n`);
          return;
        }
        stats.kinds.set(r.kind, (stats.kinds.get(r.kind) ?? 0) + 1);
        if (r.topic !== undefined) stats.topics.set(r.topic, (stats.topics.get(r.topic) ?? 0) + 1);
      },
      onChunk(_, c) {
        stats.bytes += c.data.length;
        stats.gaps += c.gapBefore > 0 ? 1 : 0;
        stats.missing += c.gapBefore;
      },
      onConnectionEnd(flow, protocol) {
        const name = `${flow.orig.ip}:${flow.orig.port}>${flow.resp.ip}:${flow.resp.port}`;
        if (o.protocol !== undefined && protocol !== o.protocol) return;
        if (o.conn !== undefined && !name.includes(o.conn)) return;
        stats.connections.set(protocol, (stats.connections.get(protocol) ?? 0) + 1);
      },
      progress: (size) => progressBar(process.stderr, file, size),
    });
    out.flush();
    if ((outcome.status === "ok" || outcome.status === "truncated") && outcome.cutPackets > 0) {
      stats.cutPackets += outcome.cutPackets;
      process.stderr.write(
        `brokerkit: ${file}: ${outcome.cutPackets} packets were cut short by the capture's snap length; the bytes they lost show as gaps\n`,
      );
    }
    if (outcome.status !== "ok") {
      process.stderr.write(`brokerkit: ${outcome.message}\n`);
      status = Math.max(status, outcome.status === "truncated" ? EXIT.truncated : EXIT.unreadable);
    }
  }
  if (command === "stats") {
    const table = (title: string, m: Map<string, number>) =>
      `${title}:\n${[...m]
        .sort((a, b) => b[1] - a[1])
        .map(([k, n]) => `  ${String(n).padStart(8)}  ${k}`)
        .join("\n")}`;
    out.write(
      `${[table("connections by protocol", stats.connections), table("messages by kind", stats.kinds), table("messages by topic", stats.topics)].join("\n")}\npayload bytes: ${stats.bytes}\ngaps: ${stats.gaps} (${stats.missing} bytes missing)\n${
        stats.cutPackets > 0 ? `packets cut short by the snap length: ${stats.cutPackets}\n` : ""
      }`,
    );
    out.flush();
  }
  return status;
}

process.exitCode = main(process.argv.slice(2));
