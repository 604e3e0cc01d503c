// The reliable ordered channel current Broker runs under its stores (spec §8.8,
// internal/channel.hh): one producer, many consumers, over pub/sub that may
// lose, reorder and duplicate. The master's broadcasts to its clones are one
// channel; each writing clone opens its own to the master. Both ends are
// modelled as small state machines that return what they would send instead
// of sending it, and that advance time only through `tick()`.

/** What a producer sends: handshake = ack_clone / attach_writer, heartbeat = keepalive. */
export type ProducerMessage<P> =
  | { readonly kind: "handshake"; readonly offset: bigint; readonly heartbeatInterval: number }
  | { readonly kind: "event"; readonly seq: bigint; readonly payload: P }
  | { readonly kind: "heartbeat"; readonly seq: bigint }
  | { readonly kind: "retransmit_failed"; readonly seq: bigint };

/** What a consumer sends back. */
export type ConsumerMessage =
  | { readonly kind: "cumulative_ack"; readonly seq: bigint }
  | { readonly kind: "nack"; readonly seqs: readonly bigint[] };

/** What a consumer hands to its store, strictly in sequence order: an event, or a seq known lost. */
export type Delivery<P> =
  | { readonly kind: "event"; readonly seq: bigint; readonly payload: P }
  | { readonly kind: "lost"; readonly seq: bigint };

export interface ConsumerStep<P> {
  readonly delivered: Delivery<P>[];
  readonly send: ConsumerMessage[];
}

export interface ConsumerOptions {
  /** Ticks without progress before asking again (Broker's `nack-timeout`, default 2). */
  readonly nackTimeout?: number;
  /**
   * A clone aborts its input when it reaches a lost event (`broken_clone`): the
   * consumer resets and waits for a new handshake. The master logs and skips,
   * which is the default.
   */
  readonly abortOnLost?: boolean;
}

// A buffered seq: its event, or (no payload) the producer's word that it is lost.
type Slot<P> = { readonly seq: bigint; payload?: P | undefined };

/** The receiving end of a channel (a clone reading its master, or a master reading a writer). */
export class ChannelConsumer<P> {
  private nextSeq = 0n; // 0: no handshake yet
  private lastSeq = 0n; // one past the highest seq known to exist
  private buffer: Slot<P>[] = []; // sorted by seq, all > nextSeq once initialized
  private heartbeatInterval = 0;
  private ticks = 0;
  private idleTicks = 0;
  private lastTickSeq = 0n;
  private readonly nackTimeout: number;
  private readonly abortOnLost: boolean;

  constructor(options?: ConsumerOptions) {
    this.nackTimeout = options?.nackTimeout ?? 2;
    this.abortOnLost = options?.abortOnLost ?? false;
  }

  get initialized(): boolean {
    return this.nextSeq !== 0n;
  }

  /** The next sequence number to deliver (0 before the handshake). */
  get expected(): bigint {
    return this.nextSeq;
  }

  /** Sequence numbers held back, waiting for a gap before them to close. */
  get buffered(): bigint[] {
    return this.buffer.map((s) => s.seq);
  }

  /** The seqs a nack would ask for now: every one between the next expected and the known end, not buffered. */
  missing(): bigint[] {
    const out: bigint[] = [];
    let i = this.nextSeq;
    for (const s of [...this.buffer.map((b) => b.seq), this.lastSeq]) {
      for (; i < s; i++) out.push(i);
      i = s + 1n;
    }
    return out;
  }

  handle(m: ProducerMessage<P>): ConsumerStep<P> {
    const delivered: Delivery<P>[] = [];
    const send: ConsumerMessage[] = [];
    switch (m.kind) {
      case "handshake": {
        if (this.initialized) break; // a repeated handshake changes nothing
        this.nextSeq = m.offset + 1n;
        this.lastSeq = this.nextSeq;
        this.heartbeatInterval = m.heartbeatInterval;
        // Whatever arrived early but lies at or before the offset is part of the snapshot.
        this.buffer = this.buffer.filter((s) => s.seq > m.offset);
        this.drain(delivered);
        send.push(this.ack());
        break;
      }
      case "heartbeat":
        if (this.lastSeq !== 0n && m.seq !== 0n && m.seq + 1n > this.lastSeq) this.lastSeq = m.seq + 1n;
        break;
      case "event":
      case "retransmit_failed": {
        // Before the handshake nextSeq is 0, so everything is buffered.
        if (m.seq < this.nextSeq) break; // a duplicate of something delivered
        if (m.kind === "event" && m.seq > this.lastSeq) this.lastSeq = m.seq;
        const slot = this.slot(m.seq);
        // An event that arrives after all (a late copy) beats a retransmit_failed.
        if (m.kind === "event") slot.payload ??= m.payload;
        if (this.initialized) this.drain(delivered);
        break;
      }
    }
    return { delivered, send };
  }

