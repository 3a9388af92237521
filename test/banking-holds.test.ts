/**
 * Holds (two-phase transfers) for the billing and lending sagas, called as
 * an internal service directly on the banking subgraph (the header signed
 * with the SERVICE key): reserve, post exactly once, void, and the state
 * machine between them. Users cannot reach them: not through the router
 * (the fields are @inaccessible), not directly with a router-signed header.
 */
import {
  AccountDocument,
  AccountTransactionsDocument,
  CategorizeTransactionDocument,
  FreezeAccountDocument,
  StatementDocument,
  TransferDocument,
  WithdrawDocument,
} from './generated/operations.ts';
import {
  CREATE_HOLD,
  POST_HOLD,
  SOUND_LEDGER,
  VOID_HOLD,
  codeOf,
  firstError,
  key,
  ok,
  startBank,
  type BankHarness,
  type GqlBody,
  type HoldView,
  type Party,
} from '../subgraphs/banking/test/support.ts';

let h: BankHarness;
let alice: Party;
let bob: Party;
let a: string;
let b: string;

beforeAll(async () => {
  h = await startBank();
  alice = await h.user('alice');
  bob = await h.user('bob');
  a = await h.open(alice);
  b = await h.open(bob);
  await h.deposit(alice, a, '100.00');
});
afterAll(async () => {
  await h?.close();
});

interface HoldInput {
  fromAccountId: string;
  toAccountId: string;
  amount: string;
  kind: string;
  idempotencyKey: string;
  description?: string;
}

const createHold = (input: HoldInput, service: 'billing' | 'lending' = 'billing') =>
  h.asService<{ createHold: HoldView }>(CREATE_HOLD, { input }, service);
const postHold = (id: string) => h.asService<{ postHold: HoldView }>(POST_HOLD, { id });
const voidHold = (id: string) => h.asService<{ voidHold: HoldView }>(VOID_HOLD, { id });
const hold = (amount: string, idempotencyKey = key('hold')): HoldInput => ({
  fromAccountId: a,
  toAccountId: b,
  amount,
  kind: 'BILL_PAYMENT',
  idempotencyKey,
  description: 'Electricity bill',
});

async function view(id: string, party: Party) {
  const account = ok(await h.request(AccountDocument, { id }, party.token)).account;
  return { balance: account?.balance.amount, available: account?.availableBalance.amount };
}

async function entriesOf(transactionId: string): Promise<{ account_id: string; amount: string }[]> {
  return h.sql('select account_id, amount::text as amount from entries where transaction_id = ? order by amount', [
    transactionId,
  ]);
}

describe('a hold that is posted', () => {
  let id: string;

  test('createHold reserves: available drops, balance does not, nothing moves', async () => {
    const created = ok(await createHold(hold('30.00'))).createHold;
    id = created.id;
    expect(created).toMatchObject({
      kind: 'BILL_PAYMENT',
      status: 'PENDING',
      amount: { amount: '30.00', currency: 'USD' },
      fromAccount: { id: a },
      toAccount: { id: b },
      postedAt: null,
    });
    expect(await view(a, alice)).toEqual({ balance: '100.00', available: '70.00' });
    expect(await view(b, bob)).toEqual({ balance: '0.00', available: '0.00' });
    expect(await h.account(a)).toMatchObject({ balance: 10_000n, held: 3_000n });
    expect(await entriesOf(id)).toEqual([]);
  });

  test('the owner sees it PENDING in the history, but not in the statement, and cannot label it yet', async () => {
    const page = ok(await h.request(AccountTransactionsDocument, { id: a, first: 5 }, alice.token)).account;
    expect(page?.transactions.edges[0]?.node).toMatchObject({ id, status: 'PENDING', postedAt: null });
    const month = new Date().toISOString().slice(0, 7);
    const statement = ok(await h.request(StatementDocument, { id: a, month }, alice.token)).account?.statement;
    expect(statement?.entries.map((e) => e.transactionId)).not.toContain(id);
    const before = await h.snapshot();
    const label = await h.request(CategorizeTransactionDocument, { id, category: 'UTILITIES' }, alice.token);
    expect(codeOf(label)).toBe('BAD_USER_INPUT');
    expect(await h.snapshot()).toEqual(before);
  });

  test('the reserved money cannot be spent by the owner', async () => {
    const before = await h.snapshot();
    const r = await h.request(
      WithdrawDocument,
      { input: { accountId: a, amount: '70.01', idempotencyKey: key() } },
      alice.token,
    );
    expect(firstError(r).extensions).toMatchObject({ code: 'INSUFFICIENT_FUNDS', available: '70.00' });
    expect(await h.snapshot()).toEqual(before);
  });

  test('postHold moves the money: one pair of entries, held released', async () => {
    const posted = ok(await postHold(id)).postHold;
    expect(posted).toMatchObject({ id, status: 'POSTED' });
    expect(posted.postedAt).not.toBeNull();
    expect(await view(a, alice)).toEqual({ balance: '70.00', available: '70.00' });
    expect(await view(b, bob)).toEqual({ balance: '30.00', available: '30.00' });
    expect(await entriesOf(id)).toEqual([
      { account_id: a, amount: '-3000' },
      { account_id: b, amount: '3000' },
    ]);
  });

  test('posting it again returns the same transaction and moves nothing', async () => {
    const before = await h.snapshot();
    const again = ok(await postHold(id)).postHold;
    expect(again).toMatchObject({ id, status: 'POSTED' });
    expect(await h.snapshot()).toEqual(before);
    expect(await entriesOf(id)).toHaveLength(2);
  });

  test('voiding a posted hold is INVALID_STATE_TRANSITION and changes nothing', async () => {
    const before = await h.snapshot();
    const r = await voidHold(id);
    expect(firstError(r).extensions).toMatchObject({ code: 'INVALID_STATE_TRANSITION', status: 'POSTED' });
    expect(await h.snapshot()).toEqual(before);
  });
});

