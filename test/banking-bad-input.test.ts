/**
 * Bad input gets a clear error and changes nothing: every refusal below is
 * checked for its catalogued code (and field or reason where the API gives
 * one) AND for an untouched ledger (balances, held amounts, statuses,
 * transactions, entries, idempotency records, outbox events).
 */
import {
  AccountDocument,
  DepositDocument,
  FreezeAccountDocument,
  OpenAccountDocument,
  TransferDocument,
  UnfreezeAccountDocument,
  WithdrawDocument,
} from './generated/operations.ts';
import {
  SOUND_LEDGER,
  codeOf,
  firstError,
  key,
  ok,
  startBank,
  type BankHarness,
  type GqlBody,
  type Party,
} from '../subgraphs/banking/test/support.ts';

let h: BankHarness;
let alice: Party;
let bob: Party;
let admin: Party;
/** alice: USD checking with 1000.00 */
let usd: string;
/** alice: USD savings, empty */
let usd2: string;
/** alice: EUR with 100.00 */
let eur: string;
/** alice: JPY with 5000 */
let jpy: string;
/** bob: JPY, empty */
let bobJpy: string;
/** bob: USD with 100.00 */
let bobUsd: string;
/** alice: USD with 50.00, FROZEN by an admin */
let frozen: string;
/** alice: USD, CLOSED (set in the database: the API has no closing yet) */
let closed: string;
let cashUsd: string;

const UNKNOWN = '00000000-0000-4000-8000-000000000000';

beforeAll(async () => {
  h = await startBank();
  alice = await h.user('alice');
  bob = await h.user('bob');
  admin = await h.admin();
  usd = await h.open(alice);
  usd2 = await h.open(alice, 'USD', 'SAVINGS');
  eur = await h.open(alice, 'EUR');
  jpy = await h.open(alice, 'JPY');
  bobJpy = await h.open(bob, 'JPY');
  bobUsd = await h.open(bob);
  frozen = await h.open(alice);
  closed = await h.open(alice);
  await h.deposit(alice, usd, '1000.00');
  await h.deposit(alice, eur, '100.00');
  await h.deposit(alice, jpy, '5000');
  await h.deposit(bob, bobUsd, '100.00');
  await h.deposit(alice, frozen, '50.00');
  ok(await h.request(FreezeAccountDocument, { id: frozen }, admin.token));
  await h.sql(`update accounts set status = 'CLOSED' where id = ?`, [closed]);
  cashUsd = await h.cashAccount('USD');
});
afterAll(async () => {
  await h?.close();
});

type Result = GqlBody<unknown>;
interface Refusal {
  run: () => Promise<Result>;
  code: string;
  /** Expected `extensions` entries beside the code (field, reason...). */
  extensions?: Record<string, unknown>;
}

const deposit = (accountId: string, amount: string, extra: Record<string, string> = {}, token = alice.token) =>
  h.request(DepositDocument, { input: { accountId, amount, idempotencyKey: key(), ...extra } }, token);
const withdraw = (accountId: string, amount: string, token = alice.token) =>
  h.request(WithdrawDocument, { input: { accountId, amount, idempotencyKey: key() } }, token);
const transfer = (fromAccountId: string, toAccountId: string, amount: string, token = alice.token) =>
  h.request(TransferDocument, { input: { fromAccountId, toAccountId, amount, idempotencyKey: key() } }, token);
const DEPOSIT_TEXT = 'mutation D($input: DepositInput!) { deposit(input: $input) { id } }';
/** A deposit whose amount is sent as any JSON value, bypassing the typed documents. */
const depositRaw = (amount: unknown) =>
  h.routerRaw(DEPOSIT_TEXT, { input: { accountId: usd, amount, idempotencyKey: key() } }, alice.token);

