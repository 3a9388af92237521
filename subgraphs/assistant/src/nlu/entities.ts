/**
 * Entities of a customer's question: amounts (with their currency), an
 * amount range ("over $100", "between 50 and 100 euros") and a period ("last
 * month", "in October", "since November 1"), found with Microsoft's
 * Recognizers-Text (`@microsoft/recognizers-text-suite`, English), not with
 * regular expressions of our own. Names of payees, billers and categories
 * are not found here: they come from the customer's own data in the graph.
 *
 * Periods are half-open day ranges `[from, to)` in the bank's calendar
 * (UTC). A period the recognizer resolves both ways ("October" said in
 * December: last October or next) is the most recent one that has begun,
 * since customers ask about money that has moved.
 */
import {
  Culture,
  recognizeCurrency,
  recognizeDateTime,
  recognizeNumber,
  recognizePercentage,
} from '@microsoft/recognizers-text-suite';
import { isCurrency, isDecimalString, type Currency } from '../../../../platform/money.ts';

/** An amount as the customer said it: a decimal string and, when they named one, its currency. */
export interface SaidAmount {
  value: string;
  currency: Currency | null;
  /** The words it was found in. */
  text: string;
}

/** Bounds on amounts: `min` and `max` inclusive, each a decimal string. */
export interface AmountRange {
  min: string | null;
  max: string | null;
}

/** Days `[from, to)`, `YYYY-MM-DD`. `to` is null for an open end ("since November 1"). */
export interface Period {
  from: string;
  to: string | null;
  text: string;
}

export interface Entities {
  amounts: SaidAmount[];
  /** Every other number said, without a currency ("transfer 50 to savings"), in order. */
  numbers: SaidAmount[];
  amountRange: AmountRange | null;
  period: Period | null;
}

/** Currencies the recognizer names by unit rather than by ISO code. */
const CURRENCY_OF_UNIT: ReadonlyMap<string, Currency> = new Map([
  ['Dollar', 'USD'],
  ['United States dollar', 'USD'],
  ['Pound', 'GBP'],
  ['British pound', 'GBP'],
  ['Euro', 'EUR'],
  ['Japanese yen', 'JPY'],
  ['Swiss franc', 'CHF'],
]);

/** Words that make the amount after them a lower or an upper bound. */
const LOWER_BOUND = [
  'over',
  'above',
  'more than',
  'greater than',
  'at least',
  'bigger than',
  'larger than',
  'exceeding',
];
const UPPER_BOUND = ['under', 'below', 'less than', 'smaller than', 'at most', 'up to', 'no more than'];

/**
 * What the recognizers look at. Their work grows faster than the text, most
 * with numbers: 1,000 characters of "$1 $1 ..." took 6 s of one core, which a
 * single customer could repeat within the rate limit. A question's amounts
 * and period come early, so they read its first 300 characters, cut after the
 * eighth number (a run of digits or a number word): at most a few tens of
 * milliseconds whatever the input.
 */
const MAX_TEXT = 300;
const MAX_NUMBERS = 8;
const NUMBER =
  /\d+|\b(?:zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundred|thousand|million|billion)\b/gi;

/** The part of `text` the recognizers read (see {@link MAX_TEXT}). */
export function recognizable(text: string): string {
  const head = text.slice(0, MAX_TEXT);
  let count = 0;
  for (const match of head.matchAll(NUMBER)) {
    count += 1;
    if (count === MAX_NUMBERS) return head.slice(0, match.index + match[0].length);
  }
  return head;
}

interface Resolution {
  value?: string | null;
  unit?: string;
  isoCurrency?: string;
}

function currencyOf(resolution: Resolution): Currency | null {
  if (resolution.isoCurrency && isCurrency(resolution.isoCurrency)) return resolution.isoCurrency;
  return (resolution.unit && CURRENCY_OF_UNIT.get(resolution.unit)) || null;
}

/**
 * A recognizer's value as a plain decimal string ("1250.75"), or null when it
 * is not one (fractions, exponents) or there is none: a currency named without
 * a number ("how many dollars do I have") resolves to `value: null`.
 */
function decimalOf(value: string | null | undefined): string | null {
  if (value === undefined || value === null) return null;
  const plain = value.trim();
  return isDecimalString(plain) && !plain.startsWith('-') ? plain : null;
}

/** The comparison word just before `start` in `lower` (lower-cased text), if any. */
function boundBefore(lower: string, start: number): 'min' | 'max' | null {
  const before = lower.slice(Math.max(0, start - 20), start).trimEnd();
  if (LOWER_BOUND.some((w) => before.endsWith(w))) return 'min';
  if (UPPER_BOUND.some((w) => before.endsWith(w))) return 'max';
  return null;
}

