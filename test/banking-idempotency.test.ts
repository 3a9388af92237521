/**
 * Idempotency of money-moving mutations: a retry returns the first result and
 * posts nothing; the same key with other input is IDEMPOTENCY_KEY_REUSED; a
 * retry while the first is running is IDEMPOTENCY_IN_PROGRESS; keys are
 * scoped to the caller; a refused request records no key.
 */
import { AccountDocument, DepositDocument, TransferDocument, WithdrawDocument } from './generated/operations.ts';
import {
  SOUND_LEDGER,
  codeOf,
  firstError,
  holdIdempotencyClaim,
  key,
  ok,
  startBank,
  type BankHarness,
  type Party,
} from '../subgraphs/banking/test/support.ts';

let h: BankHarness;
let alice: Party;
let bob: Party;
let a1: string;
let a2: string;
let b1: string;

beforeAll(async () => {
  h = await startBank();
  alice = await h.user('alice');
  bob = await h.user('bob');
  a1 = await h.open(alice);
  a2 = await h.open(alice, 'USD', 'SAVINGS');
  b1 = await h.open(bob);
  await h.deposit(alice, a1, '500.00');
  await h.deposit(bob, b1, '500.00');
});
afterAll(async () => {
  await h?.close();
});

async function records(scope: string, idempotencyKey: string): Promise<number> {
  const [row] = await h.sql<{ n: number }>(
    'select count(*)::int as n from idempotency_keys where scope = ? and key = ?',
    [scope, idempotencyKey],
  );
  return row?.n ?? -1;
}

describe('same key, same input: the first result, one posting', () => {
  test('deposit retried three times', async () => {
    const k = key();
    const before = await h.account(a2);
    const input = { accountId: a2, amount: '12.34', idempotencyKey: k, description: 'Salary' };
    const first = ok(await h.request(DepositDocument, { input }, alice.token)).deposit;
    for (let i = 0; i < 3; i += 1) {
      const again = ok(await h.request(DepositDocument, { input }, alice.token)).deposit;
      expect(again).toEqual(first);
    }
    expect((await h.account(a2)).balance).toBe(before.balance + 1234n);
    const [row] = await h.sql<{ n: number; e: number }>(
      `select (select count(*)::int from transactions where id = ?) as n,
              (select count(*)::int from entries where transaction_id = ?) as e`,
      [first.id, first.id],
    );
    expect(row).toEqual({ n: 1, e: 2 });
    expect(await records(alice.id, k)).toBe(1);
  });

  test('transfer retried: same transaction id, balances moved once', async () => {
    const k = key();
    const fromBefore = await h.account(a1);
    const toBefore = await h.account(b1);
    const input = { fromAccountId: a1, toAccountId: b1, amount: '20.00', idempotencyKey: k, description: 'Rent' };
    const first = ok(await h.request(TransferDocument, { input }, alice.token)).transfer;
    const snapshot = await h.snapshot();
    const again = ok(await h.request(TransferDocument, { input }, alice.token)).transfer;
    expect(again.id).toBe(first.id);
    expect(again.amount).toEqual({ amount: '20.00', currency: 'USD' });
    expect(await h.snapshot()).toEqual(snapshot);
    expect((await h.account(a1)).balance).toBe(fromBefore.balance - 2000n);
    expect((await h.account(b1)).balance).toBe(toBefore.balance + 2000n);
  });

  test('a retry returns the first result even when re-running it would now fail', async () => {
    const carol = await h.user('carol');
    const acc = await h.open(carol);
    await h.deposit(carol, acc, '30.00');
    const input = { accountId: acc, amount: '30.00', idempotencyKey: key() };
    const first = ok(await h.request(WithdrawDocument, { input }, carol.token)).withdraw;
    expect((await h.account(acc)).balance).toBe(0n);
    const again = await h.request(WithdrawDocument, { input }, carol.token);
    expect(again.errors).toBeUndefined();
    expect(again.data?.withdraw.id).toBe(first.id);
    expect((await h.account(acc)).balance).toBe(0n);
  });

  test('10 identical requests at once: one posting; each answer is the first result or IDEMPOTENCY_IN_PROGRESS', async () => {
    const k = key();
    const before = await h.account(a1);
    const input = { accountId: a1, amount: '1.11', idempotencyKey: k };
    const results = await Promise.all(
      Array.from({ length: 10 }, () => h.request(DepositDocument, { input }, alice.token)),
    );
    const ids = new Set(results.filter((r) => !r.errors).map((r) => r.data?.deposit.id));
    expect(ids.size).toBe(1);
    const codes = results.filter((r) => r.errors).map(codeOf);
    expect(codes.filter((c) => c !== 'IDEMPOTENCY_IN_PROGRESS')).toEqual([]);
    expect((await h.account(a1)).balance).toBe(before.balance + 111n);
    const [row] = await h.sql<{ n: number }>(
      `select count(*)::int as n from transactions where to_account_id = ? and amount = 111`,
      [a1],
    );
    expect(row?.n).toBe(1);
    // And once the dust settles, a retry gets the one result.
    const late = ok(await h.request(DepositDocument, { input }, alice.token)).deposit;
    expect(ids.has(late.id)).toBe(true);
  });
});

