/**
 * Ledger rules after a mixed workload (deposits, withdrawals, transfers,
 * holds posted, voided and left pending, in three currencies): every
 * transaction balances, the ledger sums to zero, balances are the sums of
 * entries, held is the sum of pending holds, cash enters and leaves through
 * the per-currency SYSTEM account, holds go into the per-currency LOANS or
 * BILL_SETTLEMENT account, no customer balance is negative; and the exact
 * balances equal a model the test keeps on the side.
 */
import {
  AccountDocument,
  DepositDocument,
  TransferDocument,
  WithdrawDocument,
  type Currency,
} from './generated/operations.ts';
import {
  CREATE_HOLD,
  POST_HOLD,
  SOUND_LEDGER,
  VOID_HOLD,
  codeOf,
  key,
  ok,
  startBank,
  type BankHarness,
  type HoldView,
  type Party,
} from '../subgraphs/banking/test/support.ts';

let h: BankHarness;
beforeAll(async () => {
  h = await startBank();
});
afterAll(async () => {
  await h?.close();
});

/** The saga steps of the workload that take money out of a customer account: a kind and its system account. */
const HOLD_STEPS = [
  ['BILL_PAYMENT', 'BILL_SETTLEMENT'],
  ['LOAN_REPAYMENT', 'LOANS'],
] as const;

/** A small deterministic PRNG (mulberry32): the same workload on every run. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Acc {
  id: string;
  owner: Party;
  currency: Currency;
}

/** Amount string of `minor` minor units in `currency`. */
function amountOf(minor: bigint, currency: Currency): string {
  if (currency === 'JPY') return minor.toString();
  return `${minor / 100n}.${(minor % 100n).toString().padStart(2, '0')}`;
}

