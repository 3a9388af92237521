/**
 * N+1 checks: the SQL statements of one request do not grow with the size of
 * the lists it reads.
 *
 * - The dashboard (bench/gateways/operations.ts `DASHBOARD`: accounts with
 *   their transactions, bills with billers, loan applications with their
 *   bankers, conversations with their last message) of a user with N of
 *   everything costs every subgraph the same number of statements for N = 2
 *   and N = 5. The bankers are asked with their `email` too (private to
 *   them and staff), so that identity is asked for them on every dashboard
 *   instead of the router's entity cache answering.
 * - Listing 10, 100 or 1,000 transactions of an account, each with both
 *   accounts and their owners (the owners come from the identity subgraph),
 *   issues the same number of SQL statements in each subgraph.
 * - A transfer costs banking its reads, one statement that writes
 *   everything, and the transaction control around them.
 *
 * Statements are counted where they leave for PostgreSQL: every subgraph's
 * ORM talks to its database through `pg` clients, whose `query`
 * test/support/statements.ts wraps (everything runs in this process),
 * attributing each statement to the database of the client that sends it.
 * That sees every statement: the ORM's own, raw SQL, and transaction
 * control. Background work that would blur the count (the outbox relays,
 * which poll) is stopped first.
 */
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { parse } from 'graphql';
import { DASHBOARD } from '../bench/gateways/operations.ts';
import { IMPLEMENTED_SUBGRAPHS } from '../bin/subgraphs.ts';
import type { SubgraphName } from '../platform/config.ts';
import {
  DepositDocument,
  LoginDocument,
  OpenAccountDocument,
  RegisterDocument,
  StatementCountTransactionsDocument,
  TransferDocument,
} from './generated/operations.ts';
import { addBill, dayFromToday } from './support/billing.ts';
import {
  balanceOf,
  bankerWithProfile,
  businessOwner,
  deposit,
  openAccount,
  submitApplication,
} from './support/lending.ts';
import { inParallel } from './support/parallel.ts';
import { must, signUp, startConversation, type SignedUp } from './support/people.ts';
import { postGraphQL, startTestStack, TEST_ADMIN, type TestStack } from './support/stack.ts';
import { statementsSentDuring } from './support/statements.ts';

const TRANSACTIONS = 1_000;
const PAGE_SIZES = [10, 100, 1_000] as const;
/** Requests in flight while creating the transactions. */
const CONCURRENCY = 16;

let bank: TestStack;

beforeAll(async () => {
  bank = await startTestStack();
});
afterAll(async () => {
  await bank?.close();
});

type Statements = Record<SubgraphName, string[]>;

/** Statements, as counted, that {@link countStatements} saw sent unprepared (transaction control aside). */
const unprepared = new Set<string>();

/** Those of `statements` sent unprepared. */
const unpreparedAmong = (statements: readonly string[]): string[] => statements.filter((s) => unprepared.has(s));

/** Runs `work` and returns the statements each subgraph's database received meanwhile. */
async function countStatements(work: () => Promise<void>): Promise<Statements> {
  const databaseOf = (name: SubgraphName) => new URL(bank.config.subgraphs[name].databaseUrl!).pathname.slice(1);
  const sent = await statementsSentDuring(work);
  const text = (sql: string) => sql.replace(/\s+/g, ' ').trim();
  for (const s of sent) {
    if (s.name === undefined && !/^(begin|commit|rollback)\b/i.test(s.sql)) unprepared.add(text(s.sql));
  }
  return Object.fromEntries(
    IMPLEMENTED_SUBGRAPHS.map((name) => [
      name,
      sent.filter((s) => s.database === databaseOf(name)).map((s) => text(s.sql)),
    ]),
  ) as Statements;
}

/**
 * Publishes what the outboxes hold, stops their relays, and waits until the
 * consumers of those events are done (a quarter of a second without a
 * statement): nothing else may talk to the databases while counting.
 */
async function quiesce(): Promise<void> {
  for (const subgraph of Object.values(bank.stack.subgraphs)) {
    await subgraph.outbox?.drain();
    await subgraph.outbox?.stop();
  }
  const deadline = Date.now() + 15_000;
  const quiet = async () =>
    Object.values(await countStatements(() => new Promise((resolve) => setTimeout(resolve, 250)))).every(
      (list) => list.length === 0,
    );
  while (!(await quiet()) && Date.now() < deadline);
}

