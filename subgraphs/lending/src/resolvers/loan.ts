import type {
  InstallmentResolvers,
  LoanQuoteResolvers,
  LoanRepaymentResolvers,
  LoanResolvers,
} from '../generated/resolvers.ts';
import { outstandingPrincipal } from '../services/schedule.ts';
import { installmentOfLoan, installmentOfQuote, moneyOf, rateOf } from './views.ts';

export const Loan: LoanResolvers = {
  __resolveReference: ({ id }, { services }) => services.loans.find(id),
  application: async (loan, _args, { services }) => services.applications.get(loan.applicationId, 'applicationId'),
  borrower: (loan) => ({ id: loan.borrowerId }),
  principal: (loan) => moneyOf(loan.principal, loan.currency),
  annualRate: (loan) => rateOf(loan.annualRatePpm),
  outstandingPrincipal: async (loan, _args, { services }) =>
    moneyOf(outstandingPrincipal(await services.loans.installmentsOf.load(loan.id)), loan.currency),
  installments: async (loan, _args, { services }) =>
    (await services.loans.installmentsOf.load(loan.id)).map((i) => installmentOfLoan(i, loan.currency)),
  nextInstallment: async (loan, _args, { services }) => {
    const next = (await services.loans.installmentsOf.load(loan.id))
      .map((i) => installmentOfLoan(i, loan.currency))
      .find((i) => !i.isPaid);
    return next ?? null;
  },
  paidInstallments: async (loan, _args, { services }) =>
    (await services.loans.installmentsOf.load(loan.id))
      .map((i) => installmentOfLoan(i, loan.currency))
      .filter((i) => i.isPaid).length,
  repayments: (loan, _args, { services }) => services.loans.repayments(loan),
  disbursementTransaction: (loan) => (loan.disbursementTransactionId ? { id: loan.disbursementTransactionId } : null),
};

export const Installment: InstallmentResolvers = {
  payment: (i) => moneyOf(i.payment, i.currency),
  principal: (i) => moneyOf(i.principal, i.currency),
  interest: (i) => moneyOf(i.interest, i.currency),
  remainingPrincipal: (i) => moneyOf(i.remaining, i.currency),
  paid: (i) => moneyOf(i.paid, i.currency),
};

export const LoanRepayment: LoanRepaymentResolvers = {
  amount: (r) => moneyOf(r.amount, r.currency),
  interest: (r) => moneyOf(r.interest, r.currency),
  principal: (r) => moneyOf(r.principal, r.currency),
  failureReason: (r) => r.failureReason ?? null,
  transaction: (r, _args, { services }) => services.loans.repaymentTransactionOf(r),
};

export const LoanQuote: LoanQuoteResolvers = {
  amount: (q) => moneyOf(q.amount, 'USD'),
  annualRate: (q) => rateOf(q.annualRatePpm),
  installments: (q) => q.installments.map((i) => installmentOfQuote(i, 'USD')),
  totalPayment: (q) => moneyOf(q.totalPayment, 'USD'),
  totalInterest: (q) => moneyOf(q.totalInterest, 'USD'),
};
