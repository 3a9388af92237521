/**
 * The demo data of `npm start` (issue 10): the stack started the way
 * `npm start` seeds it, then each demo user signed in through the router as
 * a newcomer would, finding accounts with months of history, the banker in
 * the directory, bills due, a conversation. The seeded ledger is sound, and
 * seeding again adds nothing.
 */
import { metricsOf } from '../platform/metrics.ts';
import { loadSubgraph } from '../bin/subgraphs.ts';
import { withSubgraphUrls, type SubgraphName } from '../platform/config.ts';
import { DEMO_ACCOUNTS, DEMO_BANKER, DEMO_CUSTOMER, DEMO_OWNER } from '../platform/demo-data.ts';
import { createLogger } from '../platform/logger.ts';
import { DEMO_PASSWORD } from '../subgraphs/identity/src/seed.ts';
import { billingViolations, ledgerViolations, sqlOver } from './support/faults.ts';
import { must, signIn, type SignedUp } from './support/people.ts';
import { startTestStack, type TestStack } from './support/stack.ts';

let bank: TestStack;

beforeAll(async () => {
  bank = await startTestStack({}, { seedDemoData: true });
}, 120_000);

afterAll(async () => {
  await bank?.close();
});

const DAY_MS = 86_400_000;

const signInAs = (email: string): Promise<SignedUp> => signIn(bank.routerUrl, email, DEMO_PASSWORD);

function sql(name: SubgraphName) {
  const running = bank.stack.subgraphs[name];
  if (!running) throw new Error(`${name} is not running`);
  return sqlOver(running.orm);
}

/** Minor units of a USD decimal string ("-12.30" → -1230n). */
function cents(amount: string): bigint {
  const negative = amount.startsWith('-');
  const [whole = '0', fraction = ''] = amount.replace('-', '').split('.');
  const value = BigInt(whole) * 100n + BigInt(fraction.padEnd(2, '0'));
  return negative ? -value : value;
}

interface AccountView {
  id: string;
  type: string;
  nickname: string | null;
  balance: { amount: string; currency: string };
  transactions: {
    edges: {
      node: {
        kind: string;
        category: string;
        description: string | null;
        postedAt: string;
        signedAmount: { amount: string };
      };
    }[];
    pageInfo: { hasNextPage: boolean };
  };
}

const MY_ACCOUNTS = `query {
  me {
    id
    name
    accounts {
      id type nickname balance { amount currency }
      transactions(first: 1000) {
        edges { node { kind category description postedAt signedAmount { amount } } }
        pageInfo { hasNextPage }
      }
    }
  }
}`;

async function accountsOf(user: SignedUp): Promise<AccountView[]> {
  const { me } = await must<{ me: { id: string; accounts: AccountView[] } }>(
    bank.routerUrl,
    MY_ACCOUNTS,
    {},
    user.token,
  );
  return me.accounts;
}

/** Each account's history is complete, at least two months long, and adds up to its balance. */
function expectHistory(account: AccountView): void {
  const nodes = account.transactions.edges.map((e) => e.node);
  expect(account.transactions.pageInfo.hasNextPage).toBe(false);
  expect(nodes.length).toBeGreaterThan(5);
  const times = nodes.map((n) => Date.parse(n.postedAt));
  expect(Math.max(...times) - Math.min(...times)).toBeGreaterThanOrEqual(60 * DAY_MS);
  expect(Math.max(...times)).toBeLessThanOrEqual(Date.now());
  // Newest first, as the API promises: the seed posted them in time order.
  expect([...times].sort((a, b) => b - a)).toEqual(times);
  const sum = nodes.reduce((total, n) => total + cents(n.signedAmount.amount), 0n);
  expect(sum).toBe(cents(account.balance.amount));
  expect(cents(account.balance.amount)).toBeGreaterThan(0n);
}

test('the customer has a checking and a savings account with three months of history', async () => {
  const customer = await signInAs(DEMO_CUSTOMER.email);
  expect(customer.id).toBe(DEMO_CUSTOMER.id);
  const accounts = await accountsOf(customer);
  expect(accounts.map((a) => [a.id, a.type, a.balance.currency])).toEqual([
    [DEMO_ACCOUNTS.customerChecking, 'CHECKING', 'USD'],
    [DEMO_ACCOUNTS.customerSavings, 'SAVINGS', 'USD'],
  ]);
  for (const account of accounts) expectHistory(account);

  const checking = (accounts[0] as AccountView).transactions.edges.map((e) => e.node);
  expect(new Set(checking.map((n) => n.kind))).toEqual(new Set(['DEPOSIT', 'TRANSFER', 'WITHDRAWAL', 'BILL_PAYMENT']));
  const categories = new Set(checking.map((n) => n.category));
  for (const category of ['INCOME', 'GROCERIES', 'DINING', 'UTILITIES', 'TRANSPORT', 'HOUSING', 'TRANSFER', 'CASH']) {
    expect(categories).toContain(category);
  }
  // Transfers between her own accounts, both ways.
  const savings = (accounts[1] as AccountView).transactions.edges.map((e) => e.node);
  const own = savings.filter((n) => n.kind === 'TRANSFER');
  expect(own.some((n) => cents(n.signedAmount.amount) > 0n)).toBe(true);
  expect(own.some((n) => cents(n.signedAmount.amount) < 0n)).toBe(true);

  const { me } = await must<{
    me: { spendingSummary: { byCategory: { category: string }[]; byMonth: { month: string }[] } };
  }>(
    bank.routerUrl,
    `query($from: DateTime!, $to: DateTime!) {
      me { spendingSummary(from: $from, to: $to) { byCategory { category } byMonth { month } } }
    }`,
    { from: new Date(Date.now() - 100 * DAY_MS).toISOString(), to: new Date().toISOString() },
    customer.token,
  );
  expect(me.spendingSummary.byCategory.length).toBeGreaterThanOrEqual(8);
  expect(me.spendingSummary.byCategory.map((c) => c.category)).not.toContain('TRANSFER');
  expect(me.spendingSummary.byMonth.length).toBeGreaterThanOrEqual(3);
});

