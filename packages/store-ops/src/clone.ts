import { type Data, equals } from "@brokerkit/data-model";
import type { StoreCommand } from "./command.js";
import type { StoreEvent } from "./events.js";
import { MemoryBackend } from "./memory.js";

/**
 * A store clone: it applies only what its master broadcasts (put, erase,
 * expire, clear, and the snapshot it gets when attaching). Its own writes go
 * to the master and become visible only when the master's broadcast arrives.
 */
export class StoreClone {
  readonly backend = new MemoryBackend();

  get(key: Data): Data | undefined {
    return this.backend.get(key)?.value;
  }

  /** Apply a command received from the master; returns the store events the clone emits. */
  apply(command: StoreCommand): StoreEvent[] {
    switch (command.kind) {
      case "put": {
        // A clone does not expire keys itself: the expiry only reaches its store events.
        const old = this.backend.set({ key: command.key, value: command.value });
        return [
          old
            ? {
                kind: "update",
                key: command.key,
                oldValue: old.value,
                newValue: command.value,
                expiry: command.expiry,
                publisher: command.publisher,
              }
            : {
                kind: "insert",
                key: command.key,
                value: command.value,
                expiry: command.expiry,
                publisher: command.publisher,
              },
        ];
      }
      case "erase":
      case "expire":
        return this.backend.delete(command.key)
          ? [{ kind: command.kind, key: command.key, publisher: command.publisher }]
          : [];
      case "clear": {
        const events: StoreEvent[] = this.backend
          .entries()
          .map((e) => ({ kind: "erase", key: e.key, publisher: command.publisher }));
        this.backend.clear();
        return events;
      }
      case "snapshot": {
        // Replace the content, reporting the differences (expiry and publisher nil).
        const events: StoreEvent[] = [];
        const incoming = new MemoryBackend();
        for (const [key, value] of command.entries) incoming.set({ key, value });
        for (const e of this.backend.entries()) {
          if (!incoming.has(e.key)) events.push({ kind: "erase", key: e.key });
        }
        for (const e of incoming.entries()) {
          const old = this.backend.get(e.key);
          if (!old) events.push({ kind: "insert", key: e.key, value: e.value });
          else if (!equals(old.value, e.value))
            events.push({ kind: "update", key: e.key, oldValue: old.value, newValue: e.value });
        }
        this.backend.clear();
        for (const e of incoming.entries()) this.backend.set(e);
        return events;
      }
      default:
        // put_unique, add and subtract are for the master; put_unique_result answers a requester.
        return [];
    }
  }
}