const refusals: Record<string, Refusal> = {
  // Amounts
  'deposit of zero': {
    run: () => deposit(usd, '0'),
    code: 'BAD_USER_INPUT',
    extensions: { field: 'amount', reason: 'NOT_POSITIVE' },
  },
  'deposit of 0.00': {
    run: () => deposit(usd, '0.00'),
    code: 'BAD_USER_INPUT',
    extensions: { reason: 'NOT_POSITIVE' },
  },
  'deposit of a negative amount': {
    run: () => deposit(usd, '-5.00'),
    code: 'BAD_USER_INPUT',
    extensions: { reason: 'NOT_POSITIVE' },
  },
  'withdrawal of a negative amount': {
    run: () => withdraw(usd, '-5.00'),
    code: 'BAD_USER_INPUT',
    extensions: { reason: 'NOT_POSITIVE' },
  },
  'transfer of a negative amount': {
    run: () => transfer(usd, bobUsd, '-0.01'),
    code: 'BAD_USER_INPUT',
    extensions: { reason: 'NOT_POSITIVE' },
  },
  'transfer of zero': {
    run: () => transfer(usd, bobUsd, '0'),
    code: 'BAD_USER_INPUT',
    extensions: { reason: 'NOT_POSITIVE' },
  },
  '1.001 USD (three decimals)': {
    run: () => deposit(usd, '1.001'),
    code: 'BAD_USER_INPUT',
    extensions: { field: 'amount', reason: 'PRECISION' },
  },
  '1.000 USD (three decimals, even zeros)': {
    run: () => deposit(usd, '1.000'),
    code: 'BAD_USER_INPUT',
    extensions: { reason: 'PRECISION' },
  },
  'withdrawal of 0.001 USD': {
    run: () => withdraw(usd, '0.001'),
    code: 'BAD_USER_INPUT',
    extensions: { reason: 'PRECISION' },
  },
  '12.5 JPY': { run: () => deposit(jpy, '12.5'), code: 'BAD_USER_INPUT', extensions: { reason: 'PRECISION' } },
  '12.0 JPY': { run: () => deposit(jpy, '12.0'), code: 'BAD_USER_INPUT', extensions: { reason: 'PRECISION' } },
  'transfer of 12.5 JPY': {
    run: () => transfer(jpy, bobJpy, '12.5'),
    code: 'BAD_USER_INPUT',
    extensions: { reason: 'PRECISION' },
  },
  '100000000000000 USD (10^14)': {
    run: () => deposit(usd, '100000000000000'),
    code: 'BAD_USER_INPUT',
    extensions: { reason: 'TOO_LARGE' },
  },
  '10000000000000.01 USD (just over 10^13)': {
    run: () => deposit(usd, '10000000000000.01'),
    code: 'BAD_USER_INPUT',
    extensions: { reason: 'TOO_LARGE' },
  },
  '99999999999999999999 JPY': {
    run: () => deposit(jpy, '99999999999999999999'),
    code: 'BAD_USER_INPUT',
    extensions: { reason: 'TOO_LARGE' },
  },
  'transfer of 10^14': {
    run: () => transfer(usd, bobUsd, '100000000000000'),
    code: 'BAD_USER_INPUT',
    extensions: { reason: 'TOO_LARGE' },
  },
  'non-numeric "abc"': { run: () => depositRaw('abc'), code: 'BAD_USER_INPUT' },
  'exponent "1e3"': { run: () => depositRaw('1e3'), code: 'BAD_USER_INPUT' },
  'thousands separator "1,000"': { run: () => depositRaw('1,000'), code: 'BAD_USER_INPUT' },
  'number as JSON (12.5 unquoted)': { run: () => depositRaw(12.5), code: 'BAD_USER_INPUT' },
  // Accounts
  'deposit into an unknown account': {
    run: () => deposit(UNKNOWN, '1.00'),
    code: 'NOT_FOUND',
    extensions: { field: 'accountId' },
  },
  'withdrawal from an unknown account': { run: () => withdraw(UNKNOWN, '1.00'), code: 'NOT_FOUND' },
  'transfer from an unknown account': {
    run: () => transfer(UNKNOWN, usd, '1.00'),
    code: 'NOT_FOUND',
    extensions: { field: 'fromAccountId' },
  },
  'transfer to an unknown account': {
    run: () => transfer(usd, UNKNOWN, '1.00'),
    code: 'NOT_FOUND',
    extensions: { field: 'toAccountId' },
  },
  'deposit with a malformed account id': {
    run: () => deposit('not-a-uuid', '1.00'),
    code: 'BAD_USER_INPUT',
    extensions: { field: 'accountId' },
  },
  'transfer with a malformed source id': {
    run: () => transfer('42', usd, '1.00'),
    code: 'BAD_USER_INPUT',
    extensions: { field: 'fromAccountId' },
  },
  'transfer with a malformed destination id': {
    run: () => transfer(usd, 'x', '1.00'),
    code: 'BAD_USER_INPUT',
    extensions: { field: 'toAccountId' },
  },
  'transfer USD → EUR': { run: () => transfer(usd, eur, '1.00'), code: 'CURRENCY_MISMATCH' },
  'transfer EUR → USD': { run: () => transfer(eur, usd, '1.00'), code: 'CURRENCY_MISMATCH' },
  'transfer to the same account': {
    run: () => transfer(usd, usd, '1.00'),
    code: 'BAD_USER_INPUT',
    extensions: { field: 'toAccountId' },
  },
  'transfer to the same account, its id in upper case': {
    run: () => transfer(usd, usd.toUpperCase(), '1.00'),
    code: 'BAD_USER_INPUT',
    extensions: { field: 'toAccountId' },
  },
  'withdrawal beyond the balance': {
    run: () => withdraw(usd, '1000.01'),
    code: 'INSUFFICIENT_FUNDS',
    extensions: { available: '1000.00' },
  },
  'transfer beyond the balance': { run: () => transfer(usd, bobUsd, '1000.01'), code: 'INSUFFICIENT_FUNDS' },
  'withdrawal from an empty account': {
    run: () => withdraw(usd2, '0.01'),
    code: 'INSUFFICIENT_FUNDS',
    extensions: { available: '0.00' },
  },
  'withdrawal of 10^13 (the largest amount) is only INSUFFICIENT_FUNDS': {
    run: () => withdraw(usd, '10000000000000'),
    code: 'INSUFFICIENT_FUNDS',
  },
  'withdrawal from a frozen account': {
    run: () => withdraw(frozen, '1.00'),
    code: 'ACCOUNT_NOT_ACTIVE',
    extensions: { status: 'FROZEN' },
  },
  'transfer from a frozen account': {
    run: () => transfer(frozen, usd, '1.00'),
    code: 'ACCOUNT_NOT_ACTIVE',
    extensions: { status: 'FROZEN' },
  },
  'transfer to a closed account': {
    run: () => transfer(usd, closed, '1.00'),
    code: 'ACCOUNT_NOT_ACTIVE',
    extensions: { status: 'CLOSED' },
  },
  'deposit into a closed account': {
    run: () => deposit(closed, '1.00'),
    code: 'ACCOUNT_NOT_ACTIVE',
    extensions: { status: 'CLOSED' },
  },
  "someone else's account as the source": {
    run: () => transfer(bobUsd, usd, '1.00'),
    code: 'NOT_FOUND',
    extensions: { field: 'fromAccountId' },
  },
  "withdrawal from someone else's account": { run: () => withdraw(bobUsd, '1.00'), code: 'NOT_FOUND' },
  "deposit into someone else's account": {
    run: () => deposit(bobUsd, '1.00'),
    code: 'NOT_FOUND',
    extensions: { field: 'accountId' },
  },
  'deposit into the SYSTEM cash account': { run: () => deposit(cashUsd, '1.00'), code: 'NOT_FOUND' },
  'transfer to the SYSTEM cash account': {
    run: () => transfer(usd, cashUsd, '1.00'),
    code: 'NOT_FOUND',
    extensions: { field: 'toAccountId' },
  },
  'withdrawal from the SYSTEM cash account': { run: () => withdraw(cashUsd, '1.00'), code: 'NOT_FOUND' },
  // Keys and descriptions
  'empty idempotency key': {
    run: () => deposit(usd, '1.00', { idempotencyKey: '' }),
    code: 'BAD_USER_INPUT',
    extensions: { field: 'idempotencyKey' },
  },
  'idempotency key of 101 characters': {
    run: () => deposit(usd, '1.00', { idempotencyKey: 'k'.repeat(101) }),
    code: 'BAD_USER_INPUT',
    extensions: { field: 'idempotencyKey' },
  },
  'idempotency key with a space': {
    run: () => deposit(usd, '1.00', { idempotencyKey: 'a b' }),
    code: 'BAD_USER_INPUT',
    extensions: { field: 'idempotencyKey' },
  },
  'description of 201 characters': {
    run: () => deposit(usd, '1.00', { description: 'd'.repeat(201) }),
    code: 'BAD_USER_INPUT',
    extensions: { field: 'description' },
  },
  'transfer description of 201 characters': {
    run: () =>
      h.request(
        TransferDocument,
        {
          input: {
            fromAccountId: usd,
            toAccountId: bobUsd,
            amount: '1.00',
            idempotencyKey: key(),
            description: 'é'.repeat(201),
          },
        },
        alice.token,
      ),
    code: 'BAD_USER_INPUT',
    extensions: { field: 'description' },
  },
  // Accounts and roles
  'BUSINESS account by a CUSTOMER': {
    run: () => h.request(OpenAccountDocument, { input: { type: 'BUSINESS', currency: 'USD' } }, alice.token),
    code: 'FORBIDDEN',
    extensions: { field: 'type' },
  },
  'nickname of 61 characters': {
    run: () =>
      h.request(
        OpenAccountDocument,
        { input: { type: 'CHECKING', currency: 'USD', nickname: 'n'.repeat(61) } },
        alice.token,
      ),
    code: 'BAD_USER_INPUT',
  },
  'freeze by the owner (not ADMIN)': {
    run: () => h.request(FreezeAccountDocument, { id: usd }, alice.token),
    code: 'FORBIDDEN',
  },
  'unfreeze by the owner (not ADMIN)': {
    run: () => h.request(UnfreezeAccountDocument, { id: frozen }, alice.token),
    code: 'FORBIDDEN',
  },
  'freeze of a closed account by an ADMIN': {
    run: () => h.request(FreezeAccountDocument, { id: closed }, admin.token),
    code: 'BAD_USER_INPUT',
  },
  'freeze of an unknown account by an ADMIN': {
    run: () => h.request(FreezeAccountDocument, { id: UNKNOWN }, admin.token),
    code: 'NOT_FOUND',
  },
  // Nobody signed in
  'anonymous deposit': {
    run: () => h.request(DepositDocument, { input: { accountId: usd, amount: '1.00', idempotencyKey: key() } }),
    code: 'UNAUTHENTICATED',
  },
  'anonymous transfer': {
    run: () =>
      h.request(TransferDocument, {
        input: { fromAccountId: usd, toAccountId: bobUsd, amount: '1.00', idempotencyKey: key() },
      }),
    code: 'UNAUTHENTICATED',
  },
  'anonymous account opening': {
    run: () => h.request(OpenAccountDocument, { input: { type: 'CHECKING', currency: 'USD' } }),
    code: 'UNAUTHENTICATED',
  },
};

