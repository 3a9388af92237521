/**
 * Demo data of the embedded default (`npm start` outside production): bills
 * from the starting billers for the demo customer and the demo owner, due
 * in the coming days and weeks. Of the customer's, one is already paid and
 * one has its payment scheduled from her checking account.
 *
 * Everything goes through billing's services as the bill's owner would
 * (`addBill`, `schedulePayment`, `payBill`): the payment is the real saga
 * over a banking hold, so banking must be up, which it is: `startStack`
 * starts it before billing, and banking's seed opened the account.
 *
 * Written only when neither demo user has a bill: a second start adds
 * nothing.
 */
import type { Caller } from '../../../platform/caller.ts';
import { DEMO_ACCOUNTS, DEMO_CUSTOMER, DEMO_OWNER, type DemoUser } from '../../../platform/demo-data.ts';
import type { StartDeps } from '../../../platform/subgraph.ts';
import { Bill, Biller } from './entities/index.ts';
import { addDays, today } from '../../../platform/calendar.ts';
import { createBillingServices } from './services/index.ts';

/** One demo bill: its biller (by name, from the starting list) and what happens to it. */
interface DemoBill {
  owner: DemoUser;
  biller: string;
  customerReference: string;
  amount: string;
  /** Days from the first start. */
  dueInDays: number;
  /** Paid now, or scheduled to be paid on its due date, from this account. */
  paidFrom?: { accountId: string; when: 'now' | 'on-due-date' };
}

export const DEMO_BILLS: readonly DemoBill[] = [
  {
    owner: DEMO_CUSTOMER,
    biller: 'FiberNet Internet',
    customerReference: 'FN-20-448120',
    amount: '64.99',
    dueInDays: 2,
  },
  {
    owner: DEMO_CUSTOMER,
    biller: 'Metro Water Authority',
    customerReference: 'MWA-7731-02',
    amount: '38.20',
    dueInDays: 3,
    paidFrom: { accountId: DEMO_ACCOUNTS.customerChecking, when: 'now' },
  },
  {
    owner: DEMO_CUSTOMER,
    biller: 'City Power & Light',
    customerReference: 'CPL-0093-5512',
    amount: '96.40',
    dueInDays: 5,
  },
  {
    owner: DEMO_CUSTOMER,
    biller: 'Horizon Wireless',
    customerReference: 'HW-555-0147',
    amount: '55.00',
    dueInDays: 12,
    paidFrom: { accountId: DEMO_ACCOUNTS.customerChecking, when: 'on-due-date' },
  },
  {
    owner: DEMO_OWNER,
    biller: 'Northern Gas Company',
    customerReference: 'NGC-BIZ-30918',
    amount: '212.35',
    dueInDays: 6,
  },
  {
    owner: DEMO_OWNER,
    biller: 'Greenfield Waste Collection',
    customerReference: 'GWC-14-BAKER',
    amount: '89.00',
    dueInDays: 9,
  },
  {
    owner: DEMO_OWNER,
    biller: 'Internal Revenue Service',
    customerReference: 'EIN 84-2041770 estimated tax',
    amount: '4800.00',
    dueInDays: 20,
  },
];

export async function seedDemoBills({ orm, config, logger, bus }: StartDeps): Promise<void> {
  const owners = [DEMO_CUSTOMER.id, DEMO_OWNER.id];
  if ((await orm.em.fork().count(Bill, { ownerId: { $in: owners } })) > 0) return;
  const billers = new Map((await orm.em.fork().find(Biller, {})).map((b) => [b.name, b.id]));
  const day = today();
  // The demo customers' payments are history written for them (never in production): nobody is there to
  // confirm a step-up, so the seed pays as if each had been confirmed.
  const seedConfig = { ...config, stepUp: { ...config.stepUp, enabled: false } };
  for (const [index, demo] of DEMO_BILLS.entries()) {
    const billerId = billers.get(demo.biller);
    if (!billerId) throw new Error(`the starting biller ${demo.biller} is missing`);
    const caller: Caller = { kind: 'user', userId: demo.owner.id, roles: [demo.owner.role] };
    const services = createBillingServices({ em: orm.em.fork(), caller, config: seedConfig, logger, bus });
    const dueDate = addDays(day, demo.dueInDays);
    const bill = await services.bills.add({
      billerId,
      customerReference: demo.customerReference,
      amount: demo.amount,
      dueDate,
    });
    if (demo.paidFrom?.when === 'now') {
      const payment = await services.payments.pay({
        billId: bill.id,
        fromAccountId: demo.paidFrom.accountId,
        amount: demo.amount,
        idempotencyKey: `demo-bill-${index + 1}`,
      });
      if (payment.status === 'FAILED') {
        logger.warn({ biller: demo.biller, reason: payment.failureReason }, 'demo bill payment failed');
      }
    } else if (demo.paidFrom?.when === 'on-due-date') {
      await services.schedules.schedule({ billId: bill.id, fromAccountId: demo.paidFrom.accountId, payOn: dueDate });
    }
  }
  logger.info({ bills: DEMO_BILLS.length }, 'demo bills created');
}
