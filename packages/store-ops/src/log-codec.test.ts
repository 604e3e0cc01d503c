import { compare, type Data, toText } from "@brokerkit/data-model";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { command } from "../test/arbitrary.js";
import { decodeLoggedCommand, encodeLoggedCommand, readCommandLog, writeCommandLog } from "./log-codec.js";
import { StoreMaster } from "./master.js";
import { type LoggedCommand, replayBroadcasts, replayMaster } from "./replay.js";

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
