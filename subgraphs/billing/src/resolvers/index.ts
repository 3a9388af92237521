import { money, type Currency } from '../../../../platform/money.ts';
import { scalarResolvers } from '../../../../platform/scalars.ts';
import type { Resolvers } from '../generated/resolvers.ts';
import { billingPersonalData } from '../services/data-rights.ts';
import { remainingOf } from '../services/payments.ts';

const moneyOf = (minor: bigint, currency: string) => money(minor, currency as Currency);

export const resolvers: Resolvers = {
  ...scalarResolvers,
  Query: {
    billers: (_root, { category }, { services }) => services.billers.list(category),
    bill: (_root, { id }, { services }) => services.bills.get(id),
    billPayment: (_root, { id }, { services }) => services.payments.get(id),
    billingPersonalData: async (_root, { userId }, { em, caller }) =>
      JSON.stringify(await billingPersonalData(em, caller, userId)),
  },
  Mutation: {
    createBiller: (_root, { input }, { services }) => services.billers.create(input),
    updateBiller: (_root, { input }, { services }) => services.billers.update(input),
    addBill: (_root, { input }, { services }) => services.bills.add(input),
    issueBill: (_root, { input }, { services }) => services.bills.issue(input),
    cancelBill: (_root, { id }, { services }) => services.bills.cancel(id),
    payBill: (_root, { input }, { services }) => services.payments.pay(input),
    schedulePayment: (_root, { input }, { services }) => services.schedules.schedule(input),
    cancelScheduledPayment: (_root, { id }, { services }) => services.schedules.cancel(id),
  },
  User: {
    // Billing knows users only by id; identity owns everything else about them.
    __resolveReference: ({ id }) => ({ id }),
    bills: ({ id }, { status }, { services }) => services.bills.listFor(id, status),
    upcomingBills: ({ id }, { days }, { services }) => services.bills.upcoming(id, days),
    billPayments: ({ id }, args, { services }) => services.payments.listFor(id, args),
  },
  Biller: {
    __resolveReference: ({ id }, { services }) => services.billers.find(id),
  },
  Bill: {
    // Null for anyone but its owner and ADMINs: the router gets no data and no hint that it exists.
    __resolveReference: ({ id }, { services }) => services.bills.find(id),
    owner: (bill) => ({ id: bill.ownerId }),
    biller: async (bill, _args, { services }) => {
      const biller = await services.billers.byId.load(bill.billerId);
      if (!biller) throw new Error(`bill ${bill.id} of a missing biller`);
      return biller;
    },
    amount: (bill) => moneyOf(bill.amount, bill.currency),
    paid: (bill) => moneyOf(bill.paid, bill.currency),
    remaining: (bill) => moneyOf(remainingOf(bill), bill.currency),
    payments: (bill, _args, { services }) => services.payments.ofBill(bill),
    scheduledPayments: (bill, _args, { services }) => services.schedules.ofBill(bill),
  },
  BillPayment: {
    __resolveReference: ({ id }, { services }) => services.payments.find(id),
    bill: (payment, _args, { services }) => services.bills.get(payment.billId, 'billId'),
    amount: (payment) => moneyOf(payment.amount, payment.currency),
    fromAccount: (payment) => ({ id: payment.fromAccountId }),
    // A transaction exists in banking only once the money moved.
    transaction: (payment) => (payment.status === 'COMPLETED' && payment.holdId ? { id: payment.holdId } : null),
    failureCode: (payment) => payment.failureCode ?? null,
    failureReason: (payment) => payment.failureReason ?? null,
    scheduledPayment: (payment, _args, { services }) =>
      payment.scheduledPaymentId ? services.schedules.find(payment.scheduledPaymentId) : null,
    settledAt: (payment) => payment.settledAt ?? null,
  },
  ScheduledPayment: {
    __resolveReference: ({ id }, { services }) => services.schedules.find(id),
    bill: (schedule, _args, { services }) => services.bills.get(schedule.billId, 'billId'),
    fromAccount: (schedule) => ({ id: schedule.fromAccountId }),
    payment: (schedule, _args, { services }) =>
      schedule.paymentId ? services.payments.find(schedule.paymentId) : null,
  },
};
