/**
 * Concurrency through the router: crossing transfers cannot deadlock or lose
 * an update (accounts are locked in a fixed order), and concurrent
 * withdrawals can never overdraw (the balance is checked on the locked row).
 */
import { AccountDocument, DepositDocument, TransferDocument, WithdrawDocument } from './generated/operations.ts';
import { SOUND_LEDGER, codeOf, key, ok, startBank, type BankHarness } from '../subgraphs/banking/test/support.ts';

let h: BankHarness;
beforeAll(async () => {
  h = await startBank();
});
afterAll(async () => {
  await h?.close();
});

test('40 A→B and 40 B→A transfers at once: no deadlock, no error, exact final balances', async () => {
  const alice = await h.user('alice');
  const bob = await h.user('bob');
  const a = await h.open(alice);
  const b = await h.open(bob);
  await h.deposit(alice, a, '1000.00');
  await h.deposit(bob, b, '1000.00');

  const n = 40;
  const results = await Promise.all(
    Array.from({ length: n }, (_, i) => [
      h.request(
        TransferDocument,
        { input: { fromAccountId: a, toAccountId: b, amount: '1.00', idempotencyKey: `ab-${i}` } },
        alice.token,
      ),
      h.request(
        TransferDocument,
        { input: { fromAccountId: b, toAccountId: a, amount: '2.50', idempotencyKey: `ba-${i}` } },
        bob.token,
      ),
    ]).flat(),
  );
  const codes = results.map((r) => codeOf(r) ?? 'OK');
  expect(codes.filter((c) => c !== 'OK')).toEqual([]);
  expect(new Set(results.map((r) => r.data?.transfer.id)).size).toBe(2 * n);

  // 1000 - 40 × 1.00 + 40 × 2.50 = 1060.00; 1000 + 40 × 1.00 - 40 × 2.50 = 940.00.
  expect(await h.account(a)).toMatchObject({ balance: 106_000n, held: 0n });
  expect(await h.account(b)).toMatchObject({ balance: 94_000n, held: 0n });
  expect(ok(await h.request(AccountDocument, { id: a }, alice.token)).account?.balance.amount).toBe('1060.00');
  expect(ok(await h.request(AccountDocument, { id: b }, bob.token)).account?.balance.amount).toBe('940.00');
  const [row] = await h.sql<{ n: number }>(
    `select count(*)::int as n from transactions where kind = 'TRANSFER' and from_account_id in (?, ?)`,
    [a, b],
  );
  expect(row?.n).toBe(2 * n);
  expect(await h.invariants()).toEqual(SOUND_LEDGER);
});

test('crossing transfers among four accounts of two owners, many at once, keep every cent', async () => {
  const carol = await h.user('carol');
  const dave = await h.user('dave');
  const accounts = [
    { owner: carol, id: await h.open(carol) },
    { owner: carol, id: await h.open(carol, 'USD', 'SAVINGS') },
    { owner: dave, id: await h.open(dave) },
    { owner: dave, id: await h.open(dave, 'USD', 'SAVINGS') },
  ];
  for (const acc of accounts) await h.deposit(acc.owner, acc.id, '500.00');
  const expected = new Map(accounts.map((acc) => [acc.id, 50_000n]));

  // Every ordered pair, both directions, 6 times each, with amounts that keep every balance positive.
  const jobs: { from: (typeof accounts)[number]; to: (typeof accounts)[number]; minor: bigint }[] = [];
  for (let round = 0; round < 6; round += 1) {
    for (const from of accounts) {
      for (const to of accounts) {
        if (from !== to) jobs.push({ from, to, minor: BigInt(101 + round * 37 + accounts.indexOf(to)) });
      }
    }
  }
  for (const job of jobs) {
    expected.set(job.from.id, (expected.get(job.from.id) ?? 0n) - job.minor);
    expected.set(job.to.id, (expected.get(job.to.id) ?? 0n) + job.minor);
  }
  const results = await Promise.all(
    jobs.map((job) =>
      h.request(
        TransferDocument,
        {
          input: {
            fromAccountId: job.from.id,
            toAccountId: job.to.id,
            amount: `${job.minor / 100n}.${(job.minor % 100n).toString().padStart(2, '0')}`,
            idempotencyKey: key('x'),
          },
        },
        job.from.owner.token,
      ),
    ),
  );
  expect(results.map((r) => codeOf(r) ?? 'OK').filter((c) => c !== 'OK')).toEqual([]);
  for (const acc of accounts) expect((await h.account(acc.id)).balance).toBe(expected.get(acc.id));
  const total = [...expected.values()].reduce((x, y) => x + y, 0n);
  expect(total).toBe(200_000n);
  expect(await h.invariants()).toEqual(SOUND_LEDGER);
});

