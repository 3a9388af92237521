/**
 * The statement CSV, downloaded through the router with an access token:
 * the same figures as the GraphQL statement, only for the account's owner.
 */
import {
  DepositDocument,
  OpenAccountDocument,
  RegisterDocument,
  StatementDocument,
  TransferDocument,
} from './generated/operations.ts';
import { startTestStack, type TestStack } from './support/stack.ts';

let bank: TestStack;
let owner: string;
let stranger: string;
let accountId: string;
const month = new Date().toISOString().slice(0, 7);

async function signUp(email: string): Promise<string> {
  const r = await bank.request(RegisterDocument, {
    input: { email, password: 'correct horse battery staple', name: 'Csv', role: 'CUSTOMER' },
  });
  return r.data!.register.accessToken;
}

const download = (path: string, token?: string) =>
  fetch(new URL(path, bank.routerUrl), { headers: token ? { authorization: `Bearer ${token}` } : {} });

beforeAll(async () => {
  bank = await startTestStack();
  owner = await signUp('csv-owner@example.com');
  stranger = await signUp('csv-stranger@example.com');
  const open = (token: string) =>
    bank.request(OpenAccountDocument, { input: { type: 'CHECKING', currency: 'USD' } }, token);
  accountId = (await open(owner)).data!.openAccount.id;
  const other = (await open(stranger)).data!.openAccount.id;
  await bank.request(DepositDocument, { input: { accountId, amount: '250.00', idempotencyKey: 'csv-1' } }, owner);
  await bank.request(
    TransferDocument,
    {
      input: {
        fromAccountId: accountId,
        toAccountId: other,
        amount: '40.10',
        idempotencyKey: 'csv-2',
        description: '=cmd|" /C calc"!A0',
      },
    },
    owner,
  );
});
afterAll(async () => {
  await bank?.close();
});

test('the owner downloads the month as CSV, matching the GraphQL statement', async () => {
  const response = await download(`/statement.csv?accountId=${accountId}&month=${month}`, owner);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
  expect(response.headers.get('content-disposition')).toMatch(
    /^attachment; filename="statement-\d{4}-\d{4}-\d{2}\.csv"$/,
  );
  const rows = (await response.text()).trim().split('\r\n');
  const statement = (await bank.request(StatementDocument, { id: accountId, month }, owner)).data!.account!.statement;
  expect(rows[0]).toBe('row,posted_at,transaction_id,kind,description,amount,balance_after,currency');
  expect(rows[1]).toBe(`OPENING,,,,,,${statement.openingBalance.amount},USD`);
  // Totals as GraphQL gives them: both positive, debits subtracted.
  expect(statement.totalCredits.amount).toBe('250.00');
  expect(statement.totalDebits.amount).toBe('40.10');
  expect(rows.at(-3)).toBe(`CREDITS,,,,total money in,${statement.totalCredits.amount},,USD`);
  expect(rows.at(-2)).toBe(`DEBITS,,,,total money out,${statement.totalDebits.amount},,USD`);
  expect(rows.at(-1)).toBe(`CLOSING,,,,opening + credits - debits,,${statement.closingBalance.amount},USD`);
  expect(statement.closingBalance.amount).toBe('209.90');
  const entries = rows.filter((r) => r.startsWith('ENTRY,'));
  expect(entries).toHaveLength(statement.entries.length);
  // The formula in the description is neutralised.
  expect(entries[1]).toContain(`"'=cmd|"" /C calc""!A0"`);
});

test('without a token, with a bad token, or for someone else: refused, no data', async () => {
  const path = `/statement.csv?accountId=${accountId}&month=${month}`;
  const anonymous = await download(path);
  expect(anonymous.status).toBe(401);
  expect(((await anonymous.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe(
    'UNAUTHENTICATED',
  );
  expect((await download(path, 'not-a-token')).status).toBe(401);
  const foreign = await download(path, stranger);
  expect(foreign.status).toBe(404);
  expect(((await foreign.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe(
    'NOT_FOUND',
  );
});

test('a bad month is BAD_USER_INPUT (400)', async () => {
  const response = await download(`/statement.csv?accountId=${accountId}&month=2026-13`, owner);
  expect(response.status).toBe(400);
  const body = (await response.json()) as { errors: { extensions: { code: string; field: string } }[] };
  expect(body.errors[0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'month' });
});

test('the banking subgraph refuses a download that does not come through the router', async () => {
  const direct = await fetch(
    new URL(`/statement.csv?accountId=${accountId}&month=${month}`, bank.stack.subgraphs.banking!.url),
    {
      headers: { authorization: `Bearer ${owner}` },
    },
  );
  expect(direct.status).toBe(401);
});