test('the owner has a business account with months of sales and expenses', async () => {
  const owner = await signInAs(DEMO_OWNER.email);
  expect(owner.id).toBe(DEMO_OWNER.id);
  const accounts = await accountsOf(owner);
  expect(accounts.map((a) => [a.id, a.type, a.balance.currency])).toEqual([
    [DEMO_ACCOUNTS.ownerBusiness, 'BUSINESS', 'USD'],
  ]);
  expectHistory(accounts[0] as AccountView);
  const categories = new Set((accounts[0] as AccountView).transactions.edges.map((e) => e.node.category));
  for (const category of ['INCOME', 'GROCERIES', 'UTILITIES', 'HOUSING', 'FEES', 'TRANSPORT']) {
    expect(categories).toContain(category);
  }
});

test('the banker directory lists the demo banker', async () => {
  const owner = await signInAs(DEMO_OWNER.email);
  const { bankers } = await must<{ bankers: { edges: { node: Record<string, unknown> }[] } }>(
    bank.routerUrl,
    `query { bankers(filter: { product: EQUIPMENT_FINANCING, amount: "45000", industry: "Food & Beverage" }) {
      edges { node { id name bankerProfile { title } lendingProfile { products minAmount { amount } maxAmount { amount } available } } }
    } }`,
    {},
    owner.token,
  );
  expect(bankers.edges.map((e) => e.node)).toEqual([
    {
      id: DEMO_BANKER.id,
      name: 'Beatriz Banker',
      bankerProfile: { title: 'Commercial Lender' },
      lendingProfile: {
        products: ['TERM_LOAN', 'LINE_OF_CREDIT', 'EQUIPMENT_FINANCING', 'SBA_LOAN'],
        minAmount: { amount: '10000.00' },
        maxAmount: { amount: '500000.00' },
        available: true,
      },
    },
  ]);
});

test('the customer and the owner have bills due soon; one of the customer’s is paid, one scheduled', async () => {
  const query = `query {
    me {
      upcomingBills(days: 30) { status dueDate biller { name } remaining { amount } }
      bills { status biller { name } payments { status } }
    }
  }`;
  type BillsView = {
    me: {
      upcomingBills: { status: string; dueDate: string; biller: { name: string } }[];
      bills: { status: string; biller: { name: string }; payments: { status: string }[] }[];
    };
  };
  const customer = await must<BillsView>(bank.routerUrl, query, {}, (await signInAs(DEMO_CUSTOMER.email)).token);
  expect(customer.me.upcomingBills.map((b) => [b.biller.name, b.status])).toEqual([
    ['FiberNet Internet', 'DUE'],
    ['City Power & Light', 'DUE'],
    ['Horizon Wireless', 'SCHEDULED'],
  ]);
  const paid = customer.me.bills.find((b) => b.status === 'PAID');
  expect(paid).toEqual({
    status: 'PAID',
    biller: { name: 'Metro Water Authority' },
    payments: [{ status: 'COMPLETED' }],
  });

  const owner = await must<BillsView>(bank.routerUrl, query, {}, (await signInAs(DEMO_OWNER.email)).token);
  expect(owner.me.upcomingBills.map((b) => b.biller.name)).toEqual([
    'Northern Gas Company',
    'Greenfield Waste Collection',
    'Internal Revenue Service',
  ]);
});

