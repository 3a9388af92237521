/**
 * What lending's inputs must look like, shared by its services: the
 * currency loans are made in, text limits, rates and terms. Every refusal
 * is a BAD_USER_INPUT naming the field.
 */
import { z } from 'zod';
import { BadUserInputError } from '../../../../platform/errors.ts';
import type { Currency } from '../../../../platform/money.ts';
import {
  InvalidLoanInputError,
  MAX_TERM_MONTHS,
  MIN_TERM_MONTHS,
  parseAnnualRate,
  type AnnualRate,
} from './amortization.ts';

/** Loans, banker ranges and repayments are in US dollars. */
export const LENDING_CURRENCY: Currency = 'USD';

/** A rate written in percent ("7.25"): 0 to 100, at most 4 decimals. */
export function parseRate(text: string, field: string): AnnualRate {
  try {
    return parseAnnualRate(text);
  } catch (error) {
    if (error instanceof InvalidLoanInputError) {
      throw new BadUserInputError(
        `"${field}" must be a percentage from 0 to 100 with at most 4 decimals, like "7.25".`,
        field,
      );
    }
    throw error;
  }
}

/** A term in whole months, 1 to 360. */
export const termMonths = z
  .number()
  .int(`The term must be a whole number of months from ${MIN_TERM_MONTHS} to ${MAX_TERM_MONTHS}.`)
  .min(MIN_TERM_MONTHS, `The term must be a whole number of months from ${MIN_TERM_MONTHS} to ${MAX_TERM_MONTHS}.`)
  .max(MAX_TERM_MONTHS, `The term must be a whole number of months from ${MIN_TERM_MONTHS} to ${MAX_TERM_MONTHS}.`);

/** Free text of a person (notes, purposes, reasons): trimmed, 1 to `max` characters, no control characters but newlines and tabs. */
export const prose = (name: string, max = 2000) =>
  z
    .string()
    .trim()
    .min(1, `"${name}" must not be empty.`)
    .max(max, `"${name}" must be at most ${max} characters.`)
    // eslint-disable-next-line no-control-regex -- refusing control characters is the point
    .refine((v) => !/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/.test(v) && v.isWellFormed(), {
      message: `"${name}" contains characters that are not allowed.`,
    });

export { idempotencyKeyInput as idempotencyKey } from '../../../../platform/idempotency.ts';