/** Amounts said with a currency, or bare numbers after a comparison word ("over 100"). */
function amountsIn(text: string, lower: string): (SaidAmount & { start: number; end: number })[] {
  const found: (SaidAmount & { start: number; end: number })[] = [];
  for (const result of recognizeCurrency(text, Culture.English)) {
    const resolution = result.resolution as Resolution;
    const value = decimalOf(resolution.value);
    if (value === null) continue;
    found.push({ value, currency: currencyOf(resolution), text: result.text, start: result.start, end: result.end });
  }
  const taken = (start: number, end: number) => found.some((a) => start <= a.end && end >= a.start);
  for (const result of recognizeNumber(text, Culture.English)) {
    if (taken(result.start, result.end)) continue;
    const value = decimalOf((result.resolution as Resolution).value);
    const before = lower.slice(0, result.start);
    const between = /\bbetween\s*$/.test(before) || (/\band\s*$/.test(before) && before.includes('between'));
    if (value === null || (boundBefore(lower, result.start) === null && !between)) continue;
    found.push({ value, currency: null, text: result.text, start: result.start, end: result.end });
  }
  return found.sort((a, b) => a.start - b.start);
}

/** "between A and B", or a bound word before an amount. */
function rangeOf(lower: string, amounts: readonly (SaidAmount & { start: number; end: number })[]): AmountRange | null {
  for (let i = 0; i + 1 < amounts.length; i += 1) {
    const [a, b] = [amounts[i]!, amounts[i + 1]!];
    const before = lower.slice(Math.max(0, a.start - 12), a.start);
    const middle = lower.slice(a.end + 1, b.start).trim();
    if (/between\s*$/.test(before) && (middle === 'and' || middle === '-' || middle === 'to')) {
      const [min, max] = Number(a.value) <= Number(b.value) ? [a.value, b.value] : [b.value, a.value];
      return { min, max };
    }
  }
  let range: AmountRange | null = null;
  for (const amount of amounts) {
    const bound = boundBefore(lower, amount.start);
    if (bound) range = { ...(range ?? { min: null, max: null }), [bound]: amount.value };
  }
  return range;
}

interface DateValue {
  type?: string;
  value?: string;
  start?: string;
  end?: string;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function nextDay(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + 1);
  return date.toISOString().slice(0, 10);
}

/** One resolution as a period, or null for times of day and the like. */
function periodOfValue(value: DateValue, text: string): Period | null {
  if (value.type === 'date' && value.value && DAY.test(value.value)) {
    return { from: value.value, to: nextDay(value.value), text };
  }
  if (value.type === 'daterange' && value.start && DAY.test(value.start)) {
    return { from: value.start, to: value.end && DAY.test(value.end) ? value.end : null, text };
  }
  return null;
}

/** The first period said, in its most recent reading that has begun by `now`. */
function periodIn(text: string, now: Date): Period | null {
  const today = now.toISOString().slice(0, 10);
  for (const result of recognizeDateTime(text, Culture.English, undefined, now)) {
    const values = ((result.resolution as { values?: DateValue[] }).values ?? [])
      .map((v) => periodOfValue(v, result.text))
      .filter((p): p is Period => p !== null);
    const begun = values.filter((p) => p.from <= today).sort((a, b) => (a.from < b.from ? 1 : -1));
    const period = begun[0] ?? values[0];
    if (period) return period;
  }
  return null;
}

/** The amounts, amount range and period of `text`, read as of `now`. */
export function extractEntities(text: string, now: Date = new Date()): Entities {
  const input = recognizable(text);
  const lower = input.toLowerCase();
  const found = amountsIn(input, lower);
  const numbers = recognizeNumber(input, Culture.English).flatMap((result) => {
    const value = decimalOf((result.resolution as Resolution).value);
    const taken = found.some((a) => result.start <= a.end && result.end >= a.start);
    return value === null || taken ? [] : [{ value, currency: null, text: result.text }];
  });
  return {
    amounts: found.map(({ value, currency, text: said }) => ({ value, currency, text: said })),
    numbers,
    amountRange: rangeOf(lower, found),
    period: periodIn(input, now),
  };
}

/** The terms of a loan quote: an annual rate ("7%", "6.5 percent") and a term in months ("24 months", "3 years"). */
export function loanTerms(text: string): { rate: string | undefined; months: number | undefined } {
  const input = recognizable(text);
  const percent = recognizePercentage(input, Culture.English)[0]?.resolution?.value;
  const rate = typeof percent === 'string' ? percent.replace(/%$/, '') : undefined;
  let months: number | undefined;
  for (const result of recognizeDateTime(input, Culture.English)) {
    const values = (result.resolution as { values?: { type?: string; timex?: string }[] } | undefined)?.values ?? [];
    const timex = values.find((v) => v.type === 'duration')?.timex;
    const match = timex ? /^P(\d+)([MY])$/.exec(timex) : null;
    if (match) {
      months = Number(match[1]) * (match[2] === 'Y' ? 12 : 1);
      break;
    }
  }
  return { rate: rate !== undefined && isDecimalString(rate) ? rate : undefined, months };
}
