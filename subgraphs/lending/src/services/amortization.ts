/**
 * Repayment schedules of fixed-rate loans, computed exactly.
 *
 * Amounts are `bigint` counts of the currency's minor unit (see
 * `platform/money.ts`); the annual rate is an exact count of millionths
 * ({@link AnnualRate}). Every division is a fraction of bigints rounded once,
 * HALF_EVEN, to a whole minor unit, so no floating point is involved anywhere
 * and the same inputs always give the same schedule, cent for cent.
 *
 * Conventions:
 * - one installment a month; the monthly rate is exactly the annual rate / 12;
 * - each month's interest is `roundHalfEven(remaining balance × monthly rate)`;
 * - the principal parts always add up exactly to the loan amount: the last
 *   installment repays whatever is still owed, absorbing the rounding of the
 *   earlier ones.
 *
 * Pure: no I/O, no clock.
 *
 * @module
 */
import { isDecimalString, parseDecimal, roundHalfEven } from '../../../../platform/money.ts';

/**
 * How the principal is repaid:
 * - `ANNUITY`: a level payment every month (interest falls, principal grows);
 * - `EQUAL_PRINCIPAL`: the same principal every month plus the interest on
 *   what is still owed, so payments fall over time.
 */
export type RepaymentMethod = 'ANNUITY' | 'EQUAL_PRINCIPAL';

/** Every {@link RepaymentMethod}, for validation and schema enums. */
export const REPAYMENT_METHODS: readonly RepaymentMethod[] = Object.freeze(['ANNUITY', 'EQUAL_PRINCIPAL']);

/** Shortest accepted term, in months. */
export const MIN_TERM_MONTHS = 1;

/** Longest accepted term, in months (30 years). */
export const MAX_TERM_MONTHS = 360;

/**
 * A nominal annual interest rate held exactly, as a count of millionths
 * (equivalently ten-thousandths of a percent): 7.25 % is `{ ppm: 72_500n }`,
 * 100 % is `{ ppm: 1_000_000n }`. Build one with {@link parseAnnualRate}.
 */
export type AnnualRate = {
  /** The rate in parts per million per year, from 0 to 1 000 000 inclusive. */
  readonly ppm: bigint;
};

/** One monthly installment of a schedule; amounts in minor units. */
export interface Installment {
  /** 1 for the first installment, up to the term in months. */
  number: number;
  /** Due date as `YYYY-MM-DD`. */
  dueDate: string;
  /** Amount due: always `principal + interest`. */
  payment: bigint;
  /** Part of the payment that repays the loan. */
  principal: bigint;
  /** Part of the payment that is interest for the month. */
  interest: bigint;
  /** Principal still owed once this installment is paid; 0 after the last. */
  remaining: bigint;
}

/** What {@link amortize} needs to build a schedule. */
export interface AmortizationInput {
  /** Amount lent, in minor units; must be positive. */
  principal: bigint;
  /** Nominal annual rate, parsed or as a percent string such as `"7.25"`. */
  annualRate: AnnualRate | string;
  /** Number of monthly installments, an integer from 1 to 360. */
  termMonths: number;
  /** How the principal is repaid. */
  method: RepaymentMethod;
  /** Due date of the first installment, `YYYY-MM-DD`. */
  firstDueDate: string;
}

/** Sums over a schedule, in minor units; see {@link totals}. */
export interface AmortizationTotals {
  /** Everything the borrower pays: principal plus interest. */
  totalPayment: bigint;
  /** Interest over the life of the loan. */
  totalInterest: bigint;
  /** Principal repaid: equals the loan amount for a full schedule. */
  totalPrincipal: bigint;
}

/** The input of {@link amortize} that an {@link InvalidLoanInputError} is about. */
export type LoanInputField = 'principal' | 'annualRate' | 'termMonths' | 'method' | 'firstDueDate';

/**
 * A loan input is not acceptable. A plain `Error`, so this module stays
 * independent of GraphQL; the resolver maps it to `BAD_USER_INPUT` naming
 * {@link InvalidLoanInputError.field}. The message names the input and is safe
 * to show to the client: it never echoes the raw value.
 */
