/**
 * A loan's schedule as stored (installments with what has been paid) and
 * what follows from it: what is owed, the next installment, how a repayment
 * is applied (installment by installment, interest first, then principal).
 */
import type { LoanInstallment } from '../entities/index.ts';

/** What is still owed on one installment. */
export function owedOn(installment: LoanInstallment): { interest: bigint; principal: bigint } {
  return {
    interest: installment.interest - installment.paidInterest,
    principal: installment.principal - installment.paidPrincipal,
  };
}

export const isPaid = (installment: LoanInstallment): boolean => {
  const owed = owedOn(installment);
  return owed.interest === 0n && owed.principal === 0n;
};

/** Everything still owed: the scheduled interest and principal not paid yet. */
export function totalOwed(installments: readonly LoanInstallment[]): bigint {
  return installments.reduce((sum, i) => {
    const owed = owedOn(i);
    return sum + owed.interest + owed.principal;
  }, 0n);
}

/** Principal still owed. */
export function outstandingPrincipal(installments: readonly LoanInstallment[]): bigint {
  return installments.reduce((sum, i) => sum + owedOn(i).principal, 0n);
}

/**
 * Applies `amount` (at most {@link totalOwed}) to the installments in
 * order, each one's interest before its principal; mutates them and returns
 * the split.
 */
export function applyRepayment(
  installments: readonly LoanInstallment[],
  amount: bigint,
): { interest: bigint; principal: bigint } {
  let left = amount;
  let interest = 0n;
  let principal = 0n;
  for (const installment of [...installments].sort((a, b) => a.number - b.number)) {
    if (left === 0n) break;
    const owed = owedOn(installment);
    const toInterest = owed.interest < left ? owed.interest : left;
    installment.paidInterest += toInterest;
    interest += toInterest;
    left -= toInterest;
    const toPrincipal = owed.principal < left ? owed.principal : left;
    installment.paidPrincipal += toPrincipal;
    principal += toPrincipal;
    left -= toPrincipal;
  }
  if (left !== 0n) throw new Error('repayment larger than what is owed');
  return { interest, principal };
}

/** `YYYY-MM-DD` one month after `date` (UTC), on the same day or the month's last day. */
export function oneMonthAfter(date: Date): string {
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth() + 1;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const day = Math.min(date.getUTCDate(), lastDay);
  return new Date(Date.UTC(year, month, day)).toISOString().slice(0, 10);
}