/** The list sizes of the dashboard test: every list of the dashboard holds N items. */
const DASHBOARD_SIZES = [2, 5] as const;
/** The dashboard with the bankers' private `email`: their fetch to identity is never answered from the router's cache. */
const COUNTED_DASHBOARD = DASHBOARD.replace('banker { id name ', 'banker { id name email ');
/** Dashboards counted per size; the fewest statements of them count (a background job may add some to one). */
const DASHBOARD_RUNS = 3;

interface Dashboard {
  me: {
    accounts: { transactions: { edges: unknown[] } }[];
    bills: { biller: { name: string } }[];
    loanApplications: { edges: { node: { banker: { name: string; bankerProfile: unknown } | null } }[] };
    conversations: { edges: { node: { lastMessage: { body: string } | null } }[] };
  };
}

/**
 * A business owner with `n` accounts of `n` transactions each, `n` bills (each
 * to another biller), `n` loan applications and `n` conversations (each with
 * another of `bankers`).
 */
async function ownerWithDashboard(
  name: string,
  n: number,
  bankers: readonly SignedUp[],
  billerIds: readonly string[],
): Promise<SignedUp> {
  const url = bank.routerUrl;
  const owner = await businessOwner(url, name);
  const accounts = await Promise.all(Array.from({ length: n }, () => openAccount(url, owner, 'CHECKING')));
  await Promise.all(
    accounts.flatMap((id) => Array.from({ length: n }, (_, i) => deposit(url, owner, id, `${i + 1}0.00`))),
  );
  await Promise.all(
    billerIds.slice(0, n).map((billerId, i) => addBill(url, owner, { billerId, dueDate: dayFromToday(5 + i) })),
  );
  for (const banker of bankers.slice(0, n)) {
    await submitApplication(url, owner, banker);
    await startConversation(url, owner.token, {
      participantId: banker.id,
      subject: `Hello ${banker.name}`,
      body: 'Hi',
    });
  }
  return owner;
}

test('a dashboard costs each subgraph the same number of statements with 2 or 5 of everything', async () => {
  const url = bank.routerUrl;
  const bankers = await Promise.all(
    Array.from({ length: Math.max(...DASHBOARD_SIZES) }, (_, i) => bankerWithProfile(url, `banker${i}`)),
  );
  const { billers } = await must<{ billers: { id: string }[] }>(url, '{ billers { id } }', {}, bankers[0]!.token);
  const billerIds = billers.map((b) => b.id);
  const owners = new Map<number, SignedUp>();
  for (const n of DASHBOARD_SIZES) owners.set(n, await ownerWithDashboard(`owner${n}`, n, bankers, billerIds));
  await quiesce();

  const counted = new Map<number, Statements>();
  for (const n of DASHBOARD_SIZES) {
    const owner = owners.get(n)!;
    const dashboard = async () => {
      const r = await postGraphQL(url, COUNTED_DASHBOARD, {}, owner.token);
      expect(r.errors).toBeUndefined();
      const { me } = r.data as unknown as Dashboard;
      expect(me.accounts).toHaveLength(n);
      for (const account of me.accounts) expect(account.transactions.edges).toHaveLength(n);
      expect(me.bills).toHaveLength(n);
      expect(me.bills.every((b) => b.biller.name !== '')).toBe(true);
      expect(me.loanApplications.edges).toHaveLength(n);
      expect(me.loanApplications.edges.every((e) => e.node.banker?.bankerProfile)).toBe(true);
      expect(me.conversations.edges).toHaveLength(n);
      expect(me.conversations.edges.every((e) => e.node.lastMessage?.body === 'Hi')).toBe(true);
    };
    // Warm-up: the first query of a shape also plans it in the router.
    await dashboard();
    const runs: Statements[] = [];
    for (let i = 0; i < DASHBOARD_RUNS; i += 1) runs.push(await countStatements(dashboard));
    counted.set(
      n,
      Object.fromEntries(
        IMPLEMENTED_SUBGRAPHS.map((name) => [
          name,
          runs.map((r) => r[name]).reduce((a, b) => (b.length < a.length ? b : a)),
        ]),
      ) as Statements,
    );
  }

  const largest = counted.get(Math.max(...DASHBOARD_SIZES))!;
  console.log(
    [
      'SQL statements per dashboard, by subgraph:',
      ...DASHBOARD_SIZES.map(
        (n) => `  N=${n}: ${IMPLEMENTED_SUBGRAPHS.map((name) => `${name} ${counted.get(n)![name].length}`).join(', ')}`,
      ),
      ...IMPLEMENTED_SUBGRAPHS.filter((name) => largest[name].length > 0).map(
        (name) =>
          `  ${name} (N=${Math.max(...DASHBOARD_SIZES)}): ${largest[name].map((s) => s.slice(0, 70)).join(' | ')}`,
      ),
    ].join('\n'),
  );
  for (const name of ['identity', 'banking', 'billing', 'lending', 'messaging'] as const) {
    expect(counted.get(DASHBOARD_SIZES[0])![name].length).toBeGreaterThan(0);
  }
  expect(COUNTED_DASHBOARD).not.toBe(DASHBOARD);
  const bySubgraph = (n: number) =>
    Object.fromEntries(IMPLEMENTED_SUBGRAPHS.map((name) => [name, counted.get(n)![name].length]));
  for (const n of DASHBOARD_SIZES) expect(bySubgraph(n)).toEqual(bySubgraph(DASHBOARD_SIZES[0]));
  // Billing reads the bills with their billers, messaging the conversations with their last messages and unread
  // counts: one statement each.
  expect(bySubgraph(DASHBOARD_SIZES[0])).toMatchObject({ billing: 1, messaging: 1 });
  // Every statement of a dashboard (those counted above: a background job's of another run are not) is prepared on
  // its connection: PostgreSQL plans each shape once per connection.
  expect(
    DASHBOARD_SIZES.flatMap((n) => IMPLEMENTED_SUBGRAPHS.flatMap((name) => unpreparedAmong(counted.get(n)![name]))),
  ).toEqual([]);
}, 120_000);

