/**
 * How lending's stored values are shown: money in USD minor units as
 * `Money`, rates in parts per million as percent strings, installments.
 */
import { money, type Currency, type Money } from '../../../../platform/money.ts';
import type { LoanInstallment } from '../entities/index.ts';
import { formatAnnualRate, type Installment } from '../services/amortization.ts';
import { isPaid } from '../services/schedule.ts';
import type { InstallmentView } from '../models.ts';

export const moneyOf = (minor: bigint, currency: string): Money => money(minor, currency as Currency);

export const rateOf = (ppm: number): string => formatAnnualRate({ ppm: BigInt(ppm) });

export const rateOrNull = (ppm: number | null | undefined): string | null =>
  ppm === null || ppm === undefined ? null : rateOf(ppm);

/** A stored installment of a loan. */
export function installmentOfLoan(row: LoanInstallment, currency: string): InstallmentView {
  return {
    number: row.number,
    dueDate: row.dueDate,
    payment: row.principal + row.interest,
    principal: row.principal,
    interest: row.interest,
    remaining: row.remaining,
    paid: row.paidPrincipal + row.paidInterest,
    currency,
    isPaid: isPaid(row),
  };
}

/** An installment of a quote: nothing paid. */
export function installmentOfQuote(row: Installment, currency: string): InstallmentView {
  return { ...row, paid: 0n, currency, isPaid: false };
}
