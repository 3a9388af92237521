/**
 * Fault injection for the tests of sagas over banking holds (lending's
 * payout and repayments, billing's payments), and the invariants such a saga
 * must keep in banking's ledger whatever fails.
 *
 * A failure is injected by wrapping the service's real banking client
 * ({@link faultyBanking}): before or after one of its calls, the wrapper
 * throws a crash (a plain Error: the process died there, nothing is
 * compensated), or an unreachable banking (a transient ServiceCallError: the
 * outcome of the call is unknown), or a definite refusal; or it only runs
 * something to change the world between two steps.
 */
import type { BankingClient } from '../../platform/banking-client.ts';
import { ErrorCode } from '../../platform/errors.ts';
import type { EntityManager, MikroORM } from '../../platform/orm.ts';
import { ServiceCallError } from '../../platform/service-client.ts';

/** The calls a saga (or the account check before it) makes to banking. */
export type HoldStep = 'account' | 'createHold' | 'postHold' | 'voidHold';

/** Where a faulty banking client fails: before it delegates a step's call, or after (the call happened). */
export interface Injection {
  step: HoldStep;
  when: 'before' | 'after';
  /** What is thrown: a crash (plain Error) by default. */
  error?: () => Error;
  /** Runs at the failure point, before the throw (or instead of it when `error` is null). */
  run?: (argument: string) => Promise<void>;
  /** Don't throw, only run `run` (to change the world between two steps). */
  passThrough?: boolean;
  /** How many calls of the step it fires at (default 1; `Infinity`: every one). */
  times?: number;
}

/** A banking client that fails once at each injection, and records the calls it was asked to make. */
export interface FaultyBanking extends BankingClient {
  readonly calls: string[];
  /** Injections that have fired (once per time they fired). */
  readonly fired: Injection[];
}

/** A crash of the calling service's process at that point (not a ServiceCallError: nothing is compensated). */
export const crash = (): Error => new Error('injected crash');
/** Banking did not answer: the outcome of the call is unknown. */
export const unreachable = (): Error =>
  new ServiceCallError('injected: no answer from banking', ErrorCode.INTERNAL_SERVER_ERROR, true);
/** A definite answer of banking refusing the call (nothing happened there), as `code` with `extensions`. */
export const refusal =
  (code: ErrorCode, extensions: Record<string, unknown> = {}) =>
  (): Error =>
    new ServiceCallError(`injected refusal: ${code}`, code, false, extensions);

/** Wraps `real` so that each injection fires once (or `times` times), at its step. */
export function faultyBanking(real: BankingClient, ...injections: Injection[]): FaultyBanking {
  const pending = injections.map((injection) => ({ injection, left: injection.times ?? 1 }));
  const calls: string[] = [];
  const fired: Injection[] = [];
  const fire = async (step: HoldStep, when: 'before' | 'after', argument: string): Promise<void> => {
    const armed = pending.find((p) => p.left > 0 && p.injection.step === step && p.injection.when === when);
    if (!armed) return;
    armed.left -= 1;
    const { injection } = armed;
    fired.push(injection);
    if (injection.run) await injection.run(argument);
    if (!injection.passThrough) throw (injection.error ?? crash)();
  };
  const wrap = async <T extends { id: string } | null>(
    step: HoldStep,
    before: string,
    call: () => Promise<T>,
  ): Promise<T> => {
    calls.push(step);
    await fire(step, 'before', before);
    const result = await call();
    await fire(step, 'after', result?.id ?? before);
    return result;
  };
  return {
    calls,
    fired,
    account: (id) => wrap('account', id, () => real.account(id)),
    createHold: (request) => wrap('createHold', request.idempotencyKey, () => real.createHold(request)),
    postHold: (id) => wrap('postHold', id, () => real.postHold(id)),
    voidHold: (id) => wrap('voidHold', id, () => real.voidHold(id)),
  };
}

/**
 * Two runs of a saga resuming the same payment while the row it locks first
 * is held by another transaction (as by another payment being applied):
 * both queue on that lock, then it is released. Resolves with how each run
 * ended. `lock` takes the row lock in the holder's transaction.
 */
