// The first real job: build Broker values and print them the way Broker does,
// in its text form (to_string) and its JSON form (WebSocket API v1).
import {
  address,
  compare,
  count,
  enumValue,
  fromJson,
  integer,
  port,
  real,
  set,
  string,
  subnet,
  table,
  timespan,
  timestamp,
  toJson,
  toText,
  vector,
} from "@brokerkit/data-model";

const values = [
  count(18446744073709551615n),
  integer(-42),
  real(0.1),
  string("héllo\tworld"),
  address("2001:db8:0:0:1:0:0:1"),
  address("192.168.1.10"),
  subnet("10.1.2.3/8"),
  port(53, "udp"),
  timestamp(1705247173137654321n),
  timespan(1_500_000n),
  enumValue("Conn::LOG"),
  set([count(3), integer(-1), count(1), string("x")]),
  table([
    [string("b"), vector([])],
    [string("a"), real(2.5)],
  ]),
  // A Zeek event as it travels over Broker: [version 1, type 1 (Event), [name, args]].
  vector([count(1), count(1), vector([string("ping"), vector([string("my-message"), count(1)])])]),
];

for (const v of values) {
  console.log(`${v.type.padEnd(10)} text: ${toText(v)}`);
  console.log(`${"".padEnd(10)} json: ${toJson(v)}`);
}

// JSON text in, with 64-bit integers kept exact:
const parsed = fromJson('{"@data-type":"count","data":18446744073709551615}');
console.log("parsed back:", toText(parsed), "| sorts before integer -1:", compare(parsed, integer(-1)) < 0);
