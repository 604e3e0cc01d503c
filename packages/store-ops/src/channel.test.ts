import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  ChannelConsumer,
  ChannelProducer,
  type ConsumerMessage,
  type Delivery,
  type Outgoing,
  type ProducerMessage,
} from "./channel.js";

const events = (ds: Delivery<string>[]) =>
  ds.map((d) => (d.kind === "event" ? `${d.seq}:${d.payload}` : `${d.seq}:lost`));

describe("ChannelProducer", () => {
  it("numbers events as Broker's channel test traces them (first event 2, handshake at the counter)", () => {
    const p = new ChannelProducer<string>();
    expect(p.add("A").send).toEqual([
      { to: "A", message: { kind: "handshake", offset: 1n, heartbeatInterval: 5 } },
    ]);
    expect(p.produce("abc").send).toEqual([{ message: { kind: "event", seq: 2n, payload: "abc" } }]);
    p.produce("def");
    expect(p.add("B").send).toEqual([
      { to: "B", message: { kind: "handshake", offset: 3n, heartbeatInterval: 5 } },
    ]);
    expect(p.produce("ghi").send[0]?.message).toEqual({ kind: "event", seq: 4n, payload: "ghi" });
    expect(p.unacknowledged).toEqual([2n, 3n, 4n]);
  });

  it("sends nothing and keeps its counter while nobody listens", () => {
    const p = new ChannelProducer<string>();
    expect(p.produce("x").send).toEqual([]);
    expect(p.counter).toBe(1n);
  });

  it("drops events once every consumer acknowledged them; ignores older acks", () => {
    const p = new ChannelProducer<string>();
    p.add("A");
    p.add("B");
    for (const x of ["a", "b", "c"]) p.produce(x);
    p.handle("A", { kind: "cumulative_ack", seq: 4n });
    expect(p.unacknowledged).toEqual([2n, 3n, 4n]);
    p.handle("B", { kind: "cumulative_ack", seq: 3n });
    expect(p.unacknowledged).toEqual([4n]);
    p.handle("B", { kind: "cumulative_ack", seq: 2n });
    expect(p.unacknowledged).toEqual([4n]);
  });

  it("answers nacks: [0] adds or re-handshakes, others resend or report retransmit_failed", () => {
    const p = new ChannelProducer<string>();
    expect(p.handle("A", { kind: "nack", seqs: [0n] }).send[0]?.message.kind).toBe("handshake");
    expect(p.handle("Z", { kind: "nack", seqs: [3n] }).send).toEqual([]); // unknown, not [0]
    for (const x of ["a", "b", "c"]) p.produce(x);
    p.handle("A", { kind: "cumulative_ack", seq: 2n });
    expect(p.handle("A", { kind: "nack", seqs: [0n] }).send[0]?.message).toEqual({
      kind: "handshake",
      offset: 1n,
      heartbeatInterval: 5,
    });
    const resent = p.handle("A", { kind: "nack", seqs: [2n, 4n] }).send;
    expect(resent).toEqual([
      { to: "A", message: { kind: "retransmit_failed", seq: 2n } },
      { to: "A", message: { kind: "event", seq: 4n, payload: "c" } },
    ]);
    expect(p.handle("A", { kind: "nack", seqs: [4n, 3n] }).dropped).toEqual([
      { consumer: "A", reason: "invalid_message" },
    ]);
    expect(p.consumers).toEqual([]);
  });

  it("heartbeats after heartbeatInterval quiet ticks and drops consumers silent past the timeout", () => {
    const p = new ChannelProducer<string>({ heartbeatInterval: 2, connectionTimeout: 3 });
    p.add("A");
    p.produce("a");
    const sent: Outgoing<string, string>[] = [];
    const dropped: string[] = [];
    for (let i = 0; i < 6; i++) {
      const s = p.tick();
      sent.push(...s.send);
      dropped.push(...s.dropped.map((d) => d.consumer));
    }
    expect(sent.map((s) => s.message)).toEqual([
      { kind: "heartbeat", seq: 2n },
      { kind: "heartbeat", seq: 2n },
      { kind: "heartbeat", seq: 2n },
    ]);
    expect(dropped).toEqual(["A"]);
    expect(p.unacknowledged).toEqual([]);
  });
});

