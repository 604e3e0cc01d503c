import { toText } from "@brokerkit/data-model";
import { expect, it, describe as suite } from "vitest";
import { toBrokerData } from "./broker.js";
import { describe, describeEvent, describeInterval, formatAddr, formatDouble } from "./print.js";
import { TypeTag } from "./serial/codes.js";
import {
  baseType,
  boolVal,
  countVal,
  enumVal,
  intervalVal,
  patternVal,
  portVal,
  recordType,
  recordVal,
  setType,
  stringVal,
  TRANSPORT_PROTO,
  tableVal,
  timeVal,
  vectorType,
  vectorVal,
} from "./values.js";

suite("Bro's print rendering", () => {
  it("prints doubles as modp_dtoa2 with precision 6 does", () => {
    const cases: [number, string][] = [
      [0, "0.0"],
      [-0, "0.0"],
      [3.25, "3.25"],
      [-1234.5678, "-1234.5678"],
      [1e300, "1.000000e+300"],
      [1e-10, "0"],
      [-1e-10, "-0"],
      [1500000000.125, "1500000000.125"],
      [0.05, "0.05"],
      [2147483648, "2.147484e+09"],
      [0.1234565, "0.123456"],
      [Number.NaN, "nan"],
      [Number.POSITIVE_INFINITY, "inf"],
    ];
    for (const [d, text] of cases) expect(formatDouble(d), String(d)).toBe(text);
  });

  it("prints IntervalVals in units and plain interval values as doubles", () => {
    expect(describeInterval(90)).toBe("1.0 min 30.0 secs");
    expect(describeInterval(0)).toBe("0 secs");
    expect(describeInterval(-180)).toBe("-3.0 mins");
    expect(describeInterval(172800.5)).toBe("2.0 days 500.0 msecs");
    expect(describe(intervalVal(1.5))).toBe("1.0 sec 500.0 msecs");
  });

  it("prints addresses as inet_ntop does", () => {
    const v6 = (hex: string) => Uint8Array.from(Buffer.from(hex, "hex"));
    expect(formatAddr(Uint8Array.of(192, 0, 2, 1))).toBe("192.0.2.1");
    expect(formatAddr(v6("20010db8000000000000ff0000428329"))).toBe("2001:db8::ff00:42:8329");
    expect(formatAddr(v6("00000000000000000000000000000001"))).toBe("::1");
    expect(formatAddr(v6("00000000000000000000000000000000"))).toBe("::");
    expect(formatAddr(v6("00000000000000000000000001020304"))).toBe("::1.2.3.4");
    expect(formatAddr(v6("20010db8000100000001000000000001"))).toBe("2001:db8:1:0:1::1");
  });

  it("prints containers and events as Bro does", () => {
    const rec = recordType("R", [
      { name: "a", type: baseType(TypeTag.count) },
      { name: "b", type: baseType(TypeTag.string), optional: true },
    ]);
    expect(describe(recordVal(rec, [countVal(1n), null]))).toBe("[a=1, b=<uninitialized>]");
    expect(describe(vectorVal(vectorType(baseType(TypeTag.count)), [countVal(7n), null, countVal(9n)]))).toBe(
      "[7, , 9]",
    );
    expect(describe(tableVal(setType([baseType(TypeTag.count)]), []))).toBe("{\n\n}");
    expect(
      describe(
        tableVal(setType([baseType(TypeTag.string), baseType(TypeTag.port)]), [
          { index: [stringVal("http"), portVal(80, "tcp")] },
        ]),
      ),
    ).toBe("{\n[http, 80/tcp] \n}");
    expect(describe(stringVal(Uint8Array.of(0x61, 0, 0xff, 0x22, 0x5c)))).toBe('a\\x00\\xff"\\');
    expect(describe(stringVal("é"))).toBe("\\xc3\\xa9");
    expect(describe(patternVal("ab+c"))).toBe("/^?(ab+c)$?/");
    expect(describeEvent("ping", [timeVal(1.5), boolVal(true), enumVal(TRANSPORT_PROTO, "udp")])).toBe(
      "ping(1.5, T, udp)",
    );
  });

  it("maps values to Broker data as Zeek does", () => {
    const rec = recordType("R", [
      { name: "a", type: baseType(TypeTag.count) },
      { name: "b", type: baseType(TypeTag.string), optional: true },
    ]);
    expect(toText(toBrokerData(recordVal(rec, [countVal(1n), null])))).toBe("(1, nil)");
    expect(toText(toBrokerData(timeVal(1.5)))).toBe("1500000000ns");
    expect(toText(toBrokerData(portVal(53, "udp")))).toBe("53/udp");
    expect(toText(toBrokerData(enumVal(TRANSPORT_PROTO, "tcp")))).toBe("tcp");
    expect(toText(toBrokerData(vectorVal(vectorType(baseType(TypeTag.count)), [countVal(7n), null])))).toBe(
      "(7)",
    );
    expect(toText(toBrokerData(patternVal("x")))).toBe("(^?(x)$?, ^?(.|\n)*(x))");
  });
});
