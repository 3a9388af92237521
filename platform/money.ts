/**
 * Money arithmetic for the bank, without floating point.
 *
 * Amounts travel through the API as canonical decimal strings ("1234.50") and
 * live everywhere else as `bigint` counts of the currency's minor unit (cents
 * for USD, yen for JPY). This module is the only place that converts between
 * the two, so the rules for what counts as a valid amount live here once.
 *
 * A JavaScript `number` never holds an amount: `0.1 + 0.2 !== 0.3`, and
 * integers above 2^53 lose precision silently.
 *
 * @module
 */
import { BadUserInputError } from './errors.ts';

/**
 * Supported ISO 4217 currencies and the number of decimals of their minor
 * unit (ISO 4217 "minor unit" column).
 */
export const CURRENCIES = Object.freeze({
  USD: 2,
  EUR: 2,
  GBP: 2,
  CHF: 2,
  CAD: 2,
  AUD: 2,
  JPY: 0,
  SEK: 2,
  NOK: 2,
  DKK: 2,
} as const);

/** ISO 4217 code of a currency the bank supports, e.g. `'USD'`. */
export type Currency = keyof typeof CURRENCIES;

/**
 * Whether `value` is the code of a supported currency.
 *
 * Only the exact upper-case code is accepted (`'usd'` is not a currency), and
 * inherited object keys such as `'toString'` are never mistaken for one.
 */
export function isCurrency(value: unknown): value is Currency {
  return typeof value === 'string' && Object.hasOwn(CURRENCIES, value);
}

/** Number of decimals of the currency's minor unit: 2 for USD, 0 for JPY. */
export function currencyDecimals(currency: Currency): number {
  return CURRENCIES[currency];
}

/**
 * The largest accepted absolute amount, in **whole** currency units: 10^13.
 *
 * Anything larger is refused as absurd. The limit is counted in whole units
 * rather than minor units so that it means the same thing in every currency
 * (ten trillion dollars, ten trillion yen); use {@link maxMinorUnits} for the
 * limit expressed in a given currency's minor units. Exactly 10^13 is
 * accepted; 10^13 plus one minor unit is not.
 *
 * At two decimals the limit is 10^15 minor units, well inside a PostgreSQL
 * `bigint` (about 9.2 × 10^18), so sums of many such amounts still fit.
 */
export const MAX_WHOLE_UNITS: bigint = 10n ** 13n;

/**
 * The largest accepted absolute amount in the currency's minor units:
 * {@link MAX_WHOLE_UNITS} × 10^decimals (10^15 for USD, 10^13 for JPY).
 */
export function maxMinorUnits(currency: Currency): bigint {
  return MAX_WHOLE_UNITS * minorUnitsPerWholeUnit(currency);
}

/**
 * Why an amount string was refused:
 * - `FORMAT`: not a canonical decimal string (see {@link parseDecimal}).
 * - `PRECISION`: more fractional digits than the currency has decimals.
 * - `TOO_LARGE`: absolute value above {@link MAX_WHOLE_UNITS} whole units.
 * - `NOT_POSITIVE`: zero or negative where a positive amount is required.
 */
export type InvalidAmountReason = 'FORMAT' | 'PRECISION' | 'TOO_LARGE' | 'NOT_POSITIVE';

/**
 * An amount supplied by a client is not acceptable.
 *
 * Deliberately a plain `Error` so that this module stays independent of
 * GraphQL; the GraphQL layer maps it to a `BAD_USER_INPUT` error. The message
 * is safe to show to the client and never echoes the raw input.
 */
export class InvalidAmountError extends Error {
  /** Machine-readable reason; stable, unlike the message. */
  readonly reason: InvalidAmountReason;

  /**
   * @param reason - Why the amount was refused.
   * @param message - Human-readable explanation for the client.
   */
  constructor(reason: InvalidAmountReason, message: string) {
    super(message);
    this.name = 'InvalidAmountError';
    this.reason = reason;
  }
}

/**
 * The canonical decimal grammar: an optional `-`, an integer part without
 * superfluous leading zeros, and optionally `.` followed by at least one digit.
 *
 * Refused: exponents (`1e3`), `+`, whitespace, thousands separators (`1,000`),
 * a leading or trailing point (`.5`, `5.`), and leading zeros (`007`).
 */
