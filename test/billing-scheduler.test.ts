/**
 * Scheduled bill payments (subgraphs/billing/src/services/schedules.ts
 * `runDueSchedules`): each due schedule is paid exactly once however many
 * billing instances run the scheduler at once, a crash between the claim and
 * the payment is finished by the recovery job, and a refusal (insufficient
 * funds) is a FAILED payment whose event reaches the owner as a
 * notification.
 *
 * "Instances" are two sets of billing dependencies over two MikroORM
 * instances connected to the same billing database (separate connection
 * pools), each with its own banking client, running the scheduler for a day
 * of the test's choosing. Schedules are made for days in the future, so the
 * stack's own scheduler (every 5 s, for today) never takes them; the stack's
 * recovery job only resumes payments PENDING for more than 5 s. After every
 * case the invariant is checked over both whole databases
 * (test/support/faults.ts `billingViolations`).
 */
import { createBankingClient, type BankingClient } from '../platform/banking-client.ts';
import { createLogger } from '../platform/logger.ts';
import { createOrm, type MikroORM } from '../platform/orm.ts';
import { billing as billingSubgraph } from '../subgraphs/billing/src/main.ts';
import { recoverPayments, type PaymentDeps } from '../subgraphs/billing/src/services/payments.ts';
import { runDueSchedules } from '../subgraphs/billing/src/services/schedules.ts';
import { addBill, billerOf, dayFromToday, PAY_BILL, SCHEDULE } from './support/billing.ts';
import { billingViolations, crash, faultyBanking, sqlOver, type Sql } from './support/faults.ts';
import { deposit, openAccount } from './support/lending.ts';
import { must, signUp, type SignedUp } from './support/people.ts';
import { postGraphQL, startTestStack, type TestStack } from './support/stack.ts';

/** 12000n → "120.00". */
const money = (minor: bigint): string => `${minor / 100n}.${(minor % 100n).toString().padStart(2, '0')}`;

let bank: TestStack;
let url: string;
let billerId: string;
/** The second billing instance's own ORM (its own pool) over the same billing database. */
let secondOrm: MikroORM;
let real: BankingClient;
let instanceA: PaymentDeps;
let instanceB: PaymentDeps;
let billingSql: Sql;
let bankingSql: Sql;
let people = 0;

beforeAll(async () => {
  bank = await startTestStack();
  url = bank.routerUrl;
  const billing = bank.stack.subgraphs.billing!;
  const banking = bank.stack.subgraphs.banking!;
  const privateKey = bank.config.keys.serviceSigningPrivateKey as string;
  const logger = createLogger(bank.config, 'billing-scheduler-test');
  secondOrm = await createOrm({
    databaseUrl: bank.config.subgraphs.billing.databaseUrl as string,
    definition: billingSubgraph.database,
    poolMax: 5,
  });
  const client = () => createBankingClient({ url: banking.url, service: 'billing', privateKey });
  real = client();
  instanceA = { em: billing.orm.em, banking: real, logger };
  instanceB = { em: secondOrm.em, banking: client(), logger };
  billingSql = sqlOver(billing.orm);
  bankingSql = sqlOver(banking.orm);
  const someone = await signUp(url, 'sched-someone', 'CUSTOMER');
  billerId = (await billerOf(url, someone, 'UTILITIES')).id;
}, 60_000);
afterAll(async () => {
  await secondOrm?.close();
  await bank?.close();
});

const violations = (settled = true): Promise<string[]> => billingViolations(billingSql, bankingSql, settled);

/** A customer with a CHECKING account holding `funds`. */
async function customer(prefix: string, funds: bigint): Promise<{ user: SignedUp; account: string }> {
  const user = await signUp(url, `sched-${prefix}-${++people}`, 'CUSTOMER');
  const account = await openAccount(url, user, 'CHECKING');
  if (funds > 0n) await deposit(url, user, account, money(funds));
  return { user, account };
}

/** Schedules the payment of `billId` from `account` on `payOn`; returns the schedule's id. */
async function schedule(user: SignedUp, billId: string, account: string, payOn: string): Promise<string> {
  const { schedulePayment } = await must<{ schedulePayment: { id: string; status: string; bill: { status: string } } }>(
    url,
    SCHEDULE,
    { input: { billId, fromAccountId: account, payOn } },
    user.token,
  );
  expect(schedulePayment).toMatchObject({ status: 'SCHEDULED', bill: { status: 'SCHEDULED' } });
  return schedulePayment.id;
}

interface ScheduleRow {
  id: string;
  status: string;
  payment_id: string | null;
  bill_status: string;
  payments: number;
  statuses: string[];
}

