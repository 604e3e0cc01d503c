import { count, integer, set, string, timespan, toText } from "@brokerkit/data-model";
import { describe, expect, it } from "vitest";
import { StoreClone } from "./clone.js";
import type { EntityId } from "./command.js";
import { storeEventToData } from "./events.js";
import { StoreMaster } from "./master.js";
import * as ops from "./operations.js";

const S = 1_000_000_000n;
const M: EntityId = { endpoint: "5746d8ee-3644-5bd2-9f54-d5a44c26c2a1", object: 7n };
const k = string("k");

describe("StoreMaster (spec §8.6, §8.7)", () => {
  it("broadcasts a put as given and emits insert then update", () => {
    const m = new StoreMaster(M);
    const a = m.handle(ops.put(k, count(1), { expiry: 5n * S }), 0n);
    expect(a.broadcasts).toEqual([ops.put(k, count(1), { expiry: 5n * S })]);
    expect(a.events.map((e) => e.kind)).toEqual(["insert"]);
    const b = m.handle(ops.put(k, count(2)), 1n);
    expect(b.events[0]).toMatchObject({ kind: "update", oldValue: count(1), newValue: count(2) });
  });

  it("turns add/subtract into a put of the result without expiry, and replaces the stored expiry", () => {
    const m = new StoreMaster(M);
    m.handle(ops.put(k, count(1), { expiry: 1n * S }), 0n);
    const step = m.handle(ops.increment(k, count(2)), 10n);
    expect(step.broadcasts).toEqual([{ kind: "put", key: k, value: count(3), publisher: undefined }]);
    // The add had no expiry, so the key no longer expires.
    expect(m.expire(100n * S).broadcasts).toEqual([]);
    expect(toText(m.get(k)!)).toBe("3");
  });

  it("creates missing keys from the init type; increment by a timespan makes a timestamp", () => {
    const m = new StoreMaster(M);
    m.handle(ops.increment(k, timespan(5)), 0n);
    expect(m.get(k)).toMatchObject({ type: "timestamp", value: 5n });
    m.handle(ops.insertInto(string("t"), string("x"), count(1)), 0n);
    expect(toText(m.get(string("t"))!)).toBe("{x -> 1}");
    m.handle(ops.pop(string("v")), 0n);
    expect(m.get(string("v"))).toBeUndefined();
  });

  it("reports failures (Broker only logs them) and keeps the memory backend's default after a failed add", () => {
    const m = new StoreMaster(M);
    expect(m.handle(ops.decrement(k, count(1)), 0n).error?.code).toBe("no_such_key");
    expect(m.handle(ops.increment(k, string("x")), 0n).error?.code).toBe("type_clash"); // init type none
    const failed = m.handle(ops.append(k, count(1)), 0n);
    expect(failed.error?.code).toBe("type_clash");
    expect(failed.broadcasts).toEqual([]);
    expect(toText(m.get(k)!)).toBe(""); // the empty string created as the default stays
  });

  it("answers put_unique with a result and only puts when the key is absent", () => {
    const m = new StoreMaster(M);
    const first = m.handle(ops.putUnique(k, count(1), 9n), 0n);
    expect(first.broadcasts.map((c) => c.kind)).toEqual(["put", "put_unique_result"]);
    expect(first.broadcasts[1]).toMatchObject({ inserted: true, reqId: 9n });
    const second = m.handle(ops.putUnique(k, count(2), 10n), 0n);
    expect(second.broadcasts).toEqual([
      { kind: "put_unique_result", inserted: false, reqId: 10n, publisher: M },
    ]);
    expect(toText(m.get(k)!)).toBe("1");
  });

  it("expires keys strictly after their absolute expiry, with the master as publisher", () => {
    const m = new StoreMaster(M);
    m.handle(ops.put(k, count(1), { expiry: 2n * S }), 1n * S);
    expect(m.expire(3n * S).broadcasts).toEqual([]); // now == expiry: not yet
    const step = m.expire(3n * S + 1n);
    expect(step.broadcasts).toEqual([{ kind: "expire", key: k, publisher: M }]);
    expect(m.get(k)).toBeUndefined();
  });

  it("erases only existing keys and clears with one erase event per key", () => {
    const m = new StoreMaster(M);
    expect(m.handle(ops.erase(k), 0n).broadcasts).toEqual([]);
    m.handle(ops.put(string("a"), count(1)), 0n);
    m.handle(ops.put(string("b"), count(2)), 0n);
    const step = m.handle(ops.clear(), 0n);
    expect(step.events.map((e) => e.kind)).toEqual(["erase", "erase"]);
    expect(m.backend.size).toBe(0);
  });
});

describe("StoreClone", () => {
  it("sees its own writes only when the master's broadcast arrives", () => {
    const m = new StoreMaster(M);
    const c = new StoreClone();
    const write = ops.push(k, count(1)); // what the clone sends to the master
    expect(c.apply(write)).toEqual([]); // clones ignore add/subtract
    expect(c.get(k)).toBeUndefined();
    for (const b of m.handle(write, 0n).broadcasts) c.apply(b);
    expect(toText(c.get(k)!)).toBe("(1)");
  });

  it("reports a snapshot as the differences to its current content", () => {
    const c = new StoreClone();
    c.apply(ops.put(string("a"), count(1)));
    c.apply(ops.put(string("b"), count(1)));
    const events = c.apply({
      kind: "snapshot",
      entries: [
        [string("b"), count(2)],
        [string("c"), count(3)],
      ],
    });
    expect(events.map((e) => e.kind).sort()).toEqual(["erase", "insert", "update"]);
    expect(c.backend.size).toBe(2);
  });
});

describe("store events on the wire (spec §8.10)", () => {
  it("flattens the publisher into (endpoint string, object count) or (nil, nil)", () => {
    expect(
      toText(storeEventToData("s", { kind: "insert", key: k, value: count(1), expiry: 5n, publisher: M })),
    ).toBe("(insert, s, k, 1, 5ns, 5746d8ee-3644-5bd2-9f54-d5a44c26c2a1, 7)");
    expect(storeEventToData("s", { kind: "erase", key: k }).elements).toHaveLength(5);
    expect(
      toText(
        storeEventToData("s", {
          kind: "update",
          key: k,
          oldValue: integer(1),
          newValue: set([]),
          publisher: undefined,
        }),
      ),
    ).toBe("(update, s, k, 1, {}, nil, nil, nil)");
  });
});