describe('a hold that is voided', () => {
  let id: string;

  test('voidHold releases the reserved funds without moving money', async () => {
    id = ok(await createHold(hold('25.00'))).createHold.id;
    expect(await view(a, alice)).toEqual({ balance: '70.00', available: '45.00' });
    const voided = ok(await voidHold(id)).voidHold;
    expect(voided).toMatchObject({ id, status: 'VOIDED', postedAt: null });
    expect(await view(a, alice)).toEqual({ balance: '70.00', available: '70.00' });
    expect(await view(b, bob)).toEqual({ balance: '30.00', available: '30.00' });
    expect(await entriesOf(id)).toEqual([]);
  });

  test('voiding again returns it unchanged', async () => {
    const before = await h.snapshot();
    expect(ok(await voidHold(id)).voidHold).toMatchObject({ id, status: 'VOIDED' });
    expect(await h.snapshot()).toEqual(before);
  });

  test('posting a voided hold is INVALID_STATE_TRANSITION and changes nothing', async () => {
    const before = await h.snapshot();
    const r = await postHold(id);
    expect(firstError(r).extensions).toMatchObject({ code: 'INVALID_STATE_TRANSITION', status: 'VOIDED' });
    expect(await h.snapshot()).toEqual(before);
    expect(await entriesOf(id)).toEqual([]);
  });
});

describe('refused holds change nothing', () => {
  const cases: [string, () => Promise<GqlBody<unknown>>, string][] = [
    ['beyond the available funds', () => createHold(hold('70.01')), 'INSUFFICIENT_FUNDS'],
    ['zero amount', () => createHold(hold('0')), 'BAD_USER_INPUT'],
    ['too many decimals', () => createHold(hold('1.001')), 'BAD_USER_INPUT'],
    [
      'a kind that is not a saga step (TRANSFER)',
      () => createHold({ ...hold('1.00'), kind: 'TRANSFER' }),
      'BAD_USER_INPUT',
    ],
    [
      'an unknown destination',
      () => createHold({ ...hold('1.00'), toAccountId: '00000000-0000-4000-8000-000000000000' }),
      'NOT_FOUND',
    ],
    ['the same account on both sides', () => createHold({ ...hold('1.00'), toAccountId: a }), 'BAD_USER_INPUT'],
    ['postHold of an unknown transaction', () => postHold('00000000-0000-4000-8000-000000000000'), 'NOT_FOUND'],
    ['voidHold of a malformed id', () => voidHold('nope'), 'BAD_USER_INPUT'],
  ];

  test.each(cases)('%s', async (_name, run, code) => {
    const before = await h.snapshot();
    expect(codeOf(await run())).toBe(code);
    expect(await h.snapshot()).toEqual(before);
  });

  test('two holds that together exceed the available funds: the second is refused', async () => {
    const first = ok(await createHold(hold('60.00'))).createHold;
    const before = await h.snapshot();
    expect(codeOf(await createHold(hold('10.01')))).toBe('INSUFFICIENT_FUNDS');
    expect(await h.snapshot()).toEqual(before);
    expect(ok(await voidHold(first.id)).voidHold.status).toBe('VOIDED');
  });

  test('a hold from a frozen account is ACCOUNT_NOT_ACTIVE', async () => {
    const carol = await h.user('carol');
    const c = await h.open(carol);
    await h.deposit(carol, c, '10.00');
    const admin = await h.admin();
    ok(await h.request(FreezeAccountDocument, { id: c }, admin.token));
    const before = await h.snapshot();
    expect(codeOf(await createHold({ ...hold('1.00'), fromAccountId: c }))).toBe('ACCOUNT_NOT_ACTIVE');
    expect(await h.snapshot()).toEqual(before);
  });

  test('voiding an ordinary posted transfer is INVALID_STATE_TRANSITION', async () => {
    const t = ok(
      await h.request(
        TransferDocument,
        { input: { fromAccountId: a, toAccountId: b, amount: '1.00', idempotencyKey: key() } },
        alice.token,
      ),
    ).transfer;
    const before = await h.snapshot();
    expect(codeOf(await voidHold(t.id))).toBe('INVALID_STATE_TRANSITION');
    expect(await h.snapshot()).toEqual(before);
  });
});