test('the same amount written differently ("5.0", "5.00") is the same input', async () => {
  const k = key();
  const first = ok(
    await h.request(DepositDocument, { input: { accountId: a1, amount: '5.0', idempotencyKey: k } }, alice.token),
  );
  const again = ok(
    await h.request(DepositDocument, { input: { accountId: a1, amount: '5.00', idempotencyKey: k } }, alice.token),
  );
  expect(again.deposit.id).toBe(first.deposit.id);
});

describe('same key, different input: IDEMPOTENCY_KEY_REUSED, nothing written', () => {
  const k = `reuse-${Date.now()}`;
  let firstId: string;

  beforeAll(async () => {
    firstId = ok(
      await h.request(
        TransferDocument,
        { input: { fromAccountId: a1, toAccountId: b1, amount: '5.00', idempotencyKey: k, description: 'Lunch' } },
        alice.token,
      ),
    ).transfer.id;
  });

  const variants: [
    string,
    () => Promise<{ errors?: readonly { message: string; extensions: Record<string, unknown> }[] }>,
  ][] = [
    [
      'another amount',
      () =>
        h.request(
          TransferDocument,
          { input: { fromAccountId: a1, toAccountId: b1, amount: '5.01', idempotencyKey: k, description: 'Lunch' } },
          alice.token,
        ),
    ],
    [
      'another destination account',
      () =>
        h.request(
          TransferDocument,
          { input: { fromAccountId: a1, toAccountId: a2, amount: '5.00', idempotencyKey: k, description: 'Lunch' } },
          alice.token,
        ),
    ],
    [
      'another source account',
      () =>
        h.request(
          TransferDocument,
          { input: { fromAccountId: a2, toAccountId: b1, amount: '5.00', idempotencyKey: k, description: 'Lunch' } },
          alice.token,
        ),
    ],
    [
      'another description',
      () =>
        h.request(
          TransferDocument,
          { input: { fromAccountId: a1, toAccountId: b1, amount: '5.00', idempotencyKey: k, description: 'Dinner' } },
          alice.token,
        ),
    ],
    [
      'no description',
      () =>
        h.request(
          TransferDocument,
          { input: { fromAccountId: a1, toAccountId: b1, amount: '5.00', idempotencyKey: k } },
          alice.token,
        ),
    ],
    [
      'another operation (withdraw)',
      () =>
        h.request(
          WithdrawDocument,
          { input: { accountId: a1, amount: '5.00', idempotencyKey: k, description: 'Lunch' } },
          alice.token,
        ),
    ],
  ];

  test.each(variants)('%s', async (_name, run) => {
    const before = await h.snapshot();
    const r = await run();
    expect(firstError(r).extensions).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', field: 'idempotencyKey' });
    expect(await h.snapshot()).toEqual(before);
  });

  test('another operation (deposit into own account) is IDEMPOTENCY_KEY_REUSED', async () => {
    const before = await h.snapshot();
    const r = await h.request(
      DepositDocument,
      { input: { accountId: a1, amount: '5.00', idempotencyKey: k, description: 'Lunch' } },
      alice.token,
    );
    expect(firstError(r).extensions).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', field: 'idempotencyKey' });
    expect(await h.snapshot()).toEqual(before);
  });

  test('after every refusal, the original input still returns the first result', async () => {
    const r = await h.request(
      TransferDocument,
      { input: { fromAccountId: a1, toAccountId: b1, amount: '5.00', idempotencyKey: k, description: 'Lunch' } },
      alice.token,
    );
    expect(ok(r).transfer.id).toBe(firstId);
  });
});

