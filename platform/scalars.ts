/**
 * Custom GraphQL scalars shared by every subgraph: `Decimal` for money
 * amounts and `DateTime` for instants.
 *
 * Input errors are `GraphQLError`s with `extensions.code` `BAD_USER_INPUT`,
 * so clients can tell a malformed value from a server fault. Serialization
 * errors carry no code: a bad output value is a server bug.
 *
 * @module
 */
import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';
import type { ValueNode } from 'graphql';
import { isDecimalString } from './money.ts';

/** Longest accepted `Decimal` string, sign and point included. */
export const MAX_DECIMAL_LENGTH = 40;

/** `extensions.code` of every input error raised by these scalars. */
export const BAD_USER_INPUT = 'BAD_USER_INPUT';

const DECIMAL_DESCRIPTION = `A decimal number sent and returned as a JSON string, e.g. "1234.50" or "-0.05", never as a JSON number (which would lose precision).
Format: an optional leading "-", digits without superfluous leading zeros, and optionally "." followed by digits. No exponent, "+", spaces or thousands separators; at most ${MAX_DECIMAL_LENGTH} characters.
Money amounts are returned with exactly the currency's number of decimals ("100" for JPY, "100.00" for USD), and an input amount may have at most that many.`;

/**
 * The `Decimal` scalar. Its internal value is the validated decimal string
 * itself, not a number: converting it to minor units needs the currency, so
 * resolvers call `toMinorUnits(value, currency)` from `money.ts`.
 */
export const DecimalScalar = new GraphQLScalarType<string, string>({
  name: 'Decimal',
  description: DECIMAL_DESCRIPTION,
  serialize(output) {
    if (typeof output === 'string' && isValidDecimal(output)) {
      return output;
    }
    throw new GraphQLError(`Decimal cannot represent ${describe(output)}: expected a decimal string.`);
  },
  parseValue(input) {
    if (typeof input === 'number' || typeof input === 'bigint') {
      throw sendAsString();
    }
    if (typeof input !== 'string') {
      throw badInput(`Decimal must be a string such as "12.50", got ${describe(input)}.`);
    }
    return checkDecimal(input);
  },
  parseLiteral(ast) {
    if (ast.kind === Kind.INT || ast.kind === Kind.FLOAT) {
      throw sendAsString(ast);
    }
    if (ast.kind !== Kind.STRING) {
      throw badInput(`Decimal must be a string such as "12.50", got ${describeNode(ast)}.`, ast);
    }
    return checkDecimal(ast.value, ast);
  },
});

/**
 * Accepted `DateTime` input: ISO 8601 extended format with a date, a time to
 * the second, optional fractional seconds and a mandatory time zone
 * designator (`Z` or `±hh:mm`). Upper-case `T` and `Z` only.
 */
const DATE_TIME_PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:Z|([+-])(\d{2}):(\d{2}))$/;

const DATE_TIME_DESCRIPTION = `An instant, as an ISO 8601 string. Returned in UTC with milliseconds, e.g. "2024-03-01T12:00:00.000Z".
Inputs must include a time zone designator, "Z" or "±hh:mm" (e.g. "2024-03-01T13:00:00+01:00"), and fall in the years 0001 to 9999 (UTC); fractional seconds beyond milliseconds are truncated.`;

/**
 * The `DateTime` scalar. Internal value: a valid `Date`. Output: UTC ISO 8601
 * from `Date.prototype.toISOString`. Input: see the scalar's description.
 */
export const DateTimeScalar = new GraphQLScalarType<Date, string>({
  name: 'DateTime',
  description: DATE_TIME_DESCRIPTION,
  serialize(output) {
    if (output instanceof Date && !Number.isNaN(output.getTime())) {
      return output.toISOString();
    }
    if (typeof output === 'string') {
      const date = parseDateTime(output);
      if (date !== null) {
        return date.toISOString();
      }
    }
    throw new GraphQLError(`DateTime cannot represent ${describe(output)}: expected a valid Date or ISO 8601 string.`);
  },
  parseValue(input) {
    if (typeof input !== 'string') {
      throw badInput(`DateTime must be an ISO 8601 string such as "2024-03-01T12:00:00Z", got ${describe(input)}.`);
    }
    return checkDateTime(input);
  },
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING) {
      throw badInput(
        `DateTime must be an ISO 8601 string such as "2024-03-01T12:00:00Z", got ${describeNode(ast)}.`,
        ast,
      );
    }
    return checkDateTime(ast.value, ast);
  },
});

/**
 * The scalars by name, to spread into a subgraph's resolver map:
 * `{ ...scalarResolvers, Query: { ... } }`.
 */