/** Schedules by id, with their bill's status and the payments made for them. */
async function schedulesOf(ids: string[]): Promise<ScheduleRow[]> {
  return billingSql.execute<ScheduleRow[]>(
    `select s.id, s.status, s.payment_id, b.status as bill_status,
            (select count(*)::int from bill_payments p where p.scheduled_payment_id = s.id) as payments,
            array(select p.status from bill_payments p where p.scheduled_payment_id = s.id) as statuses
       from scheduled_payments s join bills b on b.id = s.bill_id
      where s.id = any(?::uuid[])`,
    [`{${ids.join(',')}}`],
  );
}

/** BILL_PAYMENT debits out of an account, by status, and its balance. */
async function debitsOf(account: string): Promise<{ posted: number; other: number; balance: bigint; held: bigint }> {
  const txs = await bankingSql.execute<{ status: string }[]>(
    `select status from transactions where kind = 'BILL_PAYMENT' and from_account_id = ?`,
    [account],
  );
  const [row] = await bankingSql.execute<{ balance: string; held: string }[]>(
    'select balance::text as balance, held::text as held from accounts where id = ?',
    [account],
  );
  return {
    posted: txs.filter((t) => t.status === 'POSTED').length,
    other: txs.filter((t) => t.status !== 'POSTED').length,
    balance: BigInt(row?.balance ?? '-1'),
    held: BigInt(row?.held ?? '-1'),
  };
}

describe('two scheduler instances racing on the same due payments', () => {
  test('30 due schedules of 6 customers, claimed by two instances running at once several times: each paid exactly once', async () => {
    const day = dayFromToday(20);
    const customers = await Promise.all([1, 2, 3, 4, 5, 6].map(() => customer('race', 200_000n)));
    const made: { account: string; scheduleId: string; amount: bigint }[] = [];
    await Promise.all(
      customers.map(async ({ user, account }, c) => {
        for (let i = 0; i < 5; i++) {
          const amount = 1_000n + BigInt(c * 100 + i * 7);
          const billId = await addBill(url, user, { billerId, amount: money(amount), dueDate: dayFromToday(30) });
          made.push({ account, scheduleId: await schedule(user, billId, account, day), amount });
        }
      }),
    );
    expect(made).toHaveLength(30);

    // Two instances, each running the scheduler twice at once, three times over, in small batches.
    const runner = async (deps: PaymentDeps): Promise<string[]> => {
      const paid: string[] = [];
      for (let round = 0; round < 3; round++) paid.push(...(await runDueSchedules(deps, day, 4)));
      return paid;
    };
    const runs = await Promise.all([runner(instanceA), runner(instanceB), runner(instanceA), runner(instanceB)]);
    const all = runs.flat();
    // Every payment was made by one run only, and there is one per schedule.
    expect(new Set(all).size).toBe(all.length);
    expect(all).toHaveLength(30);
    await recoverPayments(instanceA, 0);

    const rows = await schedulesOf(made.map((m) => m.scheduleId));
    expect(rows).toHaveLength(30);
    for (const row of rows) {
      expect(row).toEqual({
        id: row.id,
        status: 'EXECUTED',
        payment_id: expect.any(String),
        bill_status: 'PAID',
        payments: 1,
        statuses: ['COMPLETED'],
      });
      expect(all).toContain(row.payment_id);
    }
    for (const { account } of customers) {
      const owed = made.filter((m) => m.account === account).reduce((sum, m) => sum + m.amount, 0n);
      expect(await debitsOf(account)).toEqual({ posted: 5, other: 0, balance: 200_000n - owed, held: 0n });
    }
    expect(await violations()).toEqual([]);

    // Later runs find nothing more to pay.
    expect(await Promise.all([runDueSchedules(instanceA, day), runDueSchedules(instanceB, day)])).toEqual([[], []]);

    // The owner sees the schedule EXECUTED with its COMPLETED payment.
    const first = made[0]!;
    const owner = customers.find((c) => c.account === first.account)!;
    const { me } = await must<{
      me: { bills: { status: string; scheduledPayments: { status: string; payment: { status: string } | null }[] }[] };
    }>(url, `query { me { bills { status scheduledPayments { status payment { status } } } } }`, {}, owner.user.token);
    expect(me.bills).toHaveLength(5);
    for (const bill of me.bills) {
      expect(bill).toEqual({
        status: 'PAID',
        scheduledPayments: [{ status: 'EXECUTED', payment: { status: 'COMPLETED' } }],
      });
    }
  });

  test('the scheduler crashes after claiming (before each hold): the recovery job pays each once, the next run pays nothing more', async () => {
    const day = dayFromToday(21);
    const { user, account } = await customer('crash', 100_000n);
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const billId = await addBill(url, user, { billerId, amount: '25.00', dueDate: dayFromToday(30) });
      ids.push(await schedule(user, billId, account, day));
    }
    const crashing = faultyBanking(real, { step: 'createHold', when: 'before', error: crash, times: Infinity });
    const paid = await runDueSchedules({ ...instanceB, banking: crashing }, day);
    expect(paid).toHaveLength(4);
    expect(crashing.fired).toHaveLength(4);
    const stopped = await schedulesOf(ids);
    expect(stopped.map((r) => [r.status, r.payments, r.statuses])).toEqual(ids.map(() => ['EXECUTED', 1, ['PENDING']]));
    expect(await violations(false)).toEqual([]);
    // Nothing is claimed twice.
    expect(await runDueSchedules(instanceA, day)).toEqual([]);

    expect(await recoverPayments(instanceA, 0)).toBeGreaterThanOrEqual(4);
    const rows = await schedulesOf(ids);
    expect(rows.map((r) => [r.status, r.payments, r.statuses, r.bill_status])).toEqual(
      ids.map(() => ['EXECUTED', 1, ['COMPLETED'], 'PAID']),
    );
    expect(await debitsOf(account)).toEqual({ posted: 4, other: 0, balance: 100_000n - 4n * 2_500n, held: 0n });
    expect(await violations()).toEqual([]);
  });

  test('the owner pays by hand while the scheduler runs: the bill is paid once, never more than owed', async () => {
    const day = dayFromToday(22);
    const { user, account } = await customer('by-hand', 100_000n);
    const bills: string[] = [];
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const billId = await addBill(url, user, { billerId, amount: '80.00', dueDate: dayFromToday(30) });
      bills.push(billId);
      ids.push(await schedule(user, billId, account, day));
    }
    const byHand = (billId: string) =>
      postGraphQL(
        url,
        PAY_BILL,
        { input: { billId, fromAccountId: account, amount: '80.00', idempotencyKey: `hand-${billId}` } },
        user.token,
      );
    await Promise.all([runDueSchedules(instanceA, day), runDueSchedules(instanceB, day), ...bills.map(byHand)]);
    await recoverPayments(instanceA, 0);
    const rows = await billingSql.execute<{ bill_id: string; status: string; paid: string }[]>(
      `select b.id as bill_id, b.status, b.paid::text as paid from bills b where b.id = any(?::uuid[])`,
      [`{${bills.join(',')}}`],
    );
    expect(rows.map((r) => [r.status, r.paid])).toEqual(bills.map(() => ['PAID', '8000']));
    const completed = await billingSql.execute<{ n: number }[]>(
      `select count(*)::int as n from bill_payments where bill_id = any(?::uuid[]) and status = 'COMPLETED'`,
      [`{${bills.join(',')}}`],
    );
    expect(completed[0]?.n).toBe(4);
    expect((await schedulesOf(ids)).every((r) => r.status === 'EXECUTED')).toBe(true);
    expect(await debitsOf(account)).toMatchObject({ posted: 4, balance: 100_000n - 4n * 8_000n, held: 0n });
    expect(await violations()).toEqual([]);
  });
});