describe('idempotency of createHold', () => {
  test('the same key returns the first hold; another amount under it is IDEMPOTENCY_KEY_REUSED', async () => {
    const k = key('saga-step');
    const first = ok(await createHold(hold('5.00', k))).createHold;
    const before = await h.snapshot();
    const again = ok(await createHold(hold('5.00', k))).createHold;
    expect(again).toEqual(first);
    expect(await h.snapshot()).toEqual(before);
    expect(codeOf(await createHold(hold('5.01', k)))).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await h.snapshot()).toEqual(before);
    // Another service's key space is its own.
    const lending = ok(await createHold(hold('5.00', k), 'lending')).createHold;
    expect(lending.id).not.toBe(first.id);
    expect((await h.account(a)).held).toBe(1_000n);
    ok(await voidHold(first.id));
    ok(await voidHold(lending.id));
    expect((await h.account(a)).held).toBe(0n);
  });
});

describe('races between settlements', () => {
  test('10 concurrent postHold: one posting, every answer the same POSTED transaction', async () => {
    const id = ok(await createHold(hold('4.00'))).createHold.id;
    const results = await Promise.all(Array.from({ length: 10 }, () => postHold(id)));
    for (const r of results) expect(ok(r).postHold).toMatchObject({ id, status: 'POSTED' });
    expect(await entriesOf(id)).toHaveLength(2);
    expect(await h.invariants()).toEqual(SOUND_LEDGER);
  });

  test('post and void racing: exactly one wins, the other is INVALID_STATE_TRANSITION', async () => {
    for (let i = 0; i < 5; i += 1) {
      const id = ok(await createHold(hold('1.00'))).createHold.id;
      const [p, v] = await Promise.all([postHold(id), voidHold(id)]);
      const outcomes = [codeOf(p) ?? p.data?.postHold.status, codeOf(v) ?? v.data?.voidHold.status].sort();
      expect([
        ['INVALID_STATE_TRANSITION', 'POSTED'],
        ['INVALID_STATE_TRANSITION', 'VOIDED'],
      ]).toContainEqual(outcomes);
      const [row] = await h.sql<{ status: string }>('select status from transactions where id = ?', [id]);
      expect(outcomes).toContain(row?.status);
      expect(await entriesOf(id)).toHaveLength(row?.status === 'POSTED' ? 2 : 0);
    }
    expect(await h.invariants()).toEqual(SOUND_LEDGER);
  });
});

describe('only internal services may hold', () => {
  test('a user calling createHold directly on the subgraph with a router-signed header: FORBIDDEN, nothing written', async () => {
    const before = await h.snapshot();
    const r = await h.asRouter<{ createHold: HoldView }>(CREATE_HOLD, { input: hold('1.00') }, alice.caller);
    expect(codeOf(r)).toBe('FORBIDDEN');
    expect(r.data ?? null).toBeNull();
    expect(await h.snapshot()).toEqual(before);
  });

  test('a user, even an ADMIN, cannot post or void a hold directly: FORBIDDEN', async () => {
    const id = ok(await createHold(hold('2.00'))).createHold.id;
    const admin = await h.admin();
    const before = await h.snapshot();
    expect(codeOf(await h.asRouter(POST_HOLD, { id }, alice.caller))).toBe('FORBIDDEN');
    expect(codeOf(await h.asRouter(VOID_HOLD, { id }, admin.caller))).toBe('FORBIDDEN');
    expect(await h.snapshot()).toEqual(before);
    ok(await voidHold(id));
  });

  test('without any header the subgraph refuses the request (401 UNAUTHENTICATED)', async () => {
    const before = await h.snapshot();
    const r = await h.direct(CREATE_HOLD, { input: hold('1.00') }, undefined);
    expect(r.status).toBe(401);
    expect(codeOf(r.body)).toBe('UNAUTHENTICATED');
    expect(await h.snapshot()).toEqual(before);
  });

  test('through the router the fields do not exist: GRAPHQL_VALIDATION_FAILED', async () => {
    const before = await h.snapshot();
    for (const [query, variables] of [
      [CREATE_HOLD, { input: hold('1.00') }],
      [POST_HOLD, { id: '00000000-0000-4000-8000-000000000000' }],
      [VOID_HOLD, { id: '00000000-0000-4000-8000-000000000000' }],
    ] as const) {
      const r = await h.routerRaw(query, variables, alice.token);
      expect(codeOf(r)).toBe('GRAPHQL_VALIDATION_FAILED');
    }
    expect(await h.snapshot()).toEqual(before);
  });

  test('the ledger is sound', async () => {
    expect(await h.invariants()).toEqual(SOUND_LEDGER);
  });
});