export class InvalidLoanInputError extends Error {
  /** Which input was refused; stable, unlike the message. */
  readonly field: LoanInputField;

  /**
   * @param field - The refused input.
   * @param message - Human-readable explanation, starting with the input's name.
   */
  constructor(field: LoanInputField, message: string) {
    super(message);
    this.name = 'InvalidLoanInputError';
    this.field = field;
  }
}

/**
 * Why a rate was refused:
 * - `FORMAT`: not a plain decimal string such as `"7.25"`;
 * - `PRECISION`: more than 4 decimal places;
 * - `RANGE`: below 0 or above 100.
 */
export type InvalidRateReason = 'FORMAT' | 'PRECISION' | 'RANGE';

/** An annual rate is not acceptable; always about the `annualRate` input. */
export class InvalidRateError extends InvalidLoanInputError {
  /** Machine-readable reason; stable, unlike the message. */
  readonly reason: InvalidRateReason;

  /**
   * @param reason - Why the rate was refused.
   * @param message - Human-readable explanation for the client.
   */
  constructor(reason: InvalidRateReason, message: string) {
    super('annualRate', message);
    this.name = 'InvalidRateError';
    this.reason = reason;
  }
}

/** Decimal places a rate may have, in percent. */
const RATE_DECIMALS = 4;

/** 100 % in millionths. */
const MAX_RATE_PPM = 1_000_000n;

/** Denominator of the monthly rate: `ppm / MONTHLY_DENOMINATOR` = annual / 12. */
const MONTHLY_DENOMINATOR = 12n * 1_000_000n;

/**
 * Parses an annual rate written in percent: `"7.25"` is 7.25 % a year.
 *
 * The grammar is money's canonical decimal one (`parseDecimal` in
 * `platform/money.ts`): no exponent, sign `+`, spaces or leading zeros. At
 * most 4 decimal places are allowed, even if the extra digits are zeros
 * (`"7.25000"` is refused, as money refuses `"1.500"` dollars), and the value
 * must lie between 0 and 100 inclusive. `"-0"` is 0.
 *
 * @throws {@link InvalidRateError} with reason `FORMAT`, `PRECISION` or `RANGE`.
 */
export function parseAnnualRate(text: string): AnnualRate {
  if (!isDecimalString(text)) {
    throw new InvalidRateError('FORMAT', 'annualRate must be a percentage written as a decimal string, like "7.25".');
  }
  const { negative, integerDigits, fractionDigits } = parseDecimal(text);
  if (fractionDigits.length > RATE_DECIMALS) {
    throw new InvalidRateError('PRECISION', `annualRate has at most ${RATE_DECIMALS} decimal places.`);
  }
  // An integer part longer than "100" is out of range whatever its digits;
  // checking first keeps BigInt() inputs short.
  const ppm =
    integerDigits.length > 3 ? MAX_RATE_PPM + 1n : BigInt(integerDigits + fractionDigits.padEnd(RATE_DECIMALS, '0'));
  const rate = { ppm: negative ? -ppm : ppm };
  checkRate(rate);
  return rate;
}

/**
 * The shortest percent string of a rate, accepted back by
 * {@link parseAnnualRate}: `{ ppm: 72_500n }` is `"7.25"`, `{ ppm: 0n }` is `"0"`.
 */
export function formatAnnualRate(rate: AnnualRate): string {
  const unit = 10n ** BigInt(RATE_DECIMALS);
  const whole = rate.ppm / unit;
  const fraction = (rate.ppm % unit).toString().padStart(RATE_DECIMALS, '0').replace(/0+$/, '');
  return fraction === '' ? whole.toString() : `${whole}.${fraction}`;
}

/**
 * The level monthly payment of an annuity loan, `P·r / (1 − (1 + r)^−n)` with
 * `r` the monthly rate, computed as one exact fraction and rounded HALF_EVEN
 * to a minor unit. At rate 0 it is `roundHalfEven(P / n)`.
 *
 * With `r = a / b` the formula is `P·a·(a + b)^n / (b·((a + b)^n − b^n))`,
 * all in bigints.
 *
 * @throws {@link InvalidLoanInputError} if an input is out of range.
 */
