/**
 * Billing's background work, every few seconds on each instance (each part
 * safe to run on several at once):
 * - payments left PENDING are resumed (a crash, banking down);
 * - scheduled payments due today are paid, once (schedules.ts);
 * - unpaid bills past their due date become OVERDUE;
 * - bills due within 3 days get their `billing.bill.due` event, once.
 */
import { LockMode } from '@mikro-orm/core';
import { recordEvent } from '../../../../platform/outbox.ts';
import { reconcilingFirst } from '../../../../platform/hold-saga.ts';
import { metricsOf } from '../../../../platform/metrics.ts';
import { startPeriodic } from '../../../../platform/periodic.ts';
import { Bill } from '../entities/index.ts';
import { addDays, today } from '../../../../platform/calendar.ts';
import { billEvent, reconcilePayments, recoverPayments, remainingOf, type PaymentDeps } from './payments.ts';
import { runDueSchedules } from './schedules.ts';
import { fromMinorUnits, type Currency } from '../../../../platform/money.ts';

/** How often the jobs run. */
export const JOB_INTERVAL_MS = 5_000;
/** A bill gets its "due soon" event this many days before its due date. */
export const DUE_NOTICE_DAYS = 3;

/** Marks unpaid bills past their due date OVERDUE; returns how many changed. */
export async function markOverdue(deps: PaymentDeps, day: string = today()): Promise<number> {
  return deps.em
    .fork()
    .getConnection()
    .execute(
      `update bills set status = 'OVERDUE', updated_at = now()
        where status in ('DUE', 'SCHEDULED') and due_date < ? and paid < amount`,
      [day],
      'run',
    )
    .then((result) => (result as { affectedRows?: number }).affectedRows ?? 0);
}

/** Writes `billing.bill.due` once for each unpaid bill due within {@link DUE_NOTICE_DAYS} days. */
export async function sendDueNotices(deps: PaymentDeps, day: string = today()): Promise<number> {
  return deps.em.fork().transactional(async (em) => {
    const bills = await em.find(
      Bill,
      {
        status: { $in: ['DUE', 'SCHEDULED'] },
        dueNoticeAt: null,
        dueDate: { $gte: day, $lte: addDays(day, DUE_NOTICE_DAYS) },
      },
      // Skips bills another instance is noticing right now.
      { lockMode: LockMode.PESSIMISTIC_PARTIAL_WRITE, limit: 200 },
    );
    const now = new Date();
    for (const bill of bills) {
      bill.dueNoticeAt = now;
      recordEvent(em, 'billing.bill.due', {
        ...(await billEvent(em, bill)),
        amount: fromMinorUnits(remainingOf(bill), bill.currency as Currency),
      });
    }
    return bills.length;
  });
}

/** One run of every job. */
export async function runBillingJobs(deps: PaymentDeps, day: string = today()): Promise<void> {
  await recoverPayments(deps);
  await runDueSchedules(deps, day);
  await markOverdue(deps, day);
  await sendDueNotices(deps, day);
}

/**
 * Starts the jobs; the returned function stops them (waiting for a run in
 * progress). The first runs also reconcile recent payments with banking
 * (a start after a restore), until that once succeeds.
 */
export async function startBillingJobs(deps: PaymentDeps, intervalMs = JOB_INTERVAL_MS): Promise<() => Promise<void>> {
  const run = reconcilingFirst(
    'payments',
    () => reconcilePayments(deps),
    () => runBillingJobs(deps),
    deps.logger,
  );
  return startPeriodic('billing jobs', run, intervalMs, deps.logger, metricsOf('billing'));
}
