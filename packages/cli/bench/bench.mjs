// Benchmark (not a test): `brokerkit decode` on a large synthetic capture made
// from real Broker 1.4 messages (fixtures/broker-1.4), against tshark's TCP
// payload extraction on the same file, in the same run. The capture is
// written to a temporary directory and removed afterwards.
//   BROKERKIT_BENCH_MB=N   size of the capture (default 128)
import { spawn, spawnSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { readTcpConnections, tcpFrame } from "@brokerkit/capture";
import { decodeBroker1Connection, encodeBaspMessage } from "@brokerkit/wire";

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const targetBytes = Number(process.env.BROKERKIT_BENCH_MB ?? 128) * 1024 * 1024;
const fixtures = here("../../../fixtures/broker-1.4/");

// Messages of each direction of the fixture connections: the handshakes start a
// connection, the data-carrying messages repeat to fill it.
const sources = ["pubsub-all-types.pcap", "zeek-events.pcap", "store.pcap"].map((f) => {
  const [conn] = readTcpConnections(readFileSync(fixtures + f));
  const msgs = decodeBroker1Connection(conn);
  const part = (dir, pred) =>
    msgs
      .filter((m) => m.dir === dir && pred(m.message.header.operation))
      .map((m) => encodeBaspMessage(m.message));
  return {
    start: { orig: part("orig", (op) => op <= 1), resp: part("resp", (op) => op <= 1) },
    body: { orig: part("orig", (op) => op >= 2), resp: part("resp", (op) => op >= 2) },
  };
});

const dir = mkdtempSync(join(tmpdir(), "brokerkit-bench-"));
const file = join(dir, "synthetic.pcap");

function generate() {
  const fd = openSync(file, "w");
  const header = Buffer.alloc(24);
  header.writeUInt32LE(0xa1b2c3d4, 0);
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeUInt32LE(262144, 16);
  header.writeUInt32LE(1, 20);
  writeSync(fd, header);
  let written = 24;
  let ts = 1_700_000_000_000_000n;
  const out = [];
  let pending = 0;
  const packet = (data) => {
    const rec = Buffer.alloc(16);
    ts += 1000n;
    rec.writeUInt32LE(Number(ts / 1_000_000n), 0);
    rec.writeUInt32LE(Number(ts % 1_000_000n), 4);
    rec.writeUInt32LE(data.length, 8);
    rec.writeUInt32LE(data.length, 12);
    out.push(rec, data);
    pending += 16 + data.length;
    written += 16 + data.length;
    if (pending > 1 << 22) {
      writeSync(fd, Buffer.concat(out));
      out.length = 0;
      pending = 0;
    }
  };
  // Eight connections at a time, their segments interleaved, each carrying many copies of its fixture's messages.
  const conns = Array.from({ length: 8 }, (_, i) => ({
    src: sources[i % sources.length],
    port: 40000 + i,
    seq: { orig: 1000 + i, resp: 900000 + i },
    round: 0,
  }));
  const MSS = 1448;
  // One TCP segment of connection c in direction d; a SYN takes the sequence number before the data.
  const segment = (c, d, flags, payload) => {
    const orig = d === "orig";
    packet(
      tcpFrame({
        linkType: 1,
        src: orig ? "10.0.0.1" : "10.0.0.2",
        dst: orig ? "10.0.0.2" : "10.0.0.1",
        srcPort: orig ? c.port : 9999,
        dstPort: orig ? 9999 : c.port,
        seq: flags & 0x02 ? c.seq[d] - 1 : c.seq[d],
        ack: c.seq[orig ? "resp" : "orig"],
        flags,
        payload,
      }),
    );
  };
  const send = (c, d, bytes) => {
    for (let at = 0; at < bytes.length; at += MSS) {
      const payload = bytes.subarray(at, at + MSS);
      segment(c, d, 0x18, payload);
      c.seq[d] = (c.seq[d] + payload.length) >>> 0;
    }
  };
  const join = (parts) => Buffer.concat(parts);
  for (const c of conns) {
    const flag = (d, f) => segment(c, d, f, new Uint8Array());
    flag("orig", 0x02);
    flag("resp", 0x12);
    send(c, "resp", join(c.src.start.resp));
    send(c, "orig", join(c.src.start.orig));
  }
  while (written < targetBytes) {
    for (const c of conns) {
      send(c, "resp", join(c.src.body.resp));
      send(c, "orig", join(c.src.body.orig));
    }
  }
  writeSync(fd, Buffer.concat(out));
  closeSync(fd);
  return written;
}

function timed(command, args) {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
    let lines = 0;
    let stderr = "";
    child.stdout.on("data", (b) => {
      for (let i = b.indexOf(10); i >= 0; i = b.indexOf(10, i + 1)) lines++;
    });
    child.stderr.on("data", (b) => {
      stderr += b;
    });
    child.on("error", reject);
    child.on("close", (status) => {
      resolve({ seconds: Number(process.hrtime.bigint() - start) / 1e9, lines, status, stderr });
    });
  });
}

const size = generate();
const mb = statSync(file).size / (1024 * 1024);
console.log(`synthetic capture: ${mb.toFixed(1)} MiB (${size} bytes) in ${file}`);

const cli = await timed(process.execPath, [
  "--import",
  here("./rss-report.mjs"),
  here("../dist/cli.js"),
  "decode",
  file,
]);
if (cli.status !== 0) throw new Error(`brokerkit decode failed (${cli.status}): ${cli.stderr}`);
const rssKb = Number(/BENCH_MAX_RSS_KB=(\d+)/.exec(cli.stderr)?.[1] ?? Number.NaN);
console.log(
  `brokerkit decode: ${cli.seconds.toFixed(2)} s, ${(mb / cli.seconds).toFixed(1)} MiB/s, ` +
    `${cli.lines} messages, ${Math.round(cli.lines / cli.seconds)} messages/s, peak RSS ${(rssKb / 1024).toFixed(0)} MiB`,
);

const hasTshark = spawnSync("tshark", ["--version"], { stdio: "ignore" }).status === 0;
if (!hasTshark) {
  console.log("tshark: not installed (apt-get install -y tshark); no baseline this run");
} else {
  const ts = await timed("tshark", ["-r", file, "-T", "fields", "-e", "tcp.payload"]);
  if (ts.status !== 0) throw new Error(`tshark failed (${ts.status}): ${ts.stderr}`);
  console.log(
    `tshark -T fields -e tcp.payload: ${ts.seconds.toFixed(2)} s, ${(mb / ts.seconds).toFixed(1)} MiB/s`,
  );
  const ratio = ts.seconds / cli.seconds;
  console.log(`ratio: brokerkit is ${ratio.toFixed(1)}x tshark's speed (target: at least 10x)`);
}
if (!process.env.BROKERKIT_BENCH_KEEP) rmSync(dir, { recursive: true, force: true });