test('listing 10, 100 and 1,000 transactions with their accounts and owners costs the same number of statements', async () => {
  const register = async (name: string) => {
    const r = await bank.request(RegisterDocument, {
      input: { email: `${name}@example.com`, password: 'correct horse battery staple', name, role: 'CUSTOMER' },
    });
    expect(r.errors).toBeUndefined();
    return r.data!.register;
  };
  const open = async (token: string) => {
    const r = await bank.request(OpenAccountDocument, { input: { type: 'CHECKING', currency: 'USD' } }, token);
    expect(r.errors).toBeUndefined();
    return r.data!.openAccount.id;
  };
  const deposit = async (token: string, accountId: string, key: string) => {
    const r = await bank.request(
      DepositDocument,
      { input: { accountId, amount: '10000.00', idempotencyKey: key } },
      token,
    );
    expect(r.errors).toBeUndefined();
  };

  // The viewed account belongs to `owner`; money flows in from, and out to, accounts of 4 other users and
  // the owner's second account, so each page holds several accounts and several owners.
  const [owner, ...others] = await Promise.all(['owner', 'payer1', 'payer2', 'payer3', 'payer4'].map(register));
  const main = await open(owner!.accessToken);
  const second = await open(owner!.accessToken);
  const counterparts = [
    { token: owner!.accessToken, id: second },
    ...(await Promise.all(others.map(async (u) => ({ token: u.accessToken, id: await open(u.accessToken) })))),
  ];
  await deposit(owner!.accessToken, main, 'fund-main');
  await Promise.all(counterparts.map((c, i) => deposit(c.token, c.id, `fund-${i}`)));

  await inParallel(TRANSACTIONS, CONCURRENCY, async (i) => {
    const counterpart = counterparts[i % counterparts.length]!;
    const outgoing = i % 3 === 0;
    const r = await bank.request(
      TransferDocument,
      {
        input: {
          fromAccountId: outgoing ? main : counterpart.id,
          toAccountId: outgoing ? counterpart.id : main,
          amount: `${1 + (i % 50)}.00`,
          idempotencyKey: `t-${i}`,
        },
      },
      outgoing ? owner!.accessToken : counterpart.token,
    );
    expect(r.errors).toBeUndefined();
  });

  await quiesce();

  const admin = await bank.request(LoginDocument, TEST_ADMIN);
  expect(admin.errors).toBeUndefined();
  const viewers = { owner: owner!.accessToken, admin: admin.data!.login.accessToken };

  const results: Record<string, Record<number, Statements>> = {};
  for (const [viewer, token] of Object.entries(viewers)) {
    // Warm-up: the first query of a shape also plans it in the router.
    await bank.request(StatementCountTransactionsDocument, { id: main, first: 10 }, token);
    results[viewer] = {};
    for (const first of PAGE_SIZES) {
      results[viewer][first] = await countStatements(async () => {
        const r = await bank.request(StatementCountTransactionsDocument, { id: main, first }, token);
        expect(r.errors).toBeUndefined();
        const edges = r.data!.account!.transactions.edges;
        expect(edges).toHaveLength(first);
        const owners = new Set<string>();
        for (const { node } of edges) {
          const sides = [node.fromAccount, node.toAccount];
          expect(sides.filter((a) => a?.id === main)).toHaveLength(1);
          for (const account of sides) {
            // The owner sees their own accounts only; an ADMIN sees every account.
            const visible = viewer === 'admin' || account?.id === main || account?.id === second;
            if (!visible) continue;
            expect(account?.owner.name).toEqual(expect.any(String));
            owners.add(account!.owner.id);
          }
        }
        if (viewer === 'admin' && first >= 100) expect(owners.size).toBe(5);
      });
    }
  }

  const lines: string[] = ['SQL statements per query (transactions(first: N) with accounts and owners):'];
  for (const [viewer, byN] of Object.entries(results)) {
    for (const first of PAGE_SIZES) {
      const r = byN[first]!;
      lines.push(`  as ${viewer}, N=${first}: banking ${r.banking.length}, identity ${r.identity.length}`);
    }
    lines.push(
      `  as ${viewer}, banking statements: ${byN[1_000]!.banking.map((s) => s.slice(0, 80)).join(' | ')}`,
      `  as ${viewer}, identity statements: ${byN[1_000]!.identity.map((s) => s.slice(0, 80)).join(' | ')}`,
    );
  }
  console.log(lines.join('\n'));

  for (const byN of Object.values(results)) {
    const banking = PAGE_SIZES.map((n) => byN[n]!.banking.length);
    const identity = PAGE_SIZES.map((n) => byN[n]!.identity.length);
    expect(banking[0]).toBeGreaterThan(0);
    expect(new Set(banking).size).toBe(1);
    expect(new Set(identity).size).toBe(1);
  }
  // The ADMIN's page shows other users' accounts, so identity is asked for their names (a fixed number of times).
  expect(results.admin![1_000]!.identity.length).toBeGreaterThan(0);

  // The bank test's snapshots rest on this: aliased `account` fields of one request are one SQL statement.
  const ids = [main, ...counterparts.map((c) => c.id)];
  const fields = ids.map((id, i) => `a${i}: account(id: "${id}") { id balance { amount } }`).join('\n');
  const aliased = parse(`query Balances {\n${fields}\n}`) as TypedDocumentNode<
    Record<string, { id: string } | null>,
    Record<string, never>
  >;
  const snapshot = await countStatements(async () => {
    const r = await bank.request(aliased, {}, viewers.admin);
    expect(r.errors).toBeUndefined();
    expect(Object.values(r.data!).map((a) => a?.id)).toEqual(ids);
  });
  console.log(`${ids.length} aliased account fields in one request: banking ${snapshot.banking.length} statement(s)`);
  expect(snapshot.banking).toHaveLength(1);
}, 120_000);

