import { compare, type Data } from "@brokerkit/data-model";
import { addTo, defaultOf, subtractFrom } from "./appliers.js";
import { type EntityId, type PutCommand, type StoreCommand, StoreError } from "./command.js";
import type { StoreEvent } from "./events.js";
import { MemoryBackend, type StoreEntry } from "./memory.js";

/** What handling one command produced at the master. */
export interface MasterStep {
  /** Commands the master sends to its clones (on the clone topic), in order. */
  readonly broadcasts: StoreCommand[];
  /** Store events for local observers. */
  readonly events: StoreEvent[];
  /** Broker only logs failures; they are reported here. */
  readonly error?: StoreError;
}

const absolute = (now: bigint, expiry: bigint | undefined) =>
  expiry === undefined ? undefined : now + expiry;

/**
 * A store master with Broker's memory backend: applies mutations, keeps
 * absolute expiries by the injected clock (`now`, ns since the epoch), and
 * says what it broadcasts and which store events it emits (spec §8.5–8.7).
 */
export class StoreMaster {
  readonly backend = new MemoryBackend();

  constructor(readonly id?: EntityId) {}

  get(key: Data): Data | undefined {
    return this.backend.get(key)?.value;
  }

  private write(
    entry: StoreEntry,
    expiryForEvent: bigint | undefined,
    publisher: EntityId | undefined,
  ): StoreEvent {
    const old = this.backend.set(entry);
    return old
      ? {
          kind: "update",
          key: entry.key,
          oldValue: old.value,
          newValue: entry.value,
          expiry: expiryForEvent,
          publisher,
        }
      : { kind: "insert", key: entry.key, value: entry.value, expiry: expiryForEvent, publisher };
  }

  handle(command: StoreCommand, now: bigint): MasterStep {
    switch (command.kind) {
      case "put": {
        const event = this.write(
          { key: command.key, value: command.value, expiry: absolute(now, command.expiry) },
          command.expiry,
          command.publisher,
        );
        return { broadcasts: [command], events: [event] };
      }
      case "put_unique": {
        const publisher = this.id;
        if (this.backend.has(command.key)) {
          return {
            broadcasts: [{ kind: "put_unique_result", inserted: false, reqId: command.reqId, publisher }],
            events: [],
          };
        }
        const put: PutCommand = {
          kind: "put",
          key: command.key,
          value: command.value,
          expiry: command.expiry,
          publisher: command.publisher,
        };
        const step = this.handle(put, now);
        return {
          broadcasts: [
            ...step.broadcasts,
            { kind: "put_unique_result", inserted: true, reqId: command.reqId, publisher },
          ],
          events: step.events,
        };
      }
      case "erase": {
        if (!this.backend.delete(command.key)) return { broadcasts: [], events: [] };
        return {
          broadcasts: [command],
          events: [{ kind: "erase", key: command.key, publisher: command.publisher }],
        };
      }
      case "add":
      case "subtract": {
        const stored = this.backend.get(command.key)?.value;
        let old = stored;
        if (old === undefined) {
          if (command.kind === "subtract") {
            return {
              broadcasts: [],
              events: [],
              error: new StoreError("no_such_key", "subtract from a missing key"),
            };
          }
          if (command.initType === "none") {
            return {
              broadcasts: [],
              events: [],
              error: new StoreError("type_clash", "add to a missing key with init type none"),
            };
          }
          old = defaultOf(command.initType);
          // The memory backend creates the default before applying, and keeps it if the add then fails.
          this.backend.set({ key: command.key, value: old });
        }
        let result: Data;
        try {
          result = command.kind === "add" ? addTo(old, command.value) : subtractFrom(old, command.value);
        } catch (e) {
          if (e instanceof StoreError) return { broadcasts: [], events: [], error: e };
          throw e;
        }
        this.backend.set({ key: command.key, value: result, expiry: absolute(now, command.expiry) });
        const event: StoreEvent =
          stored === undefined
            ? { kind: "insert", key: command.key, value: result, publisher: command.publisher }
            : {
                kind: "update",
                key: command.key,
                oldValue: stored,
                newValue: result,
                publisher: command.publisher,
              };
        // Clones never evaluate add/subtract: they receive the result as a put without expiry.
        return {
          broadcasts: [{ kind: "put", key: command.key, value: result, publisher: command.publisher }],
          events: [event],
        };
      }
      case "clear": {
        const events: StoreEvent[] = this.backend
          .entries()
          .map((e) => ({ kind: "erase", key: e.key, publisher: command.publisher }));
        this.backend.clear();
        return { broadcasts: [command], events };
      }
      case "snapshot": {
        this.backend.clear();
        for (const [key, value] of command.entries) this.backend.set({ key, value });
        return { broadcasts: [], events: [] };
      }
      case "expire":
      case "put_unique_result":
        // Only the master expires keys and answers put_unique: it ignores these from clones.
        return { broadcasts: [], events: [] };
    }
  }

  /** Expire every key whose expiry lies before `now` (Broker: expired when now > expiry). */
  expire(now: bigint): MasterStep {
    const broadcasts: StoreCommand[] = [];
    const events: StoreEvent[] = [];
    const due = [...this.backend.unordered()].filter((e) => e.expiry !== undefined && now > e.expiry);
    for (const e of due.sort((a, b) => compare(a.key, b.key))) {
      this.backend.delete(e.key);
      broadcasts.push({ kind: "expire", key: e.key, publisher: this.id });
      events.push({ kind: "expire", key: e.key, publisher: this.id });
    }
    return { broadcasts, events };
  }

  /** The state a clone receives when it attaches. */
  snapshot(): StoreCommand {
    return { kind: "snapshot", entries: this.backend.entries().map((e) => [e.key, e.value] as const) };
  }
}
