import { BROKER1_INIT_TYPES, type InternalCommand, nodeIdText, type PublisherId } from "@brokerkit/wire";
import type { EntityId, StoreCommand } from "./command.js";

// Broker 1.x's internal_command (decoded by @brokerkit/wire) as a store
// command. snapshot and snapshot_sync only coordinate the attach (the state
// itself travels as a set_command), so they carry no mutation.

const entity = (p: PublisherId): EntityId => ({ endpoint: nodeIdText(p.node), object: p.object });
const expiryOf = (c: { expiry?: bigint }) => (c.expiry === undefined ? {} : { expiry: c.expiry });

/** The store command a Broker 1.x internal_command carries, or undefined for attach coordination. */
export function fromBroker1Command(c: InternalCommand): StoreCommand | undefined {
  switch (c.kind) {
    case "put":
      return { kind: "put", key: c.key, value: c.value, ...expiryOf(c), publisher: entity(c.publisher) };
    case "put_unique":
      return {
        kind: "put_unique",
        key: c.key,
        value: c.value,
        reqId: c.reqId,
        ...expiryOf(c),
        publisher: entity(c.publisher),
      };
    case "erase":
    case "expire":
      return { kind: c.kind, key: c.key, publisher: entity(c.publisher) };
    case "add": {
      // Broker 1.4 numbers init types alphabetically; unknown numbers act like none.
      const initType = BROKER1_INIT_TYPES[c.initType] ?? "none";
      return {
        kind: "add",
        key: c.key,
        value: c.value,
        initType,
        ...expiryOf(c),
        publisher: entity(c.publisher),
      };
    }
    case "subtract":
      return { kind: "subtract", key: c.key, value: c.value, ...expiryOf(c), publisher: entity(c.publisher) };
    case "clear":
      return { kind: "clear" };
    case "set":
      return { kind: "snapshot", entries: c.state };
    default:
      return undefined;
  }
}