  /** One tick of the store's clock (100 ms by default in Broker): acks and nacks. */
  tick(): ConsumerMessage[] {
    this.ticks++;
    if (!this.initialized) {
      if (++this.idleTicks >= this.nackTimeout) {
        this.idleTicks = 0;
        return [{ kind: "nack", seqs: [0n] }]; // "add me": ask for the handshake
      }
      return [];
    }
    const progressed = this.nextSeq > this.lastTickSeq;
    this.lastTickSeq = this.nextSeq;
    const periodicAck = () =>
      this.heartbeatInterval > 0 && this.ticks % this.heartbeatInterval === 0 ? [this.ack()] : [];
    if (progressed) {
      this.idleTicks = 0;
      return periodicAck();
    }
    this.idleTicks++;
    if (this.nextSeq < this.lastSeq && this.idleTicks >= this.nackTimeout) {
      this.idleTicks = 0;
      return [{ kind: "nack", seqs: this.missing() }];
    }
    return periodicAck();
  }

  private ack(): ConsumerMessage {
    return { kind: "cumulative_ack", seq: this.nextSeq > 0n ? this.nextSeq - 1n : 0n };
  }

  private slot(seq: bigint): Slot<P> {
    // Usually appended at the end; otherwise a sorted insert.
    let i = this.buffer.length;
    while (i > 0 && (this.buffer[i - 1] as Slot<P>).seq >= seq) i--;
    const there = this.buffer[i];
    if (there?.seq === seq) return there;
    const fresh: Slot<P> = { seq };
    this.buffer.splice(i, 0, fresh);
    return fresh;
  }

  private drain(out: Delivery<P>[]): void {
    while (this.buffer[0]?.seq === this.nextSeq) {
      const s = this.buffer.shift() as Slot<P>;
      if (s.payload !== undefined) out.push({ kind: "event", seq: s.seq, payload: s.payload });
      else {
        out.push({ kind: "lost", seq: s.seq });
        if (this.abortOnLost) {
          this.reset();
          return;
        }
      }
      if (++this.nextSeq > this.lastSeq) this.lastSeq = this.nextSeq;
    }
  }

  private reset(): void {
    this.nextSeq = 0n;
    this.lastSeq = 0n;
    this.buffer = [];
    this.heartbeatInterval = 0;
    this.ticks = 0;
    this.idleTicks = 0;
    this.lastTickSeq = 0n;
  }
}

/** Something a producer sends: to one consumer (directed) or to all (broadcast, `to` absent). */
export interface Outgoing<P, H> {
  readonly to?: H;
  readonly message: ProducerMessage<P>;
}

export interface ProducerStep<P, H> {
  readonly send: Outgoing<P, H>[];
  /** Consumers the producer gave up on (a nack out of order, or silence past the connection timeout). */
  readonly dropped: { readonly consumer: H; readonly reason: "invalid_message" | "connection_timeout" }[];
}

export interface ProducerOptions {
  /** Ticks between heartbeats when idle (Broker's `heartbeat-interval`, default 5). */
  readonly heartbeatInterval?: number;
  /** Silence, in heartbeat intervals, after which a consumer is dropped (`connection-timeout`, default 100). */
  readonly connectionTimeout?: number;
}

interface Path<H> {
  readonly consumer: H;
  readonly offset: bigint;
  acked: bigint;
  lastSeen: number;
}

/**
 * The sending end of a channel. Consumers are told apart by `H` (Broker uses
 * entity ids) compared with `===`, so use strings or numbers.
 */
export class ChannelProducer<P, H = string> {
  private seq = 1n; // Broker starts its counter at 1: the first event is seq 2
  private readonly buffer: { seq: bigint; payload: P }[] = [];
  private readonly paths: Path<H>[] = [];
  private tickCount = 1;
  private lastBroadcast = 1;
  readonly heartbeatInterval: number;
  private readonly connectionTimeout: number;

