import { StoreClone } from "./clone.js";
import type { StoreCommand } from "./command.js";
import type { StoreEvent } from "./events.js";
import { StoreMaster } from "./master.js";

/** One command of an operation log: its sequence number, when it was seen (ns since the epoch), the command. */
export interface LoggedCommand {
  readonly seq: bigint;
  readonly time: bigint;
  readonly command: StoreCommand;
}

/** Where to stop a replay: after the last command with seq ≤ `seq` and time ≤ `time` (both optional). */
export interface ReplayPoint {
  readonly seq?: bigint;
  readonly time?: bigint;
}

const before = (c: LoggedCommand, at?: ReplayPoint) =>
  (at?.seq === undefined || c.seq <= at.seq) && (at?.time === undefined || c.time <= at.time);

/**
 * Rebuild a clone's view from what a master broadcast (e.g. the clone-topic
 * commands decoded from a capture): snapshot, put, erase, expire, clear.
 */
export function replayBroadcasts(
  log: Iterable<LoggedCommand>,
  at?: ReplayPoint,
): { clone: StoreClone; events: StoreEvent[] } {
  const clone = new StoreClone();
  const events: StoreEvent[] = [];
  for (const c of log) {
    if (!before(c, at)) break;
    events.push(...clone.apply(c.command));
  }
  return { clone, events };
}

/**
 * Rebuild a master from the mutations it received (from its own frontend or
 * its clones), expiring keys by the log's clock before each command and at
 * the stopping time.
 */
export function replayMaster(
  log: Iterable<LoggedCommand>,
  at?: ReplayPoint,
): { master: StoreMaster; events: StoreEvent[] } {
  const master = new StoreMaster();
  const events: StoreEvent[] = [];
  let last: bigint | undefined;
  for (const c of log) {
    if (!before(c, at)) break;
    events.push(...master.expire(c.time).events);
    events.push(...master.handle(c.command, c.time).events);
    last = c.time;
  }
  const end = at?.time ?? last;
  if (end !== undefined) events.push(...master.expire(end).events);
  return { master, events };
}
