import { type Static, type TSchema, Type } from "@sinclair/typebox";

// TypeBox schemas for the JSON v1 shapes (as parsed JS values), for users who
// validate WebSocket traffic with any JSON-schema tool. They check shape only;
// fromJson applies Broker's value rules (ranges, address syntax, duplicates).

const scalar = <T extends string, S extends TSchema>(name: T, data: S) =>
  Type.Object({ "@data-type": Type.Literal(name), data }, { $id: `broker-${name}` });

/** Counts and integers: JSON integers; bigint where the parser keeps 64-bit values exact. */
const Int64 = Type.Union([Type.Integer(), Type.BigInt()]);

export const JsonNone = Type.Object({
  "@data-type": Type.Literal("none"),
  data: Type.Optional(Type.Unknown()),
});
export const JsonBoolean = scalar("boolean", Type.Boolean());
export const JsonCount = scalar("count", Int64);
export const JsonInteger = scalar("integer", Int64);
export const JsonReal = scalar("real", Type.Number());
export const JsonString = scalar("string", Type.String());
export const JsonAddress = scalar("address", Type.String());
export const JsonSubnet = scalar("subnet", Type.String({ pattern: "/[0-9]+$" }));
export const JsonPort = scalar("port", Type.String());
export const JsonTimestamp = scalar(
  "timestamp",
  Type.String({ pattern: "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}" }),
);
export const JsonTimespan = scalar("timespan", Type.String({ pattern: "^[+-]?[0-9]+(ns|us|ms|s|min|h)$" }));
export const JsonEnumValue = scalar("enum-value", Type.String());

/** Any JSON v1 value, recursively. */
export const JsonData = Type.Recursive(
  (Self) =>
    Type.Union([
      JsonNone,
      JsonBoolean,
      JsonCount,
      JsonInteger,
      JsonReal,
      JsonString,
      JsonAddress,
      JsonSubnet,
      JsonPort,
      JsonTimestamp,
      JsonTimespan,
      JsonEnumValue,
      Type.Object({ "@data-type": Type.Literal("vector"), data: Type.Array(Self) }),
      Type.Object({ "@data-type": Type.Literal("set"), data: Type.Array(Self) }),
      Type.Object({
        "@data-type": Type.Literal("table"),
        data: Type.Array(Type.Object({ key: Self, value: Self })),
      }),
    ]),
  { $id: "broker-data" },
);
export type JsonData = Static<typeof JsonData>;