  constructor(options?: ProducerOptions) {
    this.heartbeatInterval = options?.heartbeatInterval ?? 5;
    this.connectionTimeout = options?.connectionTimeout ?? 100;
  }

  /** The last sequence number produced. */
  get counter(): bigint {
    return this.seq;
  }

  get consumers(): H[] {
    return this.paths.map((p) => p.consumer);
  }

  /** Events kept for retransmission until every consumer acknowledged them. */
  get unacknowledged(): bigint[] {
    return this.buffer.map((e) => e.seq);
  }

  /** Broadcast an event; without consumers nothing is sent and the counter stays (as in Broker). */
  produce(payload: P): ProducerStep<P, H> {
    if (this.paths.length === 0) return { send: [], dropped: [] };
    const seq = ++this.seq;
    this.buffer.push({ seq, payload });
    this.lastBroadcast = this.tickCount;
    return { send: [{ message: { kind: "event", seq, payload } }], dropped: [] };
  }

  /** Add a consumer (does nothing for a known one): it gets a handshake at the current counter. */
  add(consumer: H): ProducerStep<P, H> {
    if (this.path(consumer)) return { send: [], dropped: [] };
    this.paths.push({ consumer, offset: this.seq, acked: 0n, lastSeen: this.tickCount });
    return { send: [this.handshake(consumer, this.seq)], dropped: [] };
  }

  handle(from: H, m: ConsumerMessage): ProducerStep<P, H> {
    const none: ProducerStep<P, H> = { send: [], dropped: [] };
    if (m.kind === "cumulative_ack") {
      this.ack(from, m.seq);
      return none;
    }
    const [first] = m.seqs;
    if (first === undefined) return none;
    const p = this.path(from);
    if (!p) return m.seqs.length === 1 && first === 0n ? this.add(from) : none;
    p.lastSeen = this.tickCount;
    if (m.seqs.some((s, i) => i > 0 && s < (m.seqs[i - 1] as bigint))) {
      this.paths.splice(this.paths.indexOf(p), 1);
      return { send: [], dropped: [{ consumer: from, reason: "invalid_message" }] };
    }
    if (first === 0n) return { send: [this.handshake(from, p.offset)], dropped: [] };
    this.ack(from, first - 1n); // everything before the first gap has arrived
    return {
      send: m.seqs.map((seq) => {
        const e = this.buffer.find((x) => x.seq === seq);
        const message: ProducerMessage<P> = e
          ? { kind: "event", seq, payload: e.payload }
          : { kind: "retransmit_failed", seq };
        return { to: from, message };
      }),
      dropped: [],
    };
  }

  /** One tick: a heartbeat after `heartbeatInterval` quiet ticks, and dropping silent consumers. */
  tick(): ProducerStep<P, H> {
    this.tickCount++;
    const send: Outgoing<P, H>[] = [];
    const dropped: ProducerStep<P, H>["dropped"] = [];
    if (this.heartbeatInterval === 0) return { send, dropped };
    if (this.lastBroadcast + this.heartbeatInterval === this.tickCount) {
      this.lastBroadcast = this.tickCount;
      send.push({ message: { kind: "heartbeat", seq: this.seq } });
    }
    const timeout = this.heartbeatInterval * this.connectionTimeout;
    for (const p of [...this.paths]) {
      if (this.tickCount - p.lastSeen >= timeout) {
        this.paths.splice(this.paths.indexOf(p), 1);
        dropped.push({ consumer: p.consumer, reason: "connection_timeout" });
      }
    }
    if (this.paths.length === 0) this.buffer.length = 0;
    else if (dropped.length > 0) this.trim();
    return { send, dropped };
  }

  private path(consumer: H): Path<H> | undefined {
    return this.paths.find((p) => p.consumer === consumer);
  }

  private handshake(to: H, offset: bigint): Outgoing<P, H> {
    return { to, message: { kind: "handshake", offset, heartbeatInterval: this.heartbeatInterval } };
  }

  private ack(from: H, seq: bigint): void {
    const p = this.path(from);
    if (!p || p.acked > seq) return; // unknown, or older than what it already acknowledged
    p.lastSeen = this.tickCount;
    p.acked = seq;
    this.trim();
  }

  private trim(): void {
    let acked = this.paths[0]?.acked ?? 0n;
    for (const p of this.paths) if (p.acked < acked) acked = p.acked;
    while (this.buffer.length > 0 && (this.buffer[0]?.seq as bigint) <= acked) this.buffer.shift();
  }
}