describe('after a mixed workload', () => {
  const model = new Map<string, bigint>();
  const held = new Map<string, bigint>();
  const accounts: Acc[] = [];
  let posted = 0;
  let pending = 0;
  let voided = 0;
  let refusedForFunds = 0;
  let holdsCreated = 0;
  const systemIds = new Map<string, string>();
  /** Id of a system account, read once. */
  const systemAccount = async (purpose: 'LOANS' | 'BILL_SETTLEMENT', currency: Currency): Promise<string> => {
    const name = `${purpose} ${currency}`;
    const known = systemIds.get(name);
    if (known) return known;
    const id = await h.systemAccount(purpose, currency);
    systemIds.set(name, id);
    return id;
  };

  beforeAll(async () => {
    const alice = await h.user('alice');
    const bob = await h.user('bob');
    const carol = await h.user('carol');
    const plan: [Party, Currency][] = [
      [alice, 'USD'],
      [alice, 'USD'],
      [bob, 'USD'],
      [carol, 'USD'],
      [alice, 'EUR'],
      [bob, 'EUR'],
      [carol, 'JPY'],
      [alice, 'JPY'],
    ];
    for (const [owner, currency] of plan) {
      const id = await h.open(owner, currency, accounts.length === 1 ? 'SAVINGS' : 'CHECKING');
      accounts.push({ id, owner, currency });
      model.set(id, 0n);
      held.set(id, 0n);
    }
    const random = rng(20261122);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
    const add = (id: string, delta: bigint) => model.set(id, (model.get(id) ?? 0n) + delta);
    const available = (id: string) => (model.get(id) ?? 0n) - (held.get(id) ?? 0n);

    // Every account starts with money.
    for (const acc of accounts) {
      const minor = acc.currency === 'JPY' ? 20_000n : 50_000n;
      await h.deposit(acc.owner, acc.id, amountOf(minor, acc.currency));
      add(acc.id, minor);
      posted += 1;
    }

    for (let i = 0; i < 90; i += 1) {
      const roll = random();
      const acc = pick(accounts);
      const minor = BigInt(1 + Math.floor(random() * (acc.currency === 'JPY' ? 20_000 : 80_000)));
      const amount = amountOf(minor, acc.currency);
      if (roll < 0.2) {
        const r = await h.request(
          DepositDocument,
          { input: { accountId: acc.id, amount, idempotencyKey: key() } },
          acc.owner.token,
        );
        ok(r);
        add(acc.id, minor);
        posted += 1;
      } else if (roll < 0.4) {
        const r = await h.request(
          WithdrawDocument,
          { input: { accountId: acc.id, amount, idempotencyKey: key() } },
          acc.owner.token,
        );
        if (minor > available(acc.id)) {
          expect(codeOf(r)).toBe('INSUFFICIENT_FUNDS');
          refusedForFunds += 1;
        } else {
          ok(r);
          add(acc.id, -minor);
          posted += 1;
        }
      } else if (roll < 0.85) {
        const peers = accounts.filter((a) => a.currency === acc.currency && a.id !== acc.id);
        const to = pick(peers);
        const r = await h.request(
          TransferDocument,
          { input: { fromAccountId: acc.id, toAccountId: to.id, amount, idempotencyKey: key(), description: `w${i}` } },
          acc.owner.token,
        );
        if (minor > available(acc.id)) {
          expect(codeOf(r)).toBe('INSUFFICIENT_FUNDS');
          refusedForFunds += 1;
        } else {
          ok(r);
          add(acc.id, -minor);
          add(to.id, minor);
          posted += 1;
        }
      } else {
        // A hold (billing's or lending's saga) into a system account, then posted, voided or left pending.
        const [kind, system] = pick(HOLD_STEPS);
        const to = await systemAccount(system, acc.currency);
        const created = await h.asService<{ createHold: HoldView }>(CREATE_HOLD, {
          input: {
            fromAccountId: acc.id,
            toSystem: system,
            customerId: acc.owner.id,
            amount,
            kind,
            idempotencyKey: key(),
          },
        });
        if (minor > available(acc.id)) {
          expect(codeOf(created)).toBe('INSUFFICIENT_FUNDS');
          refusedForFunds += 1;
          continue;
        }
        const hold = ok(created).createHold;
        expect(hold.status).toBe('PENDING');
        holdsCreated += 1;
        const fate = random();
        if (fate < 0.45) {
          expect(ok(await h.asService<{ postHold: HoldView }>(POST_HOLD, { id: hold.id })).postHold.status).toBe(
            'POSTED',
          );
          add(acc.id, -minor);
          add(to, minor);
          posted += 1;
        } else if (fate < 0.9) {
          expect(ok(await h.asService<{ voidHold: HoldView }>(VOID_HOLD, { id: hold.id })).voidHold.status).toBe(
            'VOIDED',
          );
          voided += 1;
        } else {
          held.set(acc.id, (held.get(acc.id) ?? 0n) + minor);
          pending += 1;
        }
      }
    }
    // At least one hold stays pending whatever the dice said.
    const from = accounts[0] as Acc;
    if (available(from.id) < 100n) {
      await h.deposit(from.owner, from.id, '1.00');
      add(from.id, 100n);
      posted += 1;
    }
    const last = await h.asService<{ createHold: HoldView }>(CREATE_HOLD, {
      input: {
        fromAccountId: from.id,
        toSystem: 'LOANS',
        customerId: from.owner.id,
        amount: '1.00',
        kind: 'LOAN_REPAYMENT',
        idempotencyKey: key(),
      },
    });
    expect(ok(last).createHold.status).toBe('PENDING');
    holdsCreated += 1;
    held.set(from.id, (held.get(from.id) ?? 0n) + 100n);
    pending += 1;
  });

  test('the workload did what it should (posted, voided, pending, refused)', () => {
    // Guards the rest: a workload that refused everything would prove nothing.
    expect(posted).toBeGreaterThan(60);
    expect(voided).toBeGreaterThan(0);
    expect(pending).toBeGreaterThan(0);
    expect(refusedForFunds).toBeGreaterThan(0);
    console.log(
      `mixed workload: ${posted} posted, ${voided} voided, ${pending} pending, ${refusedForFunds} refused for funds`,
    );
  });

  test('every ledger invariant holds (SQL over the whole database)', async () => {
    expect(await h.invariants()).toEqual(SOUND_LEDGER);
  });

  test('every transaction has entries summing to zero, and posted ones exactly two', async () => {
    const rows = await h.sql<{ status: string; n: number; entries: number; nonzero: number }>(
      `select t.status, count(distinct t.id)::int as n, count(e.seq)::int as entries,
              count(distinct t.id) filter (where (select sum(amount) from entries x where x.transaction_id = t.id) <> 0)::int as nonzero
         from transactions t left join entries e on e.transaction_id = t.id
        group by t.status order by t.status`,
    );
    const byStatus = Object.fromEntries(rows.map((r) => [r.status, r]));
    expect(byStatus.POSTED).toEqual({ status: 'POSTED', n: posted, entries: 2 * posted, nonzero: 0 });
    expect(byStatus.PENDING?.n ?? 0).toBe(pending);
    expect(byStatus.PENDING?.entries ?? 0).toBe(0);
    expect(byStatus.VOIDED?.n ?? 0).toBe(voided);
    expect(byStatus.VOIDED?.entries ?? 0).toBe(0);
  });

  test('the sum of all entries is zero, per currency too', async () => {
    const rows = await h.sql<{ currency: string; total: string }>(
      'select currency, sum(amount)::text as total from entries group by currency order by currency',
    );
    expect(rows).toEqual([
      { currency: 'EUR', total: '0' },
      { currency: 'JPY', total: '0' },
      { currency: 'USD', total: '0' },
    ]);
  });

  test('each balance equals the model, the sum of its entries, and what its owner reads through the router', async () => {
    for (const acc of accounts) {
      const expected = model.get(acc.id) as bigint;
      const stored = await h.account(acc.id);
      expect({ id: acc.id, balance: stored.balance, held: stored.held }).toEqual({
        id: acc.id,
        balance: expected,
        held: held.get(acc.id),
      });
      const [sum] = await h.sql<{ s: string }>(
        'select coalesce(sum(amount), 0)::text as s from entries where account_id = ?',
        [acc.id],
      );
      expect(BigInt(sum?.s ?? 'x')).toBe(expected);
      const seen = ok(await h.request(AccountDocument, { id: acc.id }, acc.owner.token)).account;
      expect(seen?.balance).toEqual({ amount: amountOf(expected, acc.currency), currency: acc.currency });
      expect(seen?.availableBalance).toEqual({
        amount: amountOf(expected - (held.get(acc.id) ?? 0n), acc.currency),
        currency: acc.currency,
      });
    }
  });

  test('held equals the sum of the PENDING holds of each account', async () => {
    const rows = await h.sql<{ id: string; held: string; pending: string }>(
      `select a.id, a.held::text as held,
              coalesce((select sum(amount) from transactions t where t.from_account_id = a.id and t.status = 'PENDING'), 0)::text as pending
         from accounts a where a.type <> 'SYSTEM'`,
    );
    for (const row of rows) expect(row.held).toBe(row.pending);
    const totalHeld = [...held.values()].reduce((a, b) => a + b, 0n);
    expect(rows.reduce((a, r) => a + BigInt(r.held), 0n)).toBe(totalHeld);
  });

  test('deposits come from and withdrawals go to the SYSTEM cash account of their currency', async () => {
    const rows = await h.sql<{ kind: string; n: number; through_cash: number }>(
      `select t.kind, count(*)::int as n,
              count(*) filter (where (t.kind = 'DEPOSIT' and f.type = 'SYSTEM' and f.system_purpose = 'CASH' and f.currency = t.currency)
                                  or (t.kind = 'WITHDRAWAL' and d.type = 'SYSTEM' and d.system_purpose = 'CASH' and d.currency = t.currency))::int as through_cash
         from transactions t join accounts f on f.id = t.from_account_id join accounts d on d.id = t.to_account_id
        where t.kind in ('DEPOSIT', 'WITHDRAWAL') group by t.kind order by t.kind`,
    );
    expect(rows).toHaveLength(2);
    for (const row of rows) expect(row.through_cash).toBe(row.n);
    // Transfers never touch a SYSTEM account; holds touch exactly one, the LOANS or BILL_SETTLEMENT of their currency.
    const [system] = await h.sql<{ n: number }>(
      `select count(*)::int as n from transactions t join accounts f on f.id = t.from_account_id join accounts d on d.id = t.to_account_id
        where t.kind = 'TRANSFER' and (f.type = 'SYSTEM' or d.type = 'SYSTEM')`,
    );
    expect(system?.n).toBe(0);
    const [holds] = await h.sql<{ n: number; through_system: number }>(
      `select count(*)::int as n,
              count(*) filter (where f.type <> 'SYSTEM' and d.type = 'SYSTEM' and d.currency = t.currency
                                 and d.system_purpose = case t.kind when 'BILL_PAYMENT' then 'BILL_SETTLEMENT' else 'LOANS' end)::int as through_system
         from transactions t join accounts f on f.id = t.from_account_id join accounts d on d.id = t.to_account_id
        where t.kind in ('BILL_PAYMENT', 'LOAN_REPAYMENT')`,
    );
    expect(holds?.n).toBe(holdsCreated);
    expect(holds?.through_system).toBe(holdsCreated);
  });

  test('each system account holds exactly what the model says, and together they hold minus the customer money', async () => {
    for (const currency of ['USD', 'EUR', 'JPY'] as const) {
      const cash = await h.account(await h.cashAccount(currency));
      const customers = accounts
        .filter((a) => a.currency === currency)
        .reduce((sum, a) => sum + (model.get(a.id) ?? 0n), 0n);
      let settled = 0n;
      for (const purpose of ['LOANS', 'BILL_SETTLEMENT'] as const) {
        const id = await systemAccount(purpose, currency);
        const stored = await h.account(id);
        expect(stored).toEqual({ balance: model.get(id) ?? 0n, held: 0n, status: 'ACTIVE' });
        settled += stored.balance;
      }
      // Money that came in as cash is now in customer accounts or has gone on to LOANS and BILL_SETTLEMENT.
      expect(cash.balance).toBe(-(customers + settled));
      expect(cash.held).toBe(0n);
    }
  });

  test('no customer balance (nor available balance) is below zero', async () => {
    const [row] = await h.sql<{ n: number; min: string | null }>(
      `select count(*)::int as n, min(balance - held)::text as min from accounts where type <> 'SYSTEM'`,
    );
    expect(row?.n).toBe(accounts.length);
    expect(BigInt(row?.min ?? '-1')).toBeGreaterThanOrEqual(0n);
  });

  test('one idempotency record per transaction created by a client request', async () => {
    const [row] = await h.sql<{ keys: number; txs: number; orphans: number }>(
      `select (select count(*)::int from idempotency_keys) as keys,
              (select count(*)::int from transactions) as txs,
              (select count(*)::int from idempotency_keys k where not exists (select 1 from transactions t where t.id = k.transaction_id)) as orphans`,
    );
    expect(row).toEqual({ keys: posted + pending + voided, txs: posted + pending + voided, orphans: 0 });
  });
});