test('the owner and the banker see their conversation and its messages', async () => {
  const query = `query {
    me { conversations { edges { node {
      subject unreadCount participants { id }
      messages(last: 50) { edges { node { body sentAt sender { name } } } }
    } } } }
  }`;
  type ConversationsView = {
    me: {
      conversations: {
        edges: {
          node: {
            subject: string;
            unreadCount: number;
            participants: { id: string }[];
            messages: { edges: { node: { body: string; sentAt: string; sender: { name: string } } }[] };
          };
        }[];
      };
    };
  };
  const owner = await must<ConversationsView>(bank.routerUrl, query, {}, (await signInAs(DEMO_OWNER.email)).token);
  const banker = await must<ConversationsView>(bank.routerUrl, query, {}, (await signInAs(DEMO_BANKER.email)).token);
  const [ownerView] = owner.me.conversations.edges.map((e) => e.node);
  const [bankerView] = banker.me.conversations.edges.map((e) => e.node);
  expect(owner.me.conversations.edges).toHaveLength(1);
  expect(banker.me.conversations.edges).toHaveLength(1);
  expect(ownerView?.participants.map((p) => p.id)).toEqual([DEMO_OWNER.id, DEMO_BANKER.id]);
  expect(ownerView?.subject).toBe('Financing a new deck oven');
  expect(ownerView?.messages).toEqual(bankerView?.messages);
  const messages = ownerView?.messages.edges.map((e) => e.node) ?? [];
  expect(messages.map((m) => m.sender.name)).toEqual([
    'Omar Owner',
    'Beatriz Banker',
    'Omar Owner',
    'Beatriz Banker',
    'Omar Owner',
    'Beatriz Banker',
  ]);
  // Sent over the last few days, in order; the banker's last reply is still unread by the owner.
  const times = messages.map((m) => Date.parse(m.sentAt));
  expect([...times].sort((a, b) => a - b)).toEqual(times);
  expect(Date.now() - (times[0] ?? 0)).toBeGreaterThan(3 * DAY_MS);
  expect(ownerView?.unreadCount).toBe(1);
  expect(bankerView?.unreadCount).toBe(0);
});

test('the seeded ledger is sound and its history told nobody anything', async () => {
  expect(await ledgerViolations(sql('banking'))).toEqual([]);
  expect(await billingViolations(sql('billing'), sql('banking'))).toEqual([]);
  // Only the bill payment made at start-up is news; the backdated history wrote no event.
  const events = await sql('banking').execute<{ type: string; n: number }[]>(
    `select type, count(*)::int as n from outbox_events group by type order by type`,
  );
  expect(events).toEqual([
    { type: 'banking.hold.created', n: 1 },
    { type: 'banking.transaction.posted', n: 1 },
  ]);
});

test('seeding again adds nothing', async () => {
  const tables: Record<SubgraphName, string[]> = {
    identity: ['users'],
    banking: ['accounts', 'transactions', 'entries', 'idempotency_keys'],
    billing: ['bills', 'bill_payments', 'scheduled_payments'],
    lending: ['lending_profiles'],
    messaging: ['conversations', 'conversation_participants', 'messages', 'known_users'],
    assistant: ['assistant_sessions'],
  };
  const counts = async () => {
    const result: Record<string, number> = {};
    for (const [name, names] of Object.entries(tables) as [SubgraphName, string[]][]) {
      for (const table of names) {
        const [row] = await sql(name).execute<{ n: number }[]>(`select count(*)::int as n from ${table}`);
        result[`${name}.${table}`] = row?.n ?? -1;
      }
    }
    return result;
  };
  const before = await counts();
  // The same hooks `npm start` runs, in the same order, with the URLs of this stack (billing calls banking).
  const urls = Object.fromEntries(Object.entries(bank.stack.subgraphs).map(([n, s]) => [n, s.url]));
  const config = withSubgraphUrls(bank.config, urls);
  const logger = createLogger(config, 'test');
  for (const name of Object.keys(tables) as SubgraphName[]) {
    const running = bank.stack.subgraphs[name];
    if (!running) throw new Error(`${name} is not running`);
    const definition = await loadSubgraph(name);
    await definition.seedDemoData?.({
      orm: running.orm,
      config,
      logger,
      bus: bank.stack.bus,
      metrics: metricsOf(name),
    });
  }
  expect(await counts()).toEqual(before);
});

test('nothing is seeded in production, even when asked', async () => {
  const production = await startTestStack({ NODE_ENV: 'production' }, { seedDemoData: true });
  try {
    expect(production.config.isProduction).toBe(true);
    const count = async (name: SubgraphName, query: string, params: unknown[] = []) => {
      const running = production.stack.subgraphs[name];
      if (!running) throw new Error(`${name} is not running`);
      const [row] = await sqlOver(running.orm).execute<{ n: number }[]>(query, params);
      return row?.n;
    };
    const demoIds = [DEMO_CUSTOMER.id, DEMO_OWNER.id, DEMO_BANKER.id];
    expect({
      users: await count('identity', `select count(*)::int as n from users where email like '%@bank.local'`),
      accounts: await count('banking', `select count(*)::int as n from accounts where type <> 'SYSTEM'`),
      transactions: await count('banking', 'select count(*)::int as n from transactions'),
      bills: await count('billing', 'select count(*)::int as n from bills'),
      profiles: await count('lending', 'select count(*)::int as n from lending_profiles'),
      conversations: await count('messaging', 'select count(*)::int as n from conversations'),
      knownDemoUsers: await count(
        'messaging',
        'select count(*)::int as n from known_users where user_id in (?, ?, ?)',
        demoIds,
      ),
    }).toEqual({ users: 0, accounts: 0, transactions: 0, bills: 0, profiles: 0, conversations: 0, knownDemoUsers: 0 });
  } finally {
    await production.close();
  }
}, 120_000);
