#!/usr/bin/python3
"""Opens Broker 1.4 master stores with the SQLite backend, writes to them and reports what they hold.

Reads JSON from stdin: {"stores": [{"path": file, "puts": [{"key": form, "value": form,
"expiry": seconds?}, ...]}, ...], "wait": seconds} with values in the exchange form of
packages/data-model/interop/broker_oracle.py. Attaches one master per file (creating it if missing),
applies its puts, waits `wait` seconds (so that Broker expires what a file says has expired), then
writes {"stores": [{"contents": hex of str() of the store's contents as a table (key -> value, each
value fetched by its key), "before"/"after": the wall clock around the puts in ns}, ...]} and shuts
the endpoint down (closing the databases).
"""
import collections
import collections.abc
import json
import os
import sys
import time

collections.Iterable = collections.abc.Iterable  # Broker 1.4's glue predates Python 3.10
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "data-model", "interop"))
import broker  # noqa: E402
from broker_oracle import build, text  # noqa: E402

B = broker._broker


def expiry(seconds):
    return B.OptionalTimespan() if seconds is None else B.OptionalTimespan(B.Timespan(float(seconds)))


def main():
    q = json.load(sys.stdin)
    endpoint = broker.Endpoint()
    out = []
    stores = []
    for i, job in enumerate(q["stores"]):
        store = endpoint.attach_master(f"brokerkit-sqlite-{i}", broker.Backend.SQLite, {"path": job["path"]})
        if store is None:
            sys.exit("attach_master failed for " + job["path"])
        store = store._store
        before = time.time_ns()
        for p in job.get("puts", []):
            store.put(build(p["key"]), build(p["value"]), expiry(p.get("expiry")))
        store.keys().get()  # a read: every put above has reached the backend
        out.append({"before": before, "after": time.time_ns()})
        stores.append(store)
    time.sleep(q.get("wait", 0))
    for store, o in zip(stores, out):
        table = B.Table()
        for k in store.keys().get().as_set():
            table[k] = store.get(k).get()
        o["contents"] = text(B.Data(table))
    json.dump({"stores": out}, sys.stdout)
    endpoint.shutdown()


if __name__ == "__main__":
    main()
