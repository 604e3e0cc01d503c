#!/usr/bin/python3
"""Answers questions about Broker values with real Broker 1.4 (Debian's python3-broker).

Reads JSON from stdin: {"values": [form, ...], "pairs": [[i, j], ...]} where a form is
{"t": type, ...} (see brokerOracleForm in the interop test). Writes JSON to stdout:
{"texts": [hex of the bytes of str(broker.Data(v))], "less": [[a < b, b < a], ...]}.
"""
import collections
import collections.abc
import json
import struct
import sys

collections.Iterable = collections.abc.Iterable  # Broker 1.4's glue predates Python 3.10
import broker  # noqa: E402

B = broker._broker
D = B.Data
PROTOCOLS = [B.Port.Protocol.Unknown, B.Port.Protocol.TCP, B.Port.Protocol.UDP, B.Port.Protocol.ICMP]


def build(f):
    t = f["t"]
    if t == "none":
        return D()
    if t == "boolean":
        return D(bool(f["v"]))
    if t == "count":
        return D(B.Count(int(f["v"])))
    if t == "integer":
        return D(int(f["v"]))
    if t == "real":
        return D(struct.unpack(">d", bytes.fromhex(f["bits"]))[0])
    if t == "string":
        return D(bytes.fromhex(f["hex"]))
    if t == "enum_value":
        # pybind11 hands bytes to std::string unchanged, so any name (UTF-8 or not) gets through.
        return D(B.Enum(bytes.fromhex(f["hex"])))
    if t == "address":
        return D(B.Address(bytes.fromhex(f["bytes"]), 6))
    if t == "subnet":
        return D(B.Subnet(B.Address(bytes.fromhex(f["bytes"]), 6), int(f["prefix"])))
    if t == "port":
        return D(B.Port(int(f["number"]), PROTOCOLS[int(f["protocol"])]))
    if t == "timestamp":
        return D(B.Timestamp(B.Timespan(int(f["v"]))))
    if t == "timespan":
        return D(B.Timespan(int(f["v"])))
    if t == "vector":
        v = B.Vector()
        for e in f["v"]:
            v.append(build(e))
        return D(v)
    if t == "set":
        s = B.Set()
        for e in f["v"]:
            s.add(build(e))
        return D(s)
    if t == "table":
        m = B.Table()
        for k, x in f["v"]:
            m[build(k)] = build(x)
        return D(m)
    raise ValueError("unknown form " + t)


def text(d):
    # The binding decodes broker::to_string's std::string as strict UTF-8; when that fails,
    # the exception still carries every byte Broker produced.
    try:
        return str(d).encode("utf-8").hex()
    except UnicodeDecodeError as e:
        return e.object.hex()


def main():
    q = json.load(sys.stdin)
    values = [build(f) for f in q["values"]]
    out = {
        "texts": [text(d) for d in values],
        "less": [[values[i] < values[j], values[j] < values[i]] for i, j in q["pairs"]],
    }
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