export async function twoRunsQueuedOnLock<R>(
  orm: MikroORM,
  lock: (em: EntityManager) => Promise<unknown>,
  run: () => Promise<R>,
): Promise<PromiseSettledResult<R>[]> {
  const sql = sqlOver(orm);
  const untilWaiting = async (n: number): Promise<void> => {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const [waiting] = await sql.execute<{ n: number }[]>(
        `select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`,
      );
      if ((waiting?.n ?? 0) >= n) return;
      if (Date.now() > deadline) throw new Error(`expected ${n} runs waiting on the lock`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let locked!: () => void;
  const isLocked = new Promise<void>((resolve) => (locked = resolve));
  const holder = orm.em.fork().transactional(async (em) => {
    await lock(em);
    locked();
    await released;
  });
  await isLocked;
  const first = run();
  await untilWaiting(1);
  const second = run();
  await untilWaiting(2);
  release();
  await holder;
  return Promise.allSettled([first, second]);
}

// ---------------------------------------------------------------------------
// Invariants over banking's database.
// ---------------------------------------------------------------------------

/** Raw SQL on one database. */
export interface Sql {
  execute<T>(sql: string, params?: unknown[]): Promise<T>;
}

/** Raw SQL over an ORM's connection (a running subgraph's `orm`). */
export const sqlOver = (orm: MikroORM): Sql => {
  const connection = orm.em.getConnection();
  return {
    execute: <T>(sql: string, params: unknown[] = []) => connection.execute<T & object>(sql, params) as Promise<T>,
  };
};

/**
 * The ledger's own invariant over the whole banking database, as a list of
 * violations (empty when it holds): every POSTED transaction has two entries
 * summing to zero and no other has any; every balance is the sum of its
 * entries; every `held` is the sum of the pending holds out of the account;
 * no customer account has more held than its balance, nor a negative balance.
 */
export async function ledgerViolations(banking: Sql): Promise<string[]> {
  const problems: string[] = [];
  const malformed = await banking.execute<{ id: string }[]>(
    `select t.id from transactions t left join entries e on e.transaction_id = t.id
      where t.status = 'POSTED' group by t.id having count(e.seq) <> 2 or coalesce(sum(e.amount), 0) <> 0`,
  );
  for (const t of malformed) problems.push(`transaction ${t.id}: entries do not balance`);
  const unposted = await banking.execute<{ id: string }[]>(
    `select t.id from transactions t join entries e on e.transaction_id = t.id where t.status <> 'POSTED' group by t.id`,
  );
  for (const t of unposted) problems.push(`transaction ${t.id}: entries but not POSTED`);
  const accounts = await banking.execute<
    { id: string; type: string; balance: string; entries: string; held: string; holds: string }[]
  >(
    `select a.id, a.type, a.balance::text as balance, a.held::text as held,
            coalesce((select sum(e.amount) from entries e where e.account_id = a.id), 0)::text as entries,
            coalesce((select sum(t.amount) from transactions t where t.from_account_id = a.id and t.status = 'PENDING'), 0)::text as holds
       from accounts a`,
  );
  for (const a of accounts) {
    if (a.balance !== a.entries) problems.push(`account ${a.id}: balance ${a.balance} but entries sum to ${a.entries}`);
    if (a.held !== a.holds) problems.push(`account ${a.id}: held ${a.held} but pending holds sum to ${a.holds}`);
    if (a.type !== 'SYSTEM' && (BigInt(a.balance) < 0n || BigInt(a.held) > BigInt(a.balance))) {
      problems.push(`account ${a.id}: balance ${a.balance}, held ${a.held}`);
    }
  }
  return problems;
}

/** A payment of a saga over one banking hold, as its service records it. */
export interface HoldPaymentRow {
  id: string;
  status: 'PENDING' | 'COMPLETED' | 'FAILED';
  /** Minor units, as text. */
  amount: string;
  currency: string;
  from_account_id: string;
  hold_id: string | null;
  /** Counted where it pays (on the bill, the loan). */
  applied: boolean;
}

/** Which holds belong to the payments of one service. */
export interface HoldPaymentSpec {
  /** For messages: "bill payment". */
  what: string;
  /** The kind of banking transaction the payments make. */
  kind: string;
  /** Banking's idempotency scope of the service (`service:billing`). */
  scope: string;
  /** The idempotency key of a payment's hold. */
  keyOf(paymentId: string): string;
  /** The system account (its purpose) the money goes to. */
  to: string;
  /** After a restart has run: nothing may be left half-way (no PENDING payment, no pending hold). */
  settled: boolean;
}

/**
 * The saga's invariant between the service's payments and banking's holds
 * of `spec.kind`, over the whole banking database: every hold of the kind
 * belongs to one payment (by its idempotency key); a COMPLETED payment is
 * applied and has exactly one posted debit (its hold: same amount, account
 * and currency, into the system account); a FAILED one is not applied and
 * has no posted debit (its hold, if any, voided once settled); a PENDING one
 * (allowed only when not settled) has a posted debit only once applied, and
 * is not applied on a voided hold.
 */
export async function holdPaymentViolations(
  banking: Sql,
  payments: HoldPaymentRow[],
  spec: HoldPaymentSpec,
): Promise<string[]> {
  const problems: string[] = [];
  const txs = await banking.execute<
    {
      id: string;
      status: 'PENDING' | 'POSTED' | 'VOIDED';
      amount: string;
      currency: string;
      from_account_id: string;
      to_purpose: string | null;
      key: string | null;
    }[]
  >(
    `select t.id, t.status, t.amount::text as amount, t.currency, t.from_account_id, a.system_purpose as to_purpose,
            (select k.key from idempotency_keys k where k.transaction_id = t.id and k.scope = ?) as key
       from transactions t join accounts a on a.id = t.to_account_id
      where t.kind = ?`,
    [spec.scope, spec.kind],
  );
  const byKey = new Map(txs.filter((t) => t.key !== null).map((t) => [t.key, t]));
  const keys = new Map(payments.map((p) => [spec.keyOf(p.id), p]));
  for (const t of txs) {
    if (t.key === null || !keys.has(t.key)) {
      problems.push(`${spec.kind} ${t.id} (${t.status}) without a ${spec.what}`);
    }
    if (spec.settled && t.status === 'PENDING') problems.push(`${spec.kind} hold ${t.id} left PENDING`);
    if (t.to_purpose !== spec.to) problems.push(`${spec.kind} ${t.id} goes to ${t.to_purpose ?? 'a customer'}`);
  }
  for (const p of payments) {
    const tx = byKey.get(spec.keyOf(p.id));
    const name = `${spec.what} ${p.id} (${p.status}${p.applied ? ', applied' : ''})`;
    if (p.hold_id !== null && p.hold_id !== tx?.id) problems.push(`${name} names hold ${p.hold_id}, not its own`);
    if (tx && (tx.amount !== p.amount || tx.currency !== p.currency || tx.from_account_id !== p.from_account_id)) {
      problems.push(`${name}: its hold ${tx.id} is ${tx.amount} ${tx.currency} from ${tx.from_account_id}`);
    }
    switch (p.status) {
      case 'COMPLETED':
        if (!p.applied) problems.push(`${name} is not applied`);
        if (tx?.status !== 'POSTED') problems.push(`${name} without a posted debit (${tx?.status ?? 'no hold'})`);
        if (p.hold_id === null) problems.push(`${name} does not name its debit`);
        break;
      case 'FAILED':
        if (p.applied) problems.push(`${name} is applied`);
        if (tx?.status === 'POSTED') problems.push(`${name} has a posted debit ${tx.id}`);
        break;
      case 'PENDING':
        if (spec.settled) problems.push(`${name} left PENDING`);
        if (tx?.status === 'POSTED' && !p.applied) problems.push(`${name}: debit ${tx.id} posted before it applied`);
        // Applied on a hold that can never be posted: it can neither complete nor be left as it is.
        if (tx?.status === 'VOIDED' && p.applied) problems.push(`${name}: its hold ${tx.id} is VOIDED`);
        break;
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------
// Billing's payments (billing-sagas, billing-scheduler).
// ---------------------------------------------------------------------------

/** The idempotency key billing's saga gives a payment's hold (subgraphs/billing/src/services/payments.ts). */
export const billPaymentKey = (paymentId: string): string => `bill-payment:${paymentId}`;

/**
 * Billing's invariant over both whole databases, as a list of violations
 * (empty when it holds). With `settled` (after a restart has run), nothing
 * may be left half-way: no PENDING payment, no pending BILL_PAYMENT hold.
 *
 * - banking's ledger balances ({@link ledgerViolations});
 * - payments and BILL_PAYMENT holds ({@link holdPaymentViolations}): a
 *   COMPLETED payment has exactly one posted debit (its own), a FAILED one
 *   none, and every debit belongs to a payment;
 * - what a bill says is paid is what its applied payments add up to, and a
 *   bill not CANCELLED is PAID exactly when nothing is owed;
 * - a payment made by a schedule is that EXECUTED schedule's one payment;
 * - each FAILED payment has exactly one `billing.payment.failed` event
 *   (others none); a PAID bill, once settled, exactly one `billing.bill.paid`
 *   (never more).
 */
export async function billingViolations(billing: Sql, banking: Sql, settled = true): Promise<string[]> {
  const payments = await billing.execute<(HoldPaymentRow & { bill_id: string; scheduled_payment_id: string | null })[]>(
    `select id, status, amount::text as amount, currency, from_account_id, hold_id, applied_at is not null as applied,
            bill_id, scheduled_payment_id
       from bill_payments`,
  );
  const problems = [
    ...(await ledgerViolations(banking)),
    ...(await holdPaymentViolations(banking, payments, {
      what: 'bill payment',
      kind: 'BILL_PAYMENT',
      scope: 'service:billing',
      keyOf: billPaymentKey,
      to: 'BILL_SETTLEMENT',
      settled,
    })),
  ];

  const bills = await billing.execute<{ id: string; status: string; amount: string; paid: string }[]>(
    'select id, status, amount::text as amount, paid::text as paid from bills',
  );
  const applied = new Map<string, bigint>();
  for (const p of payments) {
    if (p.applied) applied.set(p.bill_id, (applied.get(p.bill_id) ?? 0n) + BigInt(p.amount));
  }
  const billIds = new Set(bills.map((b) => b.id));
  for (const p of payments) if (!billIds.has(p.bill_id)) problems.push(`bill payment ${p.id} of a missing bill`);
  for (const b of bills) {
    const sum = applied.get(b.id) ?? 0n;
    if (BigInt(b.paid) !== sum) problems.push(`bill ${b.id}: paid ${b.paid}, its applied payments ${sum}`);
    if (b.status !== 'CANCELLED' && (b.status === 'PAID') !== BigInt(b.paid) >= BigInt(b.amount)) {
      problems.push(`bill ${b.id} is ${b.status} with ${b.paid} of ${b.amount} paid`);
    }
    if (b.status === 'CANCELLED' && sum > 0n) problems.push(`bill ${b.id} is CANCELLED with ${sum} paid`);
  }

  const schedules = await billing.execute<{ id: string; status: string; payment_id: string | null }[]>(
    'select id, status, payment_id from scheduled_payments',
  );
  const scheduleById = new Map(schedules.map((s) => [s.id, s]));
  const paymentById = new Map(payments.map((p) => [p.id, p]));
  const madeBy = new Map<string, string[]>();
  for (const p of payments) {
    if (p.scheduled_payment_id === null) continue;
    madeBy.set(p.scheduled_payment_id, [...(madeBy.get(p.scheduled_payment_id) ?? []), p.id]);
    const schedule = scheduleById.get(p.scheduled_payment_id);
    if (schedule?.status !== 'EXECUTED' || schedule.payment_id !== p.id) {
      problems.push(`bill payment ${p.id} of schedule ${p.scheduled_payment_id} (${schedule?.status ?? 'missing'})`);
    }
  }
  for (const [schedule, made] of madeBy) {
    if (made.length > 1) problems.push(`schedule ${schedule} made ${made.length} payments`);
  }
  for (const s of schedules) {
    if (s.payment_id !== null && paymentById.get(s.payment_id)?.scheduled_payment_id !== s.id) {
      problems.push(`schedule ${s.id} names payment ${s.payment_id}, not one of its own`);
    }
    if (s.payment_id !== null && s.status !== 'EXECUTED') problems.push(`schedule ${s.id} paid but ${s.status}`);
  }

  const failedEvents = await billing.execute<{ id: string; n: number }[]>(
    `select payload->>'paymentId' as id, count(*)::int as n from outbox_events
      where type = 'billing.payment.failed' group by 1`,
  );
  const failedCount = new Map(failedEvents.map((e) => [e.id, e.n]));
  for (const p of payments) {
    const n = failedCount.get(p.id) ?? 0;
    if (n !== (p.status === 'FAILED' ? 1 : 0))
      problems.push(`bill payment ${p.id} (${p.status}) has ${n} failed events`);
  }
  const paidEvents = await billing.execute<{ id: string; n: number }[]>(
    `select payload->>'billId' as id, count(*)::int as n from outbox_events where type = 'billing.bill.paid' group by 1`,
  );
  const paidCount = new Map(paidEvents.map((e) => [e.id, e.n]));
  for (const b of bills) {
    const n = paidCount.get(b.id) ?? 0;
    if (n > 1 || (b.status !== 'PAID' && n > 0) || (settled && b.status === 'PAID' && n !== 1)) {
      problems.push(`bill ${b.id} (${b.status}) has ${n} billing.bill.paid events`);
    }
  }
  return problems;
}