const DECIMAL_PATTERN = /^(-?)(0|[1-9][0-9]*)(?:\.([0-9]+))?$/;

/**
 * Whether `value` is a string in the canonical decimal grammar of
 * {@link parseDecimal}. Says nothing about precision or size, which depend on
 * the currency.
 */
export function isDecimalString(value: unknown): value is string {
  return typeof value === 'string' && DECIMAL_PATTERN.test(value);
}

/** The parts of a decimal string, as returned by {@link parseDecimal}. */
export type ParsedDecimal = {
  /** Whether the string starts with `-` (also true for `"-0"`). */
  readonly negative: boolean;
  /** Digits before the point, never empty, no superfluous leading zeros. */
  readonly integerDigits: string;
  /** Digits after the point exactly as written (trailing zeros kept); `''` if no point. */
  readonly fractionDigits: string;
};

/**
 * Splits a canonical decimal string into sign and digits, without
 * interpreting it in any currency.
 *
 * Accepted: `"0"`, `"12"`, `"-12.50"`, `"0.05"`. Refused: `"1e3"`, `"+1"`,
 * `" 1"`, `"1,000"`, `".5"`, `"5."`, `"007"`, `""`, `"-"`.
 *
 * @throws {@link InvalidAmountError} with reason `FORMAT` if the string is not
 * in the grammar.
 */
export function parseDecimal(input: string): ParsedDecimal {
  const match = DECIMAL_PATTERN.exec(input);
  if (match === null) {
    throw new InvalidAmountError(
      'FORMAT',
      'Amount must be a decimal string such as "12.50": digits, an optional leading "-" and an optional "." followed by digits; no exponent, "+", spaces or separators.',
    );
  }
  return {
    negative: match[1] === '-',
    integerDigits: match[2] ?? '0',
    fractionDigits: match[3] ?? '',
  };
}

/**
 * Converts a canonical decimal string to a count of the currency's minor
 * units: `toMinorUnits('12.5', 'USD') === 1250n`,
 * `toMinorUnits('100', 'JPY') === 100n`.
 *
 * The precision rule is strict: the string may have at most as many
 * fractional digits as the currency has decimals, even if the extra digits are
 * zeros. `"1.50"` is a valid USD amount, `"1.500"` is not, and a JPY amount
 * has no fractional part at all (`"100.0"` is refused). Nothing is ever
 * rounded on input. `"-0"` and `"-0.00"` are accepted and equal `0n`.
 *
 * @throws {@link InvalidAmountError} with reason `FORMAT` (see
 * {@link parseDecimal}), `PRECISION` (too many fractional digits) or
 * `TOO_LARGE` (absolute value above {@link MAX_WHOLE_UNITS} whole units).
 */
export function toMinorUnits(amount: string, currency: Currency): bigint {
  const { negative, integerDigits, fractionDigits } = parseDecimal(amount);
  const decimals = currencyDecimals(currency);
  if (fractionDigits.length > decimals) {
    throw new InvalidAmountError(
      'PRECISION',
      decimals === 0
        ? `${currency} amounts cannot have a fractional part.`
        : `${currency} amounts have at most ${decimals} decimal places.`,
    );
  }
  // Cheap check before BigInt(): an integer part longer than the limit's is
  // too large whatever its digits, and this keeps BigInt() inputs short.
  if (integerDigits.length > MAX_WHOLE_UNITS.toString().length) {
    throw tooLarge(currency);
  }
  const magnitude = BigInt(integerDigits + fractionDigits.padEnd(decimals, '0'));
  if (magnitude > maxMinorUnits(currency)) {
    throw tooLarge(currency);
  }
  return negative ? -magnitude : magnitude;
}

/**
 * Like {@link toMinorUnits}, but additionally refuses zero and negative
 * amounts: what a deposit, withdrawal or transfer amount must be.
 *
 * @throws {@link InvalidAmountError} with any reason of {@link toMinorUnits},
 * or `NOT_POSITIVE`.
 */
export function toPositiveMinorUnits(amount: string, currency: Currency): bigint {
  const minor = toMinorUnits(amount, currency);
  if (minor <= 0n) {
    throw new InvalidAmountError('NOT_POSITIVE', 'Amount must be greater than zero.');
  }
  return minor;
}