describe('the invariant checker has teeth', () => {
  test('it reports a balance that is not the sum of its entries, then an unbalanced transaction', async () => {
    expect(await h.invariants()).toEqual(SOUND_LEDGER);
    const [victim] = await h.sql<{ id: string }>(
      `select id from accounts where type <> 'SYSTEM' and balance > 0 order by id limit 1`,
    );
    const id = victim?.id as string;
    await h.sql('update accounts set balance = balance - 1 where id = ?', [id]);
    try {
      expect((await h.invariants()).balanceNotSumOfEntries).toEqual([id]);
    } finally {
      await h.sql('update accounts set balance = balance + 1 where id = ?', [id]);
    }
    const [tx] = await h.sql<{ transaction_id: string; account_id: string; currency: string }>(
      'select transaction_id, account_id, currency from entries order by seq limit 1',
    );
    await h.sql(
      `insert into entries (transaction_id, account_id, amount, currency, category, tags, posted_at)
       values (?, gen_random_uuid(), 7, ?, 'OTHER', '{}', now())`,
      [tx?.transaction_id, tx?.currency],
    );
    try {
      const broken = await h.invariants();
      expect(broken.unbalancedTransactions).toEqual([tx?.transaction_id]);
      expect(broken.ledgerTotal).toBe('7');
      expect(broken.wrongEntryCount).toEqual([tx?.transaction_id]);
    } finally {
      await h.sql('delete from entries where amount = 7 and transaction_id = ? and account_id <> ?', [
        tx?.transaction_id,
        tx?.account_id,
      ]);
    }
    expect(await h.invariants()).toEqual(SOUND_LEDGER);
  });
});