test('a transfer writes the balances, the transaction, its entries, the key and the event in one statement', async () => {
  const url = bank.routerUrl;
  const [payer, payee] = await Promise.all([signUp(url, 'w-payer', 'CUSTOMER'), signUp(url, 'w-payee', 'CUSTOMER')]);
  const from = await openAccount(url, payer!, 'CHECKING');
  const to = await openAccount(url, payee!, 'CHECKING');
  await deposit(url, payer!, from, '100.00');
  await quiesce();

  const counted = await countStatements(async () => {
    const r = await bank.request(
      TransferDocument,
      { input: { fromAccountId: from, toAccountId: to, amount: '12.34', idempotencyKey: 'one-write' } },
      payer!.token,
    );
    expect(r.errors).toBeUndefined();
  });
  // The posting's own database transaction; what follows its commit is the answer's fields.
  const begin = counted.banking.findIndex((s) => /^begin\b/i.test(s));
  const commit = counted.banking.findIndex((s) => /^commit\b/i.test(s));
  const posting = counted.banking.slice(begin, commit + 1);
  console.log(
    `banking's statements of a transfer's posting:\n${posting.map((s) => `  ${s.slice(0, 100)}`).join('\n')}`,
  );
  const writes = posting.filter((s) => /^(with|insert|update|delete)\b/i.test(s));
  expect(writes).toHaveLength(1);
  for (const table of ['accounts', 'transactions', 'entries', 'idempotency_keys', 'outbox_events']) {
    expect(writes[0]).toMatch(new RegExp(`\\b(update|insert into) ${table}\\b`));
  }
  // Begin, the key's claim, its record, the accounts' lock, the write, commit: the commit writes nothing more.
  expect(posting).toHaveLength(6);
  expect(posting.at(-2)).toBe(writes[0]);
  // Each statement prepared on its connection (transaction control aside), as the dashboard's.
  expect(unpreparedAmong(counted.banking)).toEqual([]);
  // And what it wrote stands.
  expect(await balanceOf(url, payer!, from)).toBe('87.66');
  expect(await balanceOf(url, payee!, to)).toBe('12.34');
}, 60_000);