export function levelPayment(principal: bigint, annualRate: AnnualRate | string, termMonths: number): bigint {
  checkPrincipal(principal);
  checkTerm(termMonths);
  return levelPaymentOf(principal, toRate(annualRate), BigInt(termMonths));
}

/**
 * The repayment schedule of a loan: one {@link Installment} a month for
 * `termMonths` months, the first due on `firstDueDate`.
 *
 * Due dates keep the first date's day of the month, moved to the month's
 * last day when the month is shorter: from 2024-01-31 come 2024-02-29,
 * 2024-03-31, 2024-04-30...
 *
 * - `ANNUITY`: every installment but the last pays {@link levelPayment};
 *   its principal part is that payment minus the month's interest.
 * - `EQUAL_PRINCIPAL`: every installment but the last repays
 *   `roundHalfEven(principal / termMonths)` plus the month's interest.
 *
 * The last installment repays exactly what is still owed, so the principal
 * parts sum to `principal` and the final `remaining` is 0. An installment
 * never repays more than is owed: when rounding would (only possible for
 * loans of a few minor units per month), it repays the rest and the later
 * installments are zero.
 *
 * @throws {@link InvalidLoanInputError} (or its subclass
 * {@link InvalidRateError}) naming the refused input.
 */
export function amortize(input: AmortizationInput): Installment[] {
  const { principal, termMonths, method, firstDueDate } = input;
  checkPrincipal(principal);
  const rate = toRate(input.annualRate);
  checkTerm(termMonths);
  checkMethod(method);
  const first = parseDueDate(firstDueDate, termMonths);
  const n = BigInt(termMonths);
  const scheduled =
    method === 'ANNUITY' ? annuityPrincipal(levelPaymentOf(principal, rate, n)) : () => roundHalfEven(principal, n);

  const installments: Installment[] = [];
  let remaining = principal;
  for (let number = 1; number <= termMonths; number += 1) {
    const interest = monthlyInterest(remaining, rate);
    const repaid = number === termMonths ? remaining : minBigInt(scheduled(interest), remaining);
    remaining -= repaid;
    installments.push({
      number,
      dueDate: addMonths(first, number - 1),
      payment: repaid + interest,
      principal: repaid,
      interest,
      remaining,
    });
  }
  return installments;
}

/**
 * Sums the payments, interest and principal of installments (any subset of
 * a schedule). For a whole schedule `totalPrincipal` is the loan amount and
 * `totalPayment = totalPrincipal + totalInterest`.
 */
export function totals(installments: readonly Installment[]): AmortizationTotals {
  let totalPayment = 0n;
  let totalInterest = 0n;
  let totalPrincipal = 0n;
  for (const installment of installments) {
    totalPayment += installment.payment;
    totalInterest += installment.interest;
    totalPrincipal += installment.principal;
  }
  return { totalPayment, totalInterest, totalPrincipal };
}

/** A month's interest on `balance`: `roundHalfEven(balance × annual / 12)`. */
function monthlyInterest(balance: bigint, rate: AnnualRate): bigint {
  return roundHalfEven(balance * rate.ppm, MONTHLY_DENOMINATOR);
}

/**
 * Principal part of an annuity installment: the level payment minus the
 * interest. Never negative: the level payment exceeds the exact first-month
 * interest `P·r`, rounding is monotonic, and later balances are smaller.
 */
function annuityPrincipal(payment: bigint): (interest: bigint) => bigint {
  return (interest) => payment - interest;
}

/** {@link levelPayment} on already validated inputs. */
function levelPaymentOf(principal: bigint, rate: AnnualRate, n: bigint): bigint {
  if (rate.ppm === 0n) {
    return roundHalfEven(principal, n);
  }
  // Monthly rate a / b in lowest terms keeps the powers below small.
  const divisor = gcd(rate.ppm, MONTHLY_DENOMINATOR);
  const a = rate.ppm / divisor;
  const b = MONTHLY_DENOMINATOR / divisor;
  const growth = (a + b) ** n;
  return roundHalfEven(principal * a * growth, b * (growth - b ** n));
}

