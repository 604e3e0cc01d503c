import { compare, count, DATA_TYPES, type Data, string, toText } from "@brokerkit/data-model";
import { arbitraryData } from "@brokerkit/data-model/arbitrary";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { StoreCommand } from "./command.js";
import { decodeLoggedCommand, encodeLoggedCommand, readCommandLog, writeCommandLog } from "./log-codec.js";
import { StoreMaster } from "./master.js";
import { type LoggedCommand, replayBroadcasts, replayMaster } from "./replay.js";

const value = arbitraryData({ maxDepth: 1, maxLength: 3, noSubnormal: true });
const key = fc.constantFrom(string("a"), string("b"), count(1));
const expiry = fc.option(fc.bigInt({ min: 0n, max: 10n ** 12n }), { nil: undefined });
const publisher = fc.option(fc.record({ endpoint: fc.uuid(), object: fc.bigInt({ min: 0n, max: 1000n }) }), {
  nil: undefined,
});
const opt = <T extends object>(o: T) =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

const command: fc.Arbitrary<StoreCommand> = fc.oneof(
  fc
    .record({ k: key, v: value, e: expiry, p: publisher })
    .map(({ k, v, e, p }) => opt({ kind: "put" as const, key: k, value: v, expiry: e, publisher: p })),
  fc
    .record({ k: key, v: value, e: expiry, p: publisher })
    .map(({ k, v, e, p }) => opt({ kind: "subtract" as const, key: k, value: v, expiry: e, publisher: p })),
  fc
    .record({ k: key, v: value, t: fc.constantFrom(...DATA_TYPES), e: expiry, p: publisher })
    .map(({ k, v, t, e, p }) =>
      opt({ kind: "add" as const, key: k, value: v, initType: t, expiry: e, publisher: p }),
    ),
  fc
    .record({ k: key, v: value, e: expiry, r: fc.bigInt({ min: 0n, max: 99n }), p: publisher })
    .map(({ k, v, e, r, p }) =>
      opt({ kind: "put_unique" as const, key: k, value: v, expiry: e, reqId: r, publisher: p }),
    ),
  fc
    .record({ i: fc.boolean(), r: fc.bigInt({ min: 0n, max: 99n }), p: publisher })
    .map(({ i, r, p }) => opt({ kind: "put_unique_result" as const, inserted: i, reqId: r, publisher: p })),
  fc
    .record({ k: key, p: publisher, kind: fc.constantFrom("erase" as const, "expire" as const) })
    .map(({ k, p, kind }) => opt({ kind, key: k, publisher: p })),
  publisher.map((p) => opt({ kind: "clear" as const, publisher: p })),
  fc.array(fc.tuple(key, value), { maxLength: 3 }).map((entries) => ({ kind: "snapshot" as const, entries })),
);
const log = fc
  .array(command, { maxLength: 15 })
  .map((cs) =>
    cs.map((c, i): LoggedCommand => ({ seq: BigInt(i + 2), time: BigInt(i) * 1_000_000_000n, command: c })),
  );
const contents = (entries: { key: Data; value: Data }[]) =>
  entries.map((e) => `${toText(e.key)}=${toText(e.value)}`);

describe("store command log", () => {
  it("decode(encode(c)) = c for every command", () => {
    fc.assert(
      fc.property(log, (cs) => {
        for (const c of cs) expect(decodeLoggedCommand(encodeLoggedCommand(c))).toEqual(c);
      }),
      { numRuns: 500 },
    );
  });

  it("replaying a log file equals applying its commands one by one", () => {
    fc.assert(
      fc.property(log, (cs) => {
        const { commands, stoppedAt } = readCommandLog(writeCommandLog(cs));
        expect(stoppedAt).toBeUndefined();
        const master = new StoreMaster();
        for (const c of cs) {
          master.expire(c.time);
          master.handle(c.command, c.time);
        }
        master.expire(cs.at(-1)?.time ?? 0n);
        expect(contents(replayMaster(commands).master.backend.entries())).toEqual(
          contents(master.backend.entries()),
        );
      }),
      { numRuns: 300 },
    );
  });

  it("a snapshot of a prefix plus the tail equals replaying everything", () => {
    fc.assert(
      fc.property(log, fc.nat(), (cs, cut) => {
        const at = cs.length === 0 ? 0 : cut % (cs.length + 1);
        const full = replayBroadcasts(cs).clone.backend.entries();
        const prefix = replayBroadcasts(cs.slice(0, at)).clone;
        const snapshot: LoggedCommand = {
          seq: 0n,
          time: 0n,
          command: {
            kind: "snapshot",
            entries: prefix.backend.entries().map((e) => [e.key, e.value] as const),
          },
        };
        const resumed = replayBroadcasts([snapshot, ...cs.slice(at)]).clone.backend.entries();
        expect(
          resumed
            .map((e) => e.key)
            .sort(compare)
            .map(toText),
        ).toEqual(
          full
            .map((e) => e.key)
            .sort(compare)
            .map(toText),
        );
        expect(contents(resumed)).toEqual(contents(full));
      }),
      { numRuns: 300 },
    );
  });

  it("a file cut at any byte keeps exactly the commands whose records are complete", () => {
    fc.assert(
      fc.property(log, fc.nat(), (cs, cutSeed) => {
        const bytes = writeCommandLog(cs);
        const cut = cutSeed % (bytes.length + 1);
        const { commands, stoppedAt } = readCommandLog(bytes.subarray(0, cut));
        expect(commands).toEqual(cs.slice(0, commands.length));
        // Only the record the cut went through is lost.
        const complete = readCommandLog(bytes).commands.filter(
          (_, i) => writeCommandLog(cs.slice(0, i + 1)).length <= cut,
        ).length;
        expect(commands.length).toBe(complete);
        // A cut on a record boundary looks like a complete file; anywhere else it is reported.
        const boundary = writeCommandLog(cs.slice(0, complete)).length;
        if (cut !== boundary) expect(stoppedAt?.reason).toBe("truncated");
        else expect(stoppedAt).toBeUndefined();
      }),
      { numRuns: 200 },
    );
  });
});
