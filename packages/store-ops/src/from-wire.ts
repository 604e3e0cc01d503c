import { DATA_TYPES } from "@brokerkit/data-model";
import {
  BROKER1_INIT_TYPES,
  type CommandContent,
  type EntityIdWire,
  endpointIdText,
  type InternalCommand,
  nodeIdText,
  type PublisherId,
} from "@brokerkit/wire";
import type { EntityId, StoreCommand } from "./command.js";

// Store commands as @brokerkit/wire decodes them from either generation,
// turned into the store model. In Broker 1.x, snapshot and snapshot_sync only
// coordinate the attach (the state itself travels as a set_command), so they
// carry no mutation; in the current protocol the snapshot is in ack_clone.

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

// The current protocol's entity ids: the endpoint as Broker prints it (a UUID), or undefined when nil.
const currentEntity = (e: EntityIdWire): EntityId | undefined =>
  /^\0{16}$/.test(e.endpoint) && e.object === 0n
    ? undefined
    : { endpoint: endpointIdText(e.endpoint), object: e.object };

/**
 * The store command a current-protocol command carries (decoded by @brokerkit/wire), or
 * undefined for channel control (attach_writer, keepalive, acks, nacks, retransmit_failed).
 */
export function fromCurrentCommand(c: CommandContent): StoreCommand | undefined {
  switch (c.kind) {
    case "put":
    case "subtract":
      return {
        kind: c.kind,
        key: c.key,
        value: c.value,
        ...expiryOf(c),
        publisher: currentEntity(c.publisher),
      };
    case "put_unique":
      return {
        kind: c.kind,
        key: c.key,
        value: c.value,
        reqId: c.reqId,
        ...expiryOf(c),
        publisher: currentEntity(c.publisher),
      };
    case "put_unique_result":
      return { kind: c.kind, inserted: c.inserted, reqId: c.reqId, publisher: currentEntity(c.publisher) };
    case "erase":
    case "expire":
      return { kind: c.kind, key: c.key, publisher: currentEntity(c.publisher) };
    case "add":
      // The current protocol uses the type tags; Broker reads a byte above 14 as none.
      return {
        kind: c.kind,
        key: c.key,
        value: c.value,
        initType: DATA_TYPES[c.initType] ?? "none",
        ...expiryOf(c),
        publisher: currentEntity(c.publisher),
      };
    case "clear":
      return { kind: "clear", publisher: currentEntity(c.publisher) };
    case "ack_clone":
      return { kind: "snapshot", entries: c.state };
    default:
      return undefined;
  }
}