describe("ChannelConsumer", () => {
  it("acks the offset on handshake and drops early events at or before it", () => {
    const c = new ChannelConsumer<string>();
    expect(c.handle({ kind: "event", seq: 3n, payload: "old" }).delivered).toEqual([]);
    expect(c.handle({ kind: "event", seq: 5n, payload: "e" }).delivered).toEqual([]);
    const step = c.handle({ kind: "handshake", offset: 3n, heartbeatInterval: 5 });
    expect(step.send).toEqual([{ kind: "cumulative_ack", seq: 3n }]);
    expect(step.delivered).toEqual([]);
    expect(c.buffered).toEqual([5n]);
    expect(events(c.handle({ kind: "event", seq: 4n, payload: "d" }).delivered)).toEqual(["4:d", "5:e"]);
  });

  it("nacks every missing seq up to the heartbeat's end after nackTimeout idle ticks", () => {
    const c = new ChannelConsumer<string>();
    expect(c.tick()).toEqual([]);
    expect(c.tick()).toEqual([{ kind: "nack", seqs: [0n] }]);
    c.handle({ kind: "handshake", offset: 1n, heartbeatInterval: 5 });
    c.handle({ kind: "event", seq: 4n, payload: "x" });
    c.handle({ kind: "heartbeat", seq: 7n });
    expect(c.missing()).toEqual([2n, 3n, 5n, 6n, 7n]);
    expect(c.tick()).toEqual([]); // the handshake counted as progress
    expect(c.tick()).toEqual([]);
    expect(c.tick()).toEqual([{ kind: "nack", seqs: [2n, 3n, 5n, 6n, 7n] }]);
  });

  it("delivers a lost seq in order; a clone (abortOnLost) starts over after it", () => {
    for (const abortOnLost of [false, true]) {
      const c = new ChannelConsumer<string>({ abortOnLost });
      c.handle({ kind: "handshake", offset: 1n, heartbeatInterval: 5 });
      c.handle({ kind: "event", seq: 3n, payload: "c" });
      const d = c.handle({ kind: "retransmit_failed", seq: 2n }).delivered;
      expect(events(d)).toEqual(abortOnLost ? ["2:lost"] : ["2:lost", "3:c"]);
      expect(c.initialized).toBe(!abortOnLost);
    }
  });

  it("takes a late copy of an event over an earlier retransmit_failed for it", () => {
    const c = new ChannelConsumer<string>();
    c.handle({ kind: "handshake", offset: 1n, heartbeatInterval: 5 });
    c.handle({ kind: "retransmit_failed", seq: 3n });
    c.handle({ kind: "event", seq: 3n, payload: "c" });
    expect(events(c.handle({ kind: "event", seq: 2n, payload: "b" }).delivered)).toEqual(["2:b", "3:c"]);
  });
});

/** A producer that produced `before` events for an earlier consumer, then took "c", then `after` more. */
function channelTraffic(before: number, after: number) {
  const p = new ChannelProducer<string>();
  const out: ProducerMessage<string>[] = [];
  p.add("early");
  for (let i = 0; i < before; i++) out.push(...p.produce(`b${i}`).send.map((s) => s.message));
  out.push(...p.add("c").send.map((s) => s.message));
  const produced: string[] = [];
  for (let i = 0; i < after; i++) {
    const seq = p.counter + 1n;
    out.push(...p.produce(`a${i}`).send.map((s) => s.message));
    produced.push(`${seq}:a${i}`);
  }
  out.push({ kind: "heartbeat", seq: p.counter });
  return { p, out, produced };
}

describe("channel properties", () => {
  it("any permutation and duplication of a channel's messages delivers its events in seq order, exactly once", () => {
    fc.assert(
      fc.property(
        fc.nat(5),
        fc.nat(20),
        fc.infiniteStream(fc.integer({ min: 1, max: 3 })),
        fc.infiniteStream(fc.nat()),
        (before, after, copies, order) => {
          const { out, produced } = channelTraffic(before, after);
          const shuffled = out.flatMap((m) => Array.from({ length: copies.next().value }, () => m));
          for (let i = shuffled.length - 1; i > 0; i--) {
            const j = order.next().value % (i + 1);
            [shuffled[i], shuffled[j]] = [
              shuffled[j] as ProducerMessage<string>,
              shuffled[i] as ProducerMessage<string>,
            ];
          }
          const c = new ChannelConsumer<string>();
          const delivered = shuffled.flatMap((m) => c.handle(m).delivered);
          expect(events(delivered)).toEqual(produced);
          expect(c.buffered).toEqual([]);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("over a network that loses, reorders and duplicates, nacks and retransmits still deliver everything once, in order", () => {
    fc.assert(
      fc.property(
        fc.nat(30),
        fc.infiniteStream(fc.constantFrom("deliver", "deliver", "lose", "twice", "delay")),
        (n, fate) => {
          const p = new ChannelProducer<string>({ heartbeatInterval: 2 });
          const c = new ChannelConsumer<string>();
          const delivered: Delivery<string>[] = [];
          let inFlight: ProducerMessage<string>[] = [];
          let delayed: ProducerMessage<string>[] = [];
          let back: ConsumerMessage[] = [];
          const toConsumer = (ms: Outgoing<string, string>[], lossy: boolean) => {
            for (const { message } of ms) {
              const f = lossy ? fate.next().value : "deliver";
              if (f === "deliver") inFlight.push(message);
              else if (f === "twice") inFlight.push(message, message);
              else if (f === "delay") delayed.push(message);
            }
          };
          toConsumer(p.add("c").send, true);
          const produced: string[] = [];
          for (let round = 0; round < 400; round++) {
            const lossy = round < 100; // then the network heals, so the run ends
            if (produced.length < n && round % 2 === 0) {
              const seq = p.counter + 1n;
              toConsumer(p.produce(`e${produced.length}`).send, lossy);
              produced.push(`${seq}:e${produced.length}`);
            }
            toConsumer(p.tick().send, lossy);
            if (round % 3 === 0) {
              inFlight.push(...delayed);
              delayed = [];
            }
            for (const m of inFlight) {
              const step = c.handle(m);
              delivered.push(...step.delivered);
              back.push(...step.send);
            }
            inFlight = [];
            back.push(...c.tick());
            for (const m of back) toConsumer(p.handle("c", m).send, lossy);
            back = [];
          }
          expect(events(delivered)).toEqual(produced);
          expect(c.expected).toBe(p.counter + 1n);
          expect(p.unacknowledged).toEqual([]);
        },
      ),
      { numRuns: 200 },
    );
  });
});
