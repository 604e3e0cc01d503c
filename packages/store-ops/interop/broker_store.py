#!/usr/bin/python3
"""Applies sequences of store operations to a real Broker 1.4 master store (memory backend).

Reads JSON from stdin: {"sequences": [[{"op": name, "key": form, "value": form?, "index": form?}, ...], ...]}
with values in the exchange form of packages/data-model/interop/broker_oracle.py. After each sequence
it writes str() of the store's contents as a table (key -> value), hex-encoded UTF-8, then clears it.
"""
import collections
import collections.abc
import json
import os
import sys

collections.Iterable = collections.abc.Iterable  # Broker 1.4's glue predates Python 3.10
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "data-model", "interop"))
import broker  # noqa: E402
from broker_oracle import build, text  # noqa: E402

B = broker._broker
D = B.Data
NO_EXPIRY = B.OptionalTimespan()


def apply(store, op):
    name = op["op"]
    key = build(op["key"])
    value = build(op["value"]) if "value" in op else None
    if name == "put":
        store.put(key, value, NO_EXPIRY)
    elif name == "put_unique":
        store.put_unique(key, value, NO_EXPIRY).get()
    elif name == "erase":
        store.erase(key)
    elif name == "clear":
        store.clear()
    elif name == "insert_into_table":
        store.insert_into(key, build(op["index"]), value, NO_EXPIRY)
    elif name == "pop":
        store.pop(key, NO_EXPIRY)
    else:  # increment, decrement, append, insert_into, remove_from, push
        getattr(store, name)(key, value, NO_EXPIRY)


def contents(store):
    table = B.Table()
    for k in store.keys().get().as_set():
        table[k] = store.get(k).get()
    return text(D(table))


def main():
    q = json.load(sys.stdin)
    endpoint = broker.Endpoint()
    store = endpoint.attach_master("brokerkit-differential", broker.Backend.Memory)._store
    out = []
    for seq in q["sequences"]:
        for op in seq:
            apply(store, op)
        out.append(contents(store))
        store.clear()
        store.keys().get()  # a read: the clear above has been applied before the next sequence
    json.dump({"contents": out}, sys.stdout)


if __name__ == "__main__":
    main()