describe('keys are scoped to the caller', () => {
  test('the same key used by another user is independent: both post', async () => {
    const k = key('shared');
    const mine = ok(
      await h.request(DepositDocument, { input: { accountId: a1, amount: '3.00', idempotencyKey: k } }, alice.token),
    ).deposit;
    const theirs = ok(
      await h.request(DepositDocument, { input: { accountId: b1, amount: '4.00', idempotencyKey: k } }, bob.token),
    ).deposit;
    expect(theirs.id).not.toBe(mine.id);
    expect(theirs.amount.amount).toBe('4.00');
    expect(await records(alice.id, k)).toBe(1);
    expect(await records(bob.id, k)).toBe(1);
  });

  test("another user's claim in progress on the same key does not block me", async () => {
    const k = key('scoped');
    const claim = await holdIdempotencyClaim(h.bankingDatabaseUrl, bob.id, k);
    try {
      const r = await h.request(
        DepositDocument,
        { input: { accountId: a1, amount: '1.00', idempotencyKey: k } },
        alice.token,
      );
      expect(r.errors).toBeUndefined();
    } finally {
      await claim.release();
    }
  });
});

describe('same key while the first is still running: IDEMPOTENCY_IN_PROGRESS', () => {
  test('refused and nothing written while the claim is held; the retry succeeds once it is released', async () => {
    const k = key('busy');
    const input = { fromAccountId: a1, toAccountId: b1, amount: '2.00', idempotencyKey: k };
    const claim = await holdIdempotencyClaim(h.bankingDatabaseUrl, alice.id, k);
    let released = false;
    try {
      const before = await h.snapshot();
      const r = await h.request(TransferDocument, { input }, alice.token);
      expect(codeOf(r)).toBe('IDEMPOTENCY_IN_PROGRESS');
      // A deposit and a withdrawal with the same key meet the same claim.
      const w = await h.request(
        WithdrawDocument,
        { input: { accountId: a1, amount: '2.00', idempotencyKey: k } },
        alice.token,
      );
      expect(codeOf(w)).toBe('IDEMPOTENCY_IN_PROGRESS');
      expect(await h.snapshot()).toEqual(before);
      await claim.release();
      released = true;
      const retry = await h.request(TransferDocument, { input }, alice.token);
      expect(retry.errors).toBeUndefined();
      expect(retry.data?.transfer).toMatchObject({ status: 'POSTED', amount: { amount: '2.00' } });
      expect(await records(alice.id, k)).toBe(1);
    } finally {
      if (!released) await claim.release();
    }
  });
});

describe('a refused request records no key', () => {
  test('INSUFFICIENT_FUNDS, then a deposit, then the same key succeeds', async () => {
    const dave = await h.user('dave');
    const acc = await h.open(dave);
    const k = key('later');
    const input = { accountId: acc, amount: '40.00', idempotencyKey: k };
    const before = await h.snapshot();
    const refused = await h.request(WithdrawDocument, { input }, dave.token);
    expect(codeOf(refused)).toBe('INSUFFICIENT_FUNDS');
    expect(await h.snapshot()).toEqual(before);
    expect(await records(dave.id, k)).toBe(0);
    await h.deposit(dave, acc, '40.00');
    const retry = await h.request(WithdrawDocument, { input }, dave.token);
    expect(retry.errors).toBeUndefined();
    expect(retry.data?.withdraw.status).toBe('POSTED');
    expect(ok(await h.request(AccountDocument, { id: acc }, dave.token)).account?.balance.amount).toBe('0.00');
    expect(await records(dave.id, k)).toBe(1);
  });

  test('a bad amount records no key: the corrected request with the same key goes through', async () => {
    const k = key('fix');
    const before = await h.snapshot();
    const bad = await h.request(
      DepositDocument,
      { input: { accountId: a2, amount: '9.999', idempotencyKey: k } },
      alice.token,
    );
    expect(firstError(bad).extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'PRECISION' });
    expect(await h.snapshot()).toEqual(before);
    const good = await h.request(
      DepositDocument,
      { input: { accountId: a2, amount: '9.99', idempotencyKey: k } },
      alice.token,
    );
    expect(ok(good).deposit.amount.amount).toBe('9.99');
  });
});

test('the ledger is sound after all of it', async () => {
  expect(await h.invariants()).toEqual(SOUND_LEDGER);
});
