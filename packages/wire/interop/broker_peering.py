#!/usr/bin/python3
"""Sends values between two real Broker 1.4 endpoints over loopback while tcpdump records it.

Reads JSON from stdin: {"pcap": path, "topic": str, "values": [form, ...]} with values in the
exchange form of packages/data-model/interop/broker_oracle.py. A listener process publishes every
value in order; a connector process (a child: endpoints of one process do not talk TCP) must
deliver each before the next is sent. Writes JSON to stdout: {"delivered": n, "port": p}.
Run as root (tcpdump on lo); only 127.0.0.1 is used.
"""
import collections
import collections.abc
import json
import os
import socket
import subprocess
import sys
import time

collections.Iterable = collections.abc.Iterable  # Broker 1.4's glue predates Python 3.10
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "data-model", "interop"))
import broker  # noqa: E402
from broker_oracle import build  # noqa: E402


def endpoint():
    opts = broker.BrokerOptions()
    opts.disable_ssl = True
    opts.ignore_broker_conf = True
    return broker.Endpoint(broker.Configuration(opts))


def wait(cond, timeout, what):
    end = time.time() + timeout
    while time.time() < end:
        if cond():
            return
        time.sleep(0.02)
    raise RuntimeError("timed out waiting for " + what)


def connector(port, topic, count):
    """The child: peer, subscribe, acknowledge each delivered value on stdout."""
    ep = endpoint()
    sub = ep.make_subscriber(topic)
    if not ep.peer("127.0.0.1", port, 1.0):
        raise RuntimeError("peer() failed")
    print("ready", flush=True)
    for _ in range(count):
        if sub._subscriber.get(10.0) is None:
            raise RuntimeError("a value was not delivered")
        print("got", flush=True)
    ep.unpeer("127.0.0.1", port)
    time.sleep(0.3)


def main():
    req = json.load(sys.stdin)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    dump = subprocess.Popen(
        ["tcpdump", "-i", "lo", "--immediate-mode", "-U", "-s", "0", "-w", req["pcap"], "tcp port %d" % port],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    if b"listening" not in dump.stderr.readline():
        raise RuntimeError("tcpdump did not start")
    time.sleep(1.0)  # "listening" comes a moment before packets are really recorded
    listener = endpoint()
    if listener.listen("127.0.0.1", port) != port:
        raise RuntimeError("listen() failed")
    child = subprocess.Popen(
        [sys.executable, __file__, "connector", str(port), req["topic"], str(len(req["values"]))],
        stdout=subprocess.PIPE,
        text=True,
    )
    if child.stdout.readline().strip() != "ready":
        raise RuntimeError("the connector did not peer")
    wait(
        lambda: any(t.string() == req["topic"] for t in listener.peer_subscriptions()),
        30,
        "the subscription (peers: %s)" % [str(p.peer.network) for p in listener.peers()],
    )
    delivered = 0
    for form in req["values"]:
        listener.publish(req["topic"], build(form))
        if child.stdout.readline().strip() != "got":
            raise RuntimeError("value %d was not delivered" % delivered)
        delivered += 1
    child.wait(30)
    time.sleep(0.5)
    dump.send_signal(2)
    dump.wait(10)
    json.dump({"delivered": delivered, "port": port}, sys.stdout)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "connector":
        connector(int(sys.argv[2]), sys.argv[3], int(sys.argv[4]))
    else:
        main()