describe('each refusal has its code and leaves the ledger untouched', () => {
  test.each(Object.keys(refusals))('%s', async (name) => {
    const refusal = refusals[name] as Refusal;
    const before = await h.snapshot();
    const result = await refusal.run();
    const error = firstError(result);
    expect({ code: error.extensions.code, ...pick(error.extensions, refusal.extensions) }).toEqual({
      code: refusal.code,
      ...refusal.extensions,
    });
    expect(await h.snapshot()).toEqual(before);
  });
});

function pick(
  extensions: Record<string, unknown>,
  wanted: Record<string, unknown> | undefined,
): Record<string, unknown> {
  return Object.fromEntries(Object.keys(wanted ?? {}).map((k) => [k, extensions[k]]));
}

describe('the subgraph itself answers malformed amounts with BAD_USER_INPUT', () => {
  // The same documents as above, sent straight to the banking subgraph as the router would send them:
  // the subgraph gets them right, so an INTERNAL_SERVER_ERROR through the router comes from the router.
  test.each([['abc'], ['1e3'], [12.5]])('%p', async (amount) => {
    const before = await h.snapshot();
    const r = await h.asRouter(
      DEPOSIT_TEXT,
      { input: { accountId: usd, amount, idempotencyKey: key() } },
      alice.caller,
    );
    expect(codeOf(r)).toBe('BAD_USER_INPUT');
    expect(await h.snapshot()).toEqual(before);
  });
});