/** Greatest common divisor of two positive bigints. */
function gcd(x: bigint, y: bigint): bigint {
  let [p, q] = [x, y];
  while (q !== 0n) {
    [p, q] = [q, p % q];
  }
  return p;
}

/** The smaller of two bigints. */
function minBigInt(x: bigint, y: bigint): bigint {
  return x < y ? x : y;
}

/** A rate given either way, parsed and range-checked. */
function toRate(rate: AnnualRate | string): AnnualRate {
  if (typeof rate === 'string') {
    return parseAnnualRate(rate);
  }
  checkRate(rate);
  return rate;
}

/** @throws {@link InvalidRateError} unless 0 ≤ rate ≤ 100 %. */
function checkRate(rate: AnnualRate): void {
  if (typeof rate.ppm !== 'bigint' || rate.ppm < 0n || rate.ppm > MAX_RATE_PPM) {
    throw new InvalidRateError('RANGE', 'annualRate must be between 0 and 100 percent inclusive.');
  }
}

/** @throws {@link InvalidLoanInputError} unless the principal is a positive bigint. */
function checkPrincipal(principal: bigint): void {
  if (typeof principal !== 'bigint' || principal <= 0n) {
    throw new InvalidLoanInputError('principal', 'principal must be greater than zero.');
  }
}

/** @throws {@link InvalidLoanInputError} unless the term is an integer from 1 to 360. */
function checkTerm(termMonths: number): void {
  if (!Number.isInteger(termMonths) || termMonths < MIN_TERM_MONTHS || termMonths > MAX_TERM_MONTHS) {
    throw new InvalidLoanInputError(
      'termMonths',
      `termMonths must be a whole number of months from ${MIN_TERM_MONTHS} to ${MAX_TERM_MONTHS}.`,
    );
  }
}

/** @throws {@link InvalidLoanInputError} unless the method is a {@link RepaymentMethod}. */
function checkMethod(method: RepaymentMethod): void {
  if (!REPAYMENT_METHODS.includes(method)) {
    throw new InvalidLoanInputError('method', `method must be one of ${REPAYMENT_METHODS.join(', ')}.`);
  }
}

/** A calendar date without time zone. */
type CalendarDate = { year: number; month: number; day: number };

/** Latest year a due date may fall in, so dates keep four-digit years. */
const MAX_YEAR = 9999;

/**
 * Parses the first due date, a real `YYYY-MM-DD` calendar date from year 1,
 * early enough that the last installment still falls within year 9999.
 *
 * @throws {@link InvalidLoanInputError} about `firstDueDate`.
 */
function parseDueDate(text: string, termMonths: number): CalendarDate {
  const match = typeof text === 'string' ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(text) : null;
  const [year, month, day] = match === null ? [0, 0, 0] : match.slice(1).map(Number);
  if (
    year === undefined ||
    month === undefined ||
    day === undefined ||
    year < 1 ||
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > daysInMonth(year, month)
  ) {
    throw new InvalidLoanInputError('firstDueDate', 'firstDueDate must be a calendar date written YYYY-MM-DD.');
  }
  if (monthIndex({ year, month, day }) + termMonths - 1 > monthIndex({ year: MAX_YEAR, month: 12, day: 1 })) {
    throw new InvalidLoanInputError('firstDueDate', `firstDueDate is too late: installments must fall by ${MAX_YEAR}.`);
  }
  return { year, month, day };
}

/** Months since January of year 0, for month arithmetic. */
function monthIndex(date: CalendarDate): number {
  return date.year * 12 + (date.month - 1);
}

/**
 * The date `months` months after `date`, formatted `YYYY-MM-DD`, keeping its
 * day of the month or the month's last day when that day does not exist.
 */
function addMonths(date: CalendarDate, months: number): string {
  const index = monthIndex(date) + months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  const day = Math.min(date.day, daysInMonth(year, month));
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Number of days of `month` (1–12) in the proleptic Gregorian calendar. */
function daysInMonth(year: number, month: number): number {
  if (month === 2) {
    return isLeapYear(year) ? 29 : 28;
  }
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Gregorian leap year: divisible by 4, except centuries not divisible by 400. */
function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}