test('30 concurrent withdrawals of 7.00 from 100.00: exactly 14 succeed, the rest INSUFFICIENT_FUNDS, never negative', async () => {
  const erin = await h.user('erin');
  const acc = await h.open(erin);
  await h.deposit(erin, acc, '100.00');
  const results = await Promise.all(
    Array.from({ length: 30 }, (_, i) =>
      h.request(WithdrawDocument, { input: { accountId: acc, amount: '7.00', idempotencyKey: `w-${i}` } }, erin.token),
    ),
  );
  const codes = results.map((r) => codeOf(r) ?? 'OK');
  expect(codes.filter((c) => c === 'OK')).toHaveLength(14);
  expect(codes.filter((c) => c === 'INSUFFICIENT_FUNDS')).toHaveLength(16);
  expect(await h.account(acc)).toMatchObject({ balance: 200n, held: 0n });
  const [row] = await h.sql<{ n: number; keys: number }>(
    `select (select count(*)::int from transactions where from_account_id = ? and kind = 'WITHDRAWAL') as n,
            (select count(*)::int from idempotency_keys where scope = ? and key like 'w-%') as keys`,
    [acc, erin.id],
  );
  // Refused withdrawals leave no trace: no transaction, no idempotency record.
  expect(row).toEqual({ n: 14, keys: 14 });
  expect(await h.invariants()).toEqual(SOUND_LEDGER);
});

test('concurrent transfers out of one account to many others plus deposits into it: never negative, exact', async () => {
  const frank = await h.user('frank');
  const source = await h.open(frank);
  await h.deposit(frank, source, '50.00');
  const targets = await Promise.all(Array.from({ length: 5 }, async () => h.open(frank)));
  // 40 transfers of 2.00 (80.00 asked) race 5 deposits of 4.00 (20.00): at most 70.00 can ever leave.
  const transfers = Array.from({ length: 40 }, (_, i) =>
    h.request(
      TransferDocument,
      {
        input: {
          fromAccountId: source,
          toAccountId: targets[i % targets.length] as string,
          amount: '2.00',
          idempotencyKey: `t-${i}`,
        },
      },
      frank.token,
    ),
  );
  const deposits = Array.from({ length: 5 }, (_, i) =>
    h.request(DepositDocument, { input: { accountId: source, amount: '4.00', idempotencyKey: `d-${i}` } }, frank.token),
  );
  const [t, d] = await Promise.all([Promise.all(transfers), Promise.all(deposits)]);
  expect(d.map((r) => codeOf(r) ?? 'OK')).toEqual(['OK', 'OK', 'OK', 'OK', 'OK']);
  const codes = t.map((r) => codeOf(r) ?? 'OK');
  expect(codes.filter((c) => c !== 'OK' && c !== 'INSUFFICIENT_FUNDS')).toEqual([]);
  const succeeded = BigInt(codes.filter((c) => c === 'OK').length);
  expect(succeeded).toBeGreaterThanOrEqual(25n); // the first 50.00 alone pays for 25
  expect(succeeded).toBeLessThanOrEqual(35n);
  const balance = (await h.account(source)).balance;
  expect(balance).toBe(5000n + 2000n - succeeded * 200n);
  expect(balance).toBeGreaterThanOrEqual(0n);
  let received = 0n;
  for (const target of targets) received += (await h.account(target)).balance;
  expect(received).toBe(succeeded * 200n);
  expect(await h.invariants()).toEqual(SOUND_LEDGER);
});