test('an amount written as a number literal in the document is a client error, not an internal one', async () => {
  const before = await h.snapshot();
  const r = await h.routerRaw(
    `mutation { deposit(input: { accountId: "${usd}", amount: 12.5, idempotencyKey: "${key()}" }) { id } }`,
    {},
    alice.token,
  );
  expect(['BAD_USER_INPUT', 'GRAPHQL_VALIDATION_FAILED']).toContain(codeOf(r));
  expect(await h.snapshot()).toEqual(before);
});

describe('the boundaries that are accepted', () => {
  test('12 JPY is a fine amount', async () => {
    const r = ok(await deposit(jpy, '12')).deposit;
    expect(r.amount).toEqual({ amount: '12', currency: 'JPY' });
    expect((await h.account(jpy)).balance).toBe(5012n);
  });

  test('a 100-character key and a 200-character description are accepted', async () => {
    const idempotencyKey = `K${'k'.repeat(99)}`;
    const description = 'd'.repeat(200);
    const r = ok(await deposit(usd2, '0.01', { idempotencyKey, description })).deposit;
    expect(r.description).toBe(description);
    expect((await h.account(usd2)).balance).toBe(1n);
  });

  test('account ids in upper case name the same accounts, and a retry in the other case is the same request', async () => {
    const idempotencyKey = key();
    const send = (fromAccountId: string, toAccountId: string) =>
      h.request(
        TransferDocument,
        { input: { fromAccountId, toAccountId, amount: '1.00', idempotencyKey } },
        alice.token,
      );
    const before = (await h.account(usd2)).balance;
    const first = ok(await send(usd.toUpperCase(), usd2.toUpperCase())).transfer;
    expect(ok(await send(usd, usd2)).transfer.id).toBe(first.id);
    expect((await h.account(usd2)).balance).toBe(before + 100n);
    // Back, to another customer's account named in upper case.
    const toBob = ok(await transfer(usd2.toUpperCase(), bobUsd.toUpperCase(), '1.00')).transfer;
    expect(toBob.amount).toEqual({ amount: '1.00', currency: 'USD' });
    expect((await h.account(usd2)).balance).toBe(before);
  });

  test('withdrawing exactly the whole balance leaves zero', async () => {
    const carol = await h.user('carol');
    const acc = await h.open(carol);
    await h.deposit(carol, acc, '33.33');
    ok(await withdraw(acc, '33.33', carol.token));
    expect(ok(await h.request(AccountDocument, { id: acc }, carol.token)).account?.balance.amount).toBe('0.00');
  });

  test('a frozen account receives transfers and deposits but cannot send until unfrozen', async () => {
    ok(await transfer(usd, frozen, '5.00'));
    ok(await deposit(frozen, '5.00'));
    expect((await h.account(frozen)).balance).toBe(6000n);
    expect(codeOf(await withdraw(frozen, '1.00'))).toBe('ACCOUNT_NOT_ACTIVE');
    const unfrozen = ok(await h.request(UnfreezeAccountDocument, { id: frozen }, admin.token)).unfreezeAccount;
    expect(unfrozen.status).toBe('ACTIVE');
    ok(await withdraw(frozen, '60.00'));
    expect((await h.account(frozen)).balance).toBe(0n);
    const refrozen = ok(await h.request(FreezeAccountDocument, { id: frozen }, admin.token)).freezeAccount;
    expect(refrozen.status).toBe('FROZEN');
  });

  test('a BUSINESS_OWNER may open a BUSINESS account', async () => {
    const owner = await h.user('olga', 'BUSINESS_OWNER');
    const r = ok(await h.request(OpenAccountDocument, { input: { type: 'BUSINESS', currency: 'EUR' } }, owner.token));
    expect(r.openAccount).toMatchObject({ type: 'BUSINESS', currency: 'EUR', status: 'ACTIVE' });
  });

  test('the ledger is sound', async () => {
    expect(await h.invariants()).toEqual(SOUND_LEDGER);
  });
});