export const scalarResolvers = {
  Decimal: DecimalScalar,
  DateTime: DateTimeScalar,
} as const;

/**
 * Parses an ISO 8601 date-time with a time zone designator into a `Date`, or
 * returns `null` if the string is not in that format, names a date or time
 * that does not exist (`2023-02-29`, `24:00:00`, `+25:00`), or an instant
 * outside the years 1 to 9999 in UTC (`0000-06-01T00:00:00Z`,
 * `0001-01-01T00:00:00+01:00`).
 *
 * Done by hand because `Date.parse` is lenient: it accepts `2024-02-30` (as
 * 1 March) and `24:00:00`, and accepts strings without a time zone as local
 * time.
 */
export function parseDateTime(input: string): Date | null {
  const match = DATE_TIME_PATTERN.exec(input);
  if (match === null) {
    return null;
  }
  const [, year, month, day, hour, minute, second, fraction, offsetSign, offsetHour, offsetMinute] = match;
  const y = Number(year);
  const mo = Number(month);
  const d = Number(day);
  const h = Number(hour);
  const mi = Number(minute);
  const s = Number(second);
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h > 23 || mi > 59 || s > 59) {
    return null;
  }
  let offsetMinutes = 0;
  if (offsetSign !== undefined) {
    const oh = Number(offsetHour);
    const om = Number(offsetMinute);
    if (oh > 23 || om > 59) {
      return null;
    }
    offsetMinutes = (offsetSign === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const milliseconds = Number((fraction ?? '').padEnd(3, '0').slice(0, 3));
  // Date.UTC maps years 0–99 to 1900–1999, so set the year separately.
  const date = new Date(0);
  date.setUTCFullYear(y, mo - 1, d);
  date.setUTCHours(h, mi, s, milliseconds);
  const instant = new Date(date.getTime() - offsetMinutes * 60_000);
  // Years 1 to 9999 in UTC: what ISO 8601 strings and PostgreSQL both hold (PostgreSQL has no year 0).
  const utcYear = instant.getUTCFullYear();
  return utcYear >= 1 && utcYear <= 9999 ? instant : null;
}

function checkDecimal(input: string, node?: ValueNode): string {
  if (!isValidDecimal(input)) {
    throw badInput(
      input.length > MAX_DECIMAL_LENGTH
        ? `Decimal must be at most ${MAX_DECIMAL_LENGTH} characters.`
        : 'Decimal must be a string such as "12.50": digits, an optional leading "-" and an optional "." followed by digits; no exponent, "+", spaces or separators.',
      node,
    );
  }
  return input;
}

function isValidDecimal(value: string): boolean {
  return value.length <= MAX_DECIMAL_LENGTH && isDecimalString(value);
}

function checkDateTime(input: string, node?: ValueNode): Date {
  const date = parseDateTime(input);
  if (date === null) {
    throw badInput(
      'DateTime must be a valid ISO 8601 date-time with a time zone, such as "2024-03-01T12:00:00Z" or "2024-03-01T13:00:00+01:00".',
      node,
    );
  }
  return date;
}

function sendAsString(node?: ValueNode): GraphQLError {
  return badInput(
    'Decimal must be sent as a string, such as "12.50", not as a number: JSON numbers lose precision.',
    node,
  );
}

function badInput(message: string, node?: ValueNode): GraphQLError {
  return new GraphQLError(message, {
    ...(node === undefined ? {} : { nodes: node }),
    extensions: { code: BAD_USER_INPUT },
  });
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) {
    const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
    return leap ? 29 : 28;
  }
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * Short description of an unexpected literal. The literal itself is not
 * printed: it may be an arbitrarily large list or object.
 */
function describeNode(node: ValueNode): string {
  switch (node.kind) {
    case Kind.BOOLEAN:
      return 'a boolean';
    case Kind.NULL:
      return 'null';
    case Kind.ENUM:
      return 'an enum value';
    case Kind.LIST:
      return 'a list';
    case Kind.OBJECT:
      return 'an object';
    case Kind.INT:
    case Kind.FLOAT:
      return 'a number';
    case Kind.STRING:
      return 'a string';
    case Kind.VARIABLE:
      return 'a variable';
  }
}

/** Short, safe description of an unexpected value for error messages. */
function describe(value: unknown): string {
  if (typeof value === 'string') {
    return value.length > MAX_DECIMAL_LENGTH ? 'a string that is too long' : JSON.stringify(value);
  }
  if (value instanceof Date) {
    return 'an invalid Date';
  }
  return value === null ? 'null' : `a value of type ${typeof value}`;
}
