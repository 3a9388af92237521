/**
 * A page of an account's transactions reads about a page of rows, however
 * long the account's history and the ledger: the statement that serves
 * `transactions(first: N)` (services/history.ts) is run under EXPLAIN ANALYZE
 * on banking's real schema (its migrations), holding a ledger of 20,000
 * transactions of which 4,000 touch one busy account, and the rows its scans
 * of `transactions` return are counted. Reading the busy account's history
 * under one `from = a or to = a` condition returned thousands of them.
 */
import pg from 'pg';
import { numbered } from '../platform/orm.ts';
import { transactionPagesStatement } from '../subgraphs/banking/src/services/history.ts';
import { banking } from '../subgraphs/banking/src/main.ts';
import { createTestDatabases, migrateDatabase, type TestDatabases } from './support/databases.ts';

const BUSY = '00000000-0000-4000-8000-000000000001';
const QUIET = '00000000-0000-4000-8000-000000000002';
/** The other accounts, as SQL: payers from ...1000 to ...1996, payees from ...3000 to ...3991 (never the same). */
const OTHER = (base: number, expression: string) =>
  `('00000000-0000-4000-8000-' || lpad((${base} + ${expression})::text, 12, '0'))::uuid`;
const TRANSACTIONS = 20_000;

let databases: TestDatabases;
let client: pg.Client;

beforeAll(async () => {
  databases = await createTestDatabases(['banking']);
  const url = databases.urls.banking!;
  await migrateDatabase(url, banking.database);
  client = new pg.Client({ connectionString: url });
  await client.connect();
  // Rows as the ledger writes them (a transaction, an entry for each side), without the accounts: the statement
  // reads only these two tables. Every 10th transaction is paid by the busy account and every other 5th paid to
  // it; two, far apart, are paid by the quiet account; the rest move between other accounts.
  await client.query(
    `insert into transactions (id, seq, kind, status, amount, currency, from_account_id, to_account_id, description,
                               initiated_by, created_at, posted_at)
     select gen_random_uuid(), g, 'TRANSFER', 'POSTED', 100, 'USD',
            case when g % 10 = 0 then $1::uuid when g in (7, 19997) then $2::uuid else ${OTHER(1000, 'g % 997')} end,
            case when g % 10 <> 0 and g % 5 = 0 then $1::uuid else ${OTHER(3000, '(g * 31) % 991')} end,
            null, 'test', now() - ($3 - g) * interval '1 minute', now()
       from generate_series(1, $3) g`,
    [BUSY, QUIET, TRANSACTIONS],
  );
  await client.query(
    `insert into entries (transaction_id, account_id, amount, currency, category, tags, posted_at)
     select id, account_id, amount, currency, 'OTHER', '{}', posted_at
       from (select id, from_account_id as account_id, -amount as amount, currency, posted_at from transactions
             union all
             select id, to_account_id, amount, currency, posted_at from transactions) sides
      order by id`,
  );
  await client.query('analyze transactions; analyze entries');
}, 120_000);

afterAll(async () => {
  await client?.end();
  await databases?.drop();
});

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Actual Rows': number;
  'Actual Loops': number;
  'Rows Removed by Filter'?: number;
  Plans?: PlanNode[];
}

/** The page statement for `accounts`, `rows` at most each, no conditions, in pg's numbered parameters. */
function pageStatement(accounts: string[], rows: number): { text: string; values: unknown[] } {
  const { sql, values } = transactionPagesStatement(accounts, '', [], rows);
  return { text: numbered(sql), values };
}

/** Rows the scans of `transactions` produced or filtered out, over all their loops, and the page's rows. */
async function rowsRead(accounts: string[], first: number): Promise<{ read: number; returned: number }> {
  const { text, values } = pageStatement(accounts, first + 1);
  const { rows } = await client.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(
    `explain (analyze, format json) ${text}`,
    values,
  );
  let read = 0;
  const visit = (node: PlanNode) => {
    if (node['Relation Name'] === 'transactions') {
      read += (node['Actual Rows'] + (node['Rows Removed by Filter'] ?? 0)) * node['Actual Loops'];
    }
    for (const child of node.Plans ?? []) visit(child);
  };
  const plan = rows[0]!['QUERY PLAN'][0].Plan;
  visit(plan);
  return { read, returned: plan['Actual Rows'] };
}

test('the busy account has the history this test means', async () => {
  const { rows } = await client.query<{ n: string }>(
    'select count(*)::text as n from transactions where from_account_id = $1 or to_account_id = $1',
    [BUSY],
  );
  expect(Number(rows[0]!.n)).toBe(TRANSACTIONS * 0.2);
});

test.each([
  ['the busy account', [BUSY], 20],
  ['the quiet account (two transactions, far apart)', [QUIET], 20],
  ['both at once, as a dashboard reads them', [BUSY, QUIET], 20],
])('a page of %s reads about a page of rows', async (_label, accounts, first) => {
  const { read, returned } = await rowsRead(accounts, first);
  const wanted = accounts.includes(BUSY) ? first + 1 : 0;
  expect(returned).toBe(wanted + (accounts.includes(QUIET) ? 2 : 0));
  // Each side of each account stops at the page's size.
  expect(read).toBeLessThanOrEqual(accounts.length * 2 * (first + 1));
});

test('the page holds the newest transactions of both sides, newest first', async () => {
  const { text, values } = pageStatement([BUSY], 21);
  const { rows } = await client.query<{ seq: string }>(text, values);
  const expected = await client.query<{ seq: string }>(
    `select seq::text from transactions where from_account_id = $1 or to_account_id = $1 order by transactions.seq desc limit 21`,
    [BUSY],
  );
  expect(rows.map((r) => String(r.seq))).toEqual(expected.rows.map((r) => r.seq));
});