describe('the scheduler and a cancellation of the bill at once', () => {
  /** Sessions of the billing database waiting on a lock. */
  const lockWaiters = async (): Promise<number> => {
    const [row] = await billingSql.execute<{ n: number }[]>(
      `select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`,
    );
    return row?.n ?? 0;
  };
  const untilWaiting = async (n: number): Promise<void> => {
    const deadline = Date.now() + 10_000;
    while ((await lockWaiters()) < n) {
      if (Date.now() > deadline) throw new Error(`expected ${n} sessions waiting on a lock`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };

  test('cancelBill gets the bill first while the scheduler has claimed its schedule: one of them wins, neither fails', async () => {
    const day = dayFromToday(24);
    const { user, account } = await customer('cancel', 100_000n);
    const billId = await addBill(url, user, { billerId, amount: '45.00', dueDate: dayFromToday(30) });
    const scheduleId = await schedule(user, billId, account, day);

    // The bill's row is held (as by a payment being applied) while cancelBill, then the scheduler, queue on it.
    const orm = bank.stack.subgraphs.billing!.orm;
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    const holder = orm.em.getConnection().transactional(async (trx) => {
      await orm.em.getConnection().execute('select id from bills where id = ? for update', [billId], 'all', trx);
      locked();
      await released;
    });
    await isLocked;
    const cancel = postGraphQL(
      url,
      `mutation($id: ID!) { cancelBill(id: $id) { status scheduledPayments { status } } }`,
      { id: billId },
      user.token,
    );
    await untilWaiting(1);
    // The scheduler either skips the schedule cancelBill holds (FOR UPDATE SKIP LOCKED) and ends,
    // or claims it first and then waits for the bill.
    const scheduler = runDueSchedules(instanceB, day).then(
      (paid) => ({ paid, error: null }),
      (error: Error) => ({ paid: [] as string[], error: error.message }),
    );
    await Promise.race([scheduler, untilWaiting(2)]);
    release();
    await holder;
    const [cancelled, ran] = await Promise.all([cancel, scheduler]);
    await recoverPayments(instanceA, 0);

    const [row] = await schedulesOf([scheduleId]);
    const outcome = {
      cancel: cancelled.errors?.[0]?.extensions?.code ?? (cancelled.data?.cancelBill as { status: string }).status,
      scheduler: ran.error,
      schedule: row?.status,
      bill: row?.bill_status,
      payments: row?.statuses,
    };
    // Regression: Bills.cancel once locked the bill before its schedules, the
    // reverse of the scheduler's order (schedule, then bill), and PostgreSQL
    // aborted one of them with "deadlock detected". Now cancelBill locks the
    // schedules first: one clean outcome either way.
    expect([
      { cancel: 'CANCELLED', scheduler: null, schedule: 'CANCELLED', bill: 'CANCELLED', payments: [] },
      {
        cancel: 'INVALID_STATE_TRANSITION',
        scheduler: null,
        schedule: 'EXECUTED',
        bill: 'PAID',
        payments: ['COMPLETED'],
      },
    ]).toContainEqual(outcome);
    expect(await violations()).toEqual([]);
  });
});

describe('a scheduled payment without the funds', () => {
  test('FAILED with INSUFFICIENT_FUNDS, no debit, the bill still due; its event in the outbox and a BILL_PAYMENT_FAILED notification for the owner', async () => {
    const day = dayFromToday(23);
    const { user, account } = await customer('poor', 1_000n);
    const billId = await addBill(url, user, { billerId, amount: '120.00', dueDate: dayFromToday(30) });
    const scheduleId = await schedule(user, billId, account, day);

    const [paymentId] = await runDueSchedules(instanceB, day);
    expect(paymentId).toBeDefined();
    const [row] = await schedulesOf([scheduleId]);
    expect(row).toEqual({
      id: scheduleId,
      status: 'EXECUTED',
      payment_id: paymentId,
      bill_status: 'DUE',
      payments: 1,
      statuses: ['FAILED'],
    });
    const [payment] = await billingSql.execute<{ failure_code: string; failure_reason: string }[]>(
      'select failure_code, failure_reason from bill_payments where id = ?',
      [paymentId],
    );
    expect(payment?.failure_code).toBe('INSUFFICIENT_FUNDS');
    expect(payment?.failure_reason).toBeTruthy();
    expect(await debitsOf(account)).toEqual({ posted: 0, other: 0, balance: 1_000n, held: 0n });

    const events = await billingSql.execute<{ payload: Record<string, unknown> }[]>(
      `select payload from outbox_events where type = 'billing.payment.failed' and payload->>'paymentId' = ?`,
      [paymentId],
    );
    expect(events).toEqual([
      {
        payload: expect.objectContaining({
          userId: user.id,
          billId,
          paymentId,
          amount: '120.00',
          reason: expect.any(String),
        }),
      },
    ]);

    // The owner is told (billing's outbox → the bus → messaging's notifications).
    const NOTIFICATIONS = `query { me { notifications(first: 50) { edges { node { kind title body link } } } } }`;
    type Notifications = {
      me: { notifications: { edges: { node: { kind: string; body: string; link: string | null } }[] } };
    };
    const deadline = Date.now() + 15_000;
    let failed: { kind: string; body: string; link: string | null }[] = [];
    while (failed.length === 0 && Date.now() < deadline) {
      const { me } = await must<Notifications>(url, NOTIFICATIONS, {}, user.token);
      failed = me.notifications.edges.map((e) => e.node).filter((n) => n.kind === 'BILL_PAYMENT_FAILED');
      if (failed.length === 0) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(failed).toEqual([expect.objectContaining({ kind: 'BILL_PAYMENT_FAILED', link: `/bills/${billId}` })]);
    expect(failed[0]?.body).toContain('120.00');

    // Recovery leaves it FAILED; the schedule is not run again.
    await recoverPayments(instanceA, 0);
    expect(await runDueSchedules(instanceA, day)).toEqual([]);
    expect((await schedulesOf([scheduleId]))[0]?.statuses).toEqual(['FAILED']);
    expect(await violations()).toEqual([]);
  });
});
