import { bytesToBinary, count, string, toText } from "@brokerkit/data-model";
import { type CommandContent, encodeStoreCommand, type NativeMessage } from "@brokerkit/wire";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { replayBroadcasts } from "./replay.js";
import { currentStoreLogs } from "./traffic.js";

const A = { endpoint: "\x11".repeat(16), object: 5n };
const NIL = { endpoint: "\0".repeat(16), object: 0n };

const envelope = (topic: string, seq: bigint, content: CommandContent): NativeMessage => ({
  kind: "envelope",
  sender: A.endpoint,
  receiver: "\0".repeat(16),
  ttl: 16,
  topic,
  payload: {
    type: "command",
    raw: bytesToBinary(encodeStoreCommand({ seq, sender: A, receiver: NIL, content })),
  },
});

const put = (k: string, v: bigint): CommandContent => ({
  kind: "put",
  key: string(k),
  value: count(v),
  publisher: A,
});

/** A master's clone-topic traffic: ack_clone at offset 3 with a snapshot, then broadcasts 4..3+n. */
function traffic(n: number) {
  const topic = "s/<$>/data/clone";
  const out: NativeMessage[] = [
    envelope(topic, 2n, put("before", 0n)), // already in the snapshot
    envelope(topic, 3n, {
      kind: "ack_clone",
      offset: 3n,
      heartbeatInterval: 5,
      state: [[string("snap"), count(1n)]],
    }),
  ];
  for (let i = 0; i < n; i++) out.push(envelope(topic, 4n + BigInt(i), put(`k${i % 3}`, BigInt(i))));
  out.push(envelope(topic, 0n, { kind: "keepalive", seq: 3n + BigInt(n) }));
  out.push(envelope("s/<$>/data/master", 0n, { kind: "cumulative_ack", seq: 3n }));
  return out;
}

const contents = (frames: NativeMessage[]) => {
  const { logs } = currentStoreLogs(frames.map((message) => ({ message })));
  const log = logs.get("s") ?? [];
  return {
    seqs: log.map((c) => c.seq),
    contents: replayBroadcasts(log)
      .clone.backend.entries()
      .map((e) => `${toText(e.key)}=${toText(e.value)}`),
  };
};

describe("currentStoreLogs", () => {
  it("gives the snapshot, then the broadcasts after its offset in channel order", () => {
    const r = contents(traffic(4));
    expect(r.seqs).toEqual([3n, 4n, 5n, 6n, 7n]);
    expect(r.contents).toEqual(["k0=3", "k1=1", "k2=2", "snap=1"]);
  });

  it("rebuilds the same store from any order and duplication of the ack_clone and the broadcasts", () => {
    fc.assert(
      fc.property(
        fc.nat(12),
        fc.infiniteStream(fc.nat()),
        fc.infiniteStream(fc.integer({ min: 1, max: 3 })),
        (n, order, copies) => {
          const inOrder = contents(traffic(n));
          const frames = traffic(n).flatMap((f) => Array.from({ length: copies.next().value }, () => f));
          for (let i = frames.length - 1; i > 0; i--) {
            const j = order.next().value % (i + 1);
            [frames[i], frames[j]] = [frames[j] as NativeMessage, frames[i] as NativeMessage];
          }
          expect(contents(frames)).toEqual(inOrder);
        },
      ),
    );
  });

  it("reports command envelopes that do not decode and goes on", () => {
    const bad: NativeMessage = {
      kind: "envelope",
      sender: A.endpoint,
      receiver: NIL.endpoint,
      ttl: 16,
      topic: "s/<$>/data/clone",
      payload: { type: "command", raw: "\0\0\0" },
    };
    const { logs, errors } = currentStoreLogs(
      [bad, ...traffic(1)].map((message) => ({ message, timestampNs: 7n })),
    );
    expect(errors).toMatchObject([{ store: "s", time: 7n, error: { kind: "truncated" } }]);
    expect(logs.get("s")?.length).toBe(2);
  });
});
