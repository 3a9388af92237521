/**
 * The bank's calendar: days (`YYYY-MM-DD`: due dates, payment days) and
 * months (`YYYY-MM`: statements), in UTC, between the years
 * {@link FIRST_YEAR} and {@link LAST_YEAR}. One parser for every subgraph, so
 * no service builds a date from user input with `Date.UTC` (which reads
 * years 0–99 as 1900–1999) or lets a year past 9999 reach PostgreSQL.
 */
import { z } from 'zod';
import { BadUserInputError } from './errors.ts';

/** First and last years a day or month may name. */
export const FIRST_YEAR = 1900;
export const LAST_YEAR = 2999;

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const MONTH = /^(\d{4})-(\d{2})$/;

/** Today in UTC. */
export const today = (now: Date = new Date()): string => now.toISOString().slice(0, 10);

/** `date` plus `days` days. */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** Midnight UTC of the first of a month; `month` 0–11, and 12 for the next year's January. */
function monthStart(year: number, month: number): Date {
  const date = new Date(0);
  date.setUTCFullYear(year, month, 1);
  return date;
}

/**
 * True for a day that exists within the calendar's years: "2028-02-29" is
 * one; "2026-02-30", "2026-13-01" and "0099-05-01" are not.
 */
export function isCalendarDay(value: string, firstYear = FIRST_YEAR): boolean {
  const match = DAY.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (year < firstYear || year > LAST_YEAR || month < 1 || month > 12 || day < 1) return false;
  const date = monthStart(year, month - 1);
  date.setUTCDate(day);
  return date.getUTCMonth() === month - 1;
}

/**
 * A calendar day input field named `name`, from `firstYear` (due dates and
 * payment days start in 2000) to {@link LAST_YEAR}.
 */
export const calendarDay = (name: string, firstYear = FIRST_YEAR) =>
  z.string().refine((value) => isCalendarDay(value, firstYear), {
    message: `"${name}" must be a date written YYYY-MM-DD, in the years ${firstYear} to ${LAST_YEAR}.`,
  });

/**
 * A calendar month `YYYY-MM` as the instants it spans, `[start, end)`;
 * BAD_USER_INPUT naming `field` when it is not one of the calendar's.
 */
export function calendarMonth(value: string, field: string): { start: Date; end: Date } {
  const match = MONTH.exec(value);
  const [year, month] = match ? [Number(match[1]), Number(match[2])] : [NaN, NaN];
  if (!match || year < FIRST_YEAR || year > LAST_YEAR || month < 1 || month > 12) {
    throw new BadUserInputError(
      `"${field}" must be a month written YYYY-MM, for example 2026-11, in the years ${FIRST_YEAR} to ${LAST_YEAR}.`,
      field,
    );
  }
  return { start: monthStart(year, month - 1), end: monthStart(year, month) };
}