describe('a payment and more mutations in one operation', () => {
  test('the payment shows its own side, and later mutations of its accounts in the same operation persist', async () => {
    const owner = await h.user('serial');
    const [from, to] = [await h.open(owner), await h.open(owner)];
    await h.deposit(owner, from, '100.00');
    const result = await h.routerRaw<{
      deposit: { category: string; signedAmount: { amount: string } };
      transfer: { category: string; tags: string[]; signedAmount: { amount: string } };
      setLowBalanceAlert: { lowBalanceAlert: { amount: string } };
      toAlert: { lowBalanceAlert: { amount: string } };
    }>(
      `mutation ($from: ID!, $to: ID!, $k1: String!, $k2: String!) {
        deposit(input: { accountId: $from, amount: "5.00", idempotencyKey: $k1 }) {
          category
          signedAmount { amount }
        }
        transfer(input: { fromAccountId: $from, toAccountId: $to, amount: "30.00", idempotencyKey: $k2 }) {
          category
          tags
          signedAmount { amount }
        }
        setLowBalanceAlert(accountId: $from, threshold: "50.00") { lowBalanceAlert { amount } }
        toAlert: setLowBalanceAlert(accountId: $to, threshold: "7.00") { lowBalanceAlert { amount } }
      }`,
      { from, to, k1: key('serial-dep'), k2: key('serial-tr') },
      owner.token,
    );
    const data = ok(result);
    expect(data.deposit.signedAmount.amount).toBe('5.00');
    expect(data.transfer.signedAmount.amount).toBe('-30.00');
    expect(data.transfer.tags).toEqual([]);
    expect(data.setLowBalanceAlert.lowBalanceAlert.amount).toBe('50.00');
    const rows = await h.sql<{ id: string; balance: string; low_balance_threshold: string | null }>(
      'select id, balance::text as balance, low_balance_threshold::text as low_balance_threshold from accounts where id in (?, ?)',
      [from, to],
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(byId.get(from)).toMatchObject({ balance: '7500', low_balance_threshold: '5000' });
    expect(byId.get(to)).toMatchObject({ balance: '3000', low_balance_threshold: '700' });
    expect(await h.invariants()).toEqual(SOUND_LEDGER);
  });
});

test('what a mutation shows of its accounts is what its posting committed, accounts it read before included', async () => {
  const owner = await h.user('shows-committed');
  const [from, to] = [await h.open(owner), await h.open(owner)];
  await h.deposit(owner, from, '100.00');
  // A deposit reads its account before posting, and each transfer's `fromAccount` is read by the request after
  // its posting: the next posting changes an account this request already holds.
  const result = await h.routerRaw<{
    deposit: { toAccount: { balance: { amount: string } } };
    first: { fromAccount: { balance: { amount: string } }; toAccount: { balance: { amount: string } } };
    second: { fromAccount: { balance: { amount: string } }; toAccount: { balance: { amount: string } } };
    withdraw: { fromAccount: { balance: { amount: string } } };
  }>(
    `mutation ($from: ID!, $to: ID!, $k1: String!, $k2: String!, $k3: String!, $k4: String!) {
      deposit(input: { accountId: $from, amount: "25.00", idempotencyKey: $k1 }) { toAccount { balance { amount } } }
      first: transfer(input: { fromAccountId: $from, toAccountId: $to, amount: "10.00", idempotencyKey: $k2 }) {
        fromAccount { balance { amount } }
        toAccount { balance { amount } }
      }
      second: transfer(input: { fromAccountId: $from, toAccountId: $to, amount: "1.50", idempotencyKey: $k3 }) {
        fromAccount { balance { amount } }
        toAccount { balance { amount } }
      }
      withdraw(input: { accountId: $to, amount: "2.00", idempotencyKey: $k4 }) { fromAccount { balance { amount } } }
    }`,
    { from, to, k1: key('shown-dep'), k2: key('shown-tr1'), k3: key('shown-tr2'), k4: key('shown-wd') },
    owner.token,
  );
  const data = ok(result);
  expect(data.deposit.toAccount.balance.amount).toBe('125.00');
  expect(data.first.fromAccount.balance.amount).toBe('115.00');
  expect(data.first.toAccount.balance.amount).toBe('10.00');
  expect(data.second.fromAccount.balance.amount).toBe('113.50');
  expect(data.second.toAccount.balance.amount).toBe('11.50');
  expect(data.withdraw.fromAccount.balance.amount).toBe('9.50');
  expect(await h.account(from)).toMatchObject({ balance: 11350n });
  expect(await h.account(to)).toMatchObject({ balance: 950n });
});