/**
 * Formats a count of minor units as a canonical decimal string with exactly
 * the currency's number of decimals: `fromMinorUnits(123450n, 'USD') ===
 * '1234.50'`, `fromMinorUnits(-5n, 'USD') === '-0.05'`,
 * `fromMinorUnits(100n, 'JPY') === '100'`. Zero is `'0.00'` (never `'-0.00'`).
 *
 * The result is always accepted by {@link toMinorUnits} for the same currency
 * when within {@link MAX_WHOLE_UNITS}; larger values (such as a sum of many
 * balances) are still formatted, not refused.
 */
export function fromMinorUnits(minor: bigint, currency: Currency): string {
  const decimals = currencyDecimals(currency);
  const negative = minor < 0n;
  const digits = (negative ? -minor : minor).toString().padStart(decimals + 1, '0');
  const integerPart = digits.slice(0, digits.length - decimals);
  const fractionPart = digits.slice(digits.length - decimals);
  const sign = negative ? '-' : '';
  return decimals === 0 ? `${sign}${integerPart}` : `${sign}${integerPart}.${fractionPart}`;
}

/**
 * `numerator / denominator` rounded to the nearest integer, ties to the even
 * neighbour (banker's rounding, `HALF_EVEN`), for any signs:
 * `roundHalfEven(5n, 2n) === 2n`, `roundHalfEven(7n, 2n) === 4n`,
 * `roundHalfEven(-5n, 2n) === -2n`, `roundHalfEven(2n, 3n) === 1n`.
 *
 * Interest is computed as an exact fraction of minor units and rounded once
 * with this function; half-even avoids the upward bias of half-up over many
 * accruals.
 *
 * @throws RangeError if `denominator` is zero.
 */
export function roundHalfEven(numerator: bigint, denominator: bigint): bigint {
  if (denominator === 0n) {
    throw new RangeError('roundHalfEven: division by zero');
  }
  const n = denominator < 0n ? -numerator : numerator;
  const d = denominator < 0n ? -denominator : denominator;
  // BigInt division truncates toward zero; the remainder has the sign of n.
  const quotient = n / d;
  const remainder = n % d;
  const twiceRemainder = 2n * (remainder < 0n ? -remainder : remainder);
  const awayFromZero = twiceRemainder > d || (twiceRemainder === d && quotient % 2n !== 0n);
  if (!awayFromZero) {
    return quotient;
  }
  return n < 0n ? quotient - 1n : quotient + 1n;
}

/** An amount of money as the API shows it: `{ amount: '1234.50', currency: 'USD' }`. */
export type Money = {
  /** Canonical decimal string with exactly the currency's decimals. */
  amount: string;
  /** ISO 4217 code. */
  currency: Currency;
};

/**
 * Builds the API representation of `minor` minor units of `currency`:
 * `money(123450n, 'USD')` is `{ amount: '1234.50', currency: 'USD' }`.
 */
export function money(minor: bigint, currency: Currency): Money {
  return { amount: fromMinorUnits(minor, currency), currency };
}

function minorUnitsPerWholeUnit(currency: Currency): bigint {
  return 10n ** BigInt(currencyDecimals(currency));
}

function tooLarge(currency: Currency): InvalidAmountError {
  return new InvalidAmountError(
    'TOO_LARGE',
    `Amount must not exceed ${MAX_WHOLE_UNITS.toString()} ${currency} in absolute value.`,
  );
}

const AMOUNT_PROBLEMS: Record<InvalidAmountReason, (currency: Currency) => string> = {
  FORMAT: () => 'must be a decimal number written as a string, like "12.50"',
  PRECISION: (c) => `has more decimals than ${c} allows (${CURRENCIES[c]})`,
  TOO_LARGE: () => `is too large (the limit is ${MAX_WHOLE_UNITS} whole units)`,
  NOT_POSITIVE: () => 'must be greater than zero',
};

/**
 * A client's amount in minor units of `currency`, refused with
 * BAD_USER_INPUT naming `field` (and `extensions.reason`) when it is not a
 * positive amount the currency can hold exactly.
 */
export function parseAmountInput(amount: string, currency: Currency, field = 'amount'): bigint {
  try {
    return toPositiveMinorUnits(amount, currency);
  } catch (error) {
    if (error instanceof InvalidAmountError) {
      throw new BadUserInputError(`"${field}" ${AMOUNT_PROBLEMS[error.reason](currency)}.`, field, {
        reason: error.reason,
      });
    }
    throw error;
  }
}
