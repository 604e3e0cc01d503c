import { count, type Data, none, string, timespan, type VectorData, vector } from "@brokerkit/data-model";
import type { EntityId } from "./command.js";

// Store events: what masters and clones report to local observers on
// <$>/local/data/store-events/<store> (store_event.hh, store_actor.cc).

export type StoreEvent =
  | {
      readonly kind: "insert";
      readonly key: Data;
      readonly value: Data;
      readonly expiry?: bigint | undefined;
      readonly publisher?: EntityId | undefined;
    }
  | {
      readonly kind: "update";
      readonly key: Data;
      readonly oldValue: Data;
      readonly newValue: Data;
      readonly expiry?: bigint | undefined;
      readonly publisher?: EntityId | undefined;
    }
  | { readonly kind: "erase"; readonly key: Data; readonly publisher?: EntityId | undefined }
  | { readonly kind: "expire"; readonly key: Data; readonly publisher?: EntityId | undefined };

/** The topic Broker publishes a store's events on (local only, never forwarded). */
export const storeEventsTopic = (store: string) => `<$>/local/data/store-events/${store}`;

function publisherFields(p: EntityId | undefined): Data[] {
  return p ? [string(p.endpoint), count(p.object)] : [none(), none()];
}

const expiryField = (e: bigint | undefined): Data => (e === undefined ? none() : timespan(e));

/** The event as Broker puts it on the wire: a vector with the publisher flattened into (endpoint, object). */
export function storeEventToData(store: string, event: StoreEvent): VectorData {
  const name = string(store);
  switch (event.kind) {
    case "insert":
      return vector([
        string("insert"),
        name,
        event.key,
        event.value,
        expiryField(event.expiry),
        ...publisherFields(event.publisher),
      ]);
    case "update":
      return vector([
        string("update"),
        name,
        event.key,
        event.oldValue,
        event.newValue,
        expiryField(event.expiry),
        ...publisherFields(event.publisher),
      ]);
    case "erase":
    case "expire":
      return vector([string(event.kind), name, event.key, ...publisherFields(event.publisher)]);
  }
}
