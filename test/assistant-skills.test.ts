/**
 * The assistant's skills through the router, on data made as a client would
 * make it: transaction search (by merchant, amount range, category and
 * period), spending against the period before, bills and paying them,
 * transfers to another customer (and the bank's refusals on confirmation),
 * loans, the hand-off to a banker, security requests it never pretends to
 * carry out, clarifying questions and small talk.
 *
 * Everyone made here has their own accounts, so that what one test moves
 * never shows in another's answers.
 */
import { randomUUID } from 'node:crypto';
import { signServiceHeader, CALLER_HEADER } from '../platform/caller.ts';
import { askAs } from './support/assistant.ts';
import { bankingSql, dayFromToday, issueBill } from './support/billing.ts';
import { applicationIn, bankerWithProfile, businessOwner, REPAY } from './support/lending.ts';
import { createStaff, must, signInAdmin, signUp, type SignedUp } from './support/people.ts';
import { postGraphQL, startTestStack, type JsonResponse, type TestStack } from './support/stack.ts';

let bank: TestStack;
let url: string;

const TURN = `id intent confidence clarifying reply suggestions
  session { id handedOffTo { id } }
  cards { kind title accounts { id } transactions { id } bills { id } loanApplications { id } loans { id }
    spending { category total { amount currency } previousTotal { amount } count } }
  action { id kind status summary amount { amount currency } fromAccount { id } toAccount { id } toAccountId bill { id }
    billPayment { id } transaction { id } failureCode }
  pendingAction { id }`;

const CONFIRM = `mutation($id: ID!, $key: String!) { confirmAssistantAction(actionId: $id, idempotencyKey: $key) { ${TURN} } }`;

interface Card {
  kind: string;
  title: string;
  accounts: { id: string }[];
  transactions: { id: string }[];
  bills: { id: string }[];
  loanApplications: { id: string }[];
  loans: { id: string }[];
  spending: {
    category: string;
    total: { amount: string; currency: string };
    previousTotal: { amount: string };
    count: number;
  }[];
}

interface Action {
  id: string;
  kind: string;
  status: string;
  summary: string;
  amount: { amount: string; currency: string };
  fromAccount: { id: string };
  toAccount: { id: string } | null;
  toAccountId: string | null;
  bill: { id: string } | null;
  billPayment: { id: string } | null;
  transaction: { id: string } | null;
  failureCode: string | null;
}

interface Turn {
  id: string;
  intent: string;
  confidence: number;
  clarifying: boolean;
  reply: string;
  suggestions: string[];
  session: { id: string; handedOffTo: { id: string } | null };
  cards: Card[];
  action: Action | null;
  pendingAction: { id: string } | null;
}

const ask = (who: SignedUp, text: string, sessionId?: string): Promise<Turn> =>
  askAs<Turn>(url, who, TURN, { text, sessionId });

const confirm = (who: SignedUp, actionId: string): Promise<JsonResponse> =>
  postGraphQL(url, CONFIRM, { id: actionId, key: randomUUID() }, who.token);

const errorOf = (result: JsonResponse) => result.errors?.[0]?.extensions;

/** The one card of a kind a turn shows. */
function cardOf(turn: Turn, kind: string): Card {
  const cards = turn.cards.filter((c) => c.kind === kind);
  expect(cards).toHaveLength(1);
  return cards[0]!;
}

const idsOf = (card: Card) => card.transactions.map((t) => t.id);

async function openAccount(who: SignedUp, type: string, currency = 'USD', deposit?: string): Promise<string> {
  const { openAccount } = await must<{ openAccount: { id: string } }>(
    url,
    `mutation($input: OpenAccountInput!) { openAccount(input: $input) { id } }`,
    { input: { type, currency } },
    who.token,
  );
  if (deposit) await depositInto(who, openAccount.id, deposit);
  return openAccount.id;
}

async function depositInto(who: SignedUp, accountId: string, amount: string): Promise<string> {
  const { deposit } = await must<{ deposit: { id: string } }>(
    url,
    `mutation($input: DepositInput!) { deposit(input: $input) { id } }`,
    { input: { accountId, amount, idempotencyKey: randomUUID(), description: 'Salary' } },
    who.token,
  );
  return deposit.id;
}

async function transfer(who: SignedUp, from: string, to: string, amount: string, description: string): Promise<string> {
  const { transfer } = await must<{ transfer: { id: string } }>(
    url,
    `mutation($input: TransferInput!) { transfer(input: $input) { id } }`,
    { input: { fromAccountId: from, toAccountId: to, amount, description, idempotencyKey: randomUUID() } },
    who.token,
  );
  return transfer.id;
}

async function accountsOf(who: SignedUp): Promise<Record<string, { balance: string; status: string }>> {
  const { me } = await must<{ me: { accounts: { id: string; status: string; balance: { amount: string } }[] } }>(
    url,
    `{ me { accounts { id status balance { amount } } } }`,
    {},
    who.token,
  );
  return Object.fromEntries(me.accounts.map((a) => [a.id, { balance: a.balance.amount, status: a.status }]));
}

const balanceOf = async (who: SignedUp, accountId: string) => (await accountsOf(who))[accountId]?.balance;

/** Day `day` of the month before this one (UTC), at noon: a day of "last month". */
function dayOfLastMonth(day: number): Date {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, day, 12));
}

/**
 * Back-dates a transaction and its entries. The API dates every movement
 * now, and "last month" needs movements of last month: direct SQL on the
 * banking test database is the only way, as test/banking-statements.test.ts
 * does for statements. Both dates move: the search filters on creation, the
 * spending summary on posting.
 */
async function backDate(transactionId: string, at: Date): Promise<void> {
  await bankingSql(bank, 'update transactions set created_at = ?, posted_at = ? where id = ?', [at, at, transactionId]);
  await bankingSql(bank, 'update entries set posted_at = ? where transaction_id = ?', [at, transactionId]);
}

beforeAll(async () => {
  bank = await startTestStack();
  url = bank.routerUrl;
});
afterAll(async () => {
  await bank?.close();
});

// ---------------------------------------------------------------------------
// Rita, a retail customer: a checking and a savings account, and a month of
// card-like payments to a shop (another customer) this month and last month.
// ---------------------------------------------------------------------------

let rita: SignedUp;
let checking: string;
let savings: string;
const tx: Record<string, string> = {};

beforeAll(async () => {
  rita = await signUp(url, 'rita-skills', 'CUSTOMER');
  const shop = await signUp(url, 'shop-skills', 'CUSTOMER');
  const till = await openAccount(shop, 'CHECKING');
  checking = await openAccount(rita, 'CHECKING');
  savings = await openAccount(rita, 'SAVINGS');
  // Last month: her salary, then three payments.
  tx.salary = await depositInto(rita, checking, '2000.00');
  tx.lastStarbucks = await transfer(rita, checking, till, '9.00', 'Starbucks coffee');
  tx.lastBistro = await transfer(rita, checking, till, '80.00', 'Bistro dinner');
  tx.lastAmazon = await transfer(rita, checking, till, '120.00', 'Amazon order');
  await backDate(tx.salary, dayOfLastMonth(1));
  await backDate(tx.lastStarbucks, dayOfLastMonth(10));
  await backDate(tx.lastBistro, dayOfLastMonth(12));
  await backDate(tx.lastAmazon, dayOfLastMonth(20));
  // This month.
  tx.savingsDeposit = await depositInto(rita, savings, '300.00');
  tx.starbucks1 = await transfer(rita, checking, till, '4.75', 'Starbucks coffee');
  tx.starbucks2 = await transfer(rita, checking, till, '12.40', 'Starbucks coffee');
  tx.pizza = await transfer(rita, checking, till, '38.00', 'Luigi pizza dinner');
  tx.grocery = await transfer(rita, checking, till, '64.20', 'Corner grocery');
  tx.uber = await transfer(rita, checking, till, '23.50', 'Uber ride');
  tx.amazon = await transfer(rita, checking, till, '149.99', 'Amazon order');
  tx.topUp = await transfer(rita, checking, savings, '60.00', 'Savings top-up');
  // Banking guessed TRANSPORT from "Uber"; it was the taxi of a trip: Rita says so.
  const { categorizeTransaction } = await must<{ categorizeTransaction: { category: string } }>(
    url,
    `mutation($id: ID!) { categorizeTransaction(id: $id, category: TRAVEL) { category } }`,
    { id: tx.uber },
    rita.token,
  );
  expect(categorizeTransaction.category).toBe('TRAVEL');
});

describe('transaction search', () => {
  test('by merchant: "what did I spend at Starbucks" finds exactly those payments, this month and last', async () => {
    const now = await ask(rita, 'what did I spend at Starbucks this month');
    expect(idsOf(cardOf(now, 'TRANSACTIONS'))).toEqual([tx.starbucks2, tx.starbucks1]);
    expect(now.reply).toMatch(/^2 transactions at starbucks this month; money out: \$17\.15\./);
    expect(now.reply).not.toMatch(/pizza|grocery|amazon/i);

    const before = await ask(rita, 'what did I spend at Starbucks last month');
    expect(idsOf(cardOf(before, 'TRANSACTIONS'))).toEqual([tx.lastStarbucks]);
    expect(before.reply).toMatch(/^1 transaction at starbucks last month; money out: \$9\.00\./);
  });

  test('by amount: over a bound, and between two amounts', async () => {
    const over = await ask(rita, 'show my transactions over $100 this month');
    expect(over.intent).toBe('transactions');
    expect(idsOf(cardOf(over, 'TRANSACTIONS'))).toEqual([tx.amazon, tx.savingsDeposit]);
    expect(over.reply).toContain('$149.99');
    expect(over.reply).toContain('$300.00');

    for (const text of [
      'show transactions between $20 and $50 this month',
      'transactions between 20 and 50 dollars this month',
    ]) {
      const between = await ask(rita, text);
      expect(idsOf(cardOf(between, 'TRANSACTIONS'))).toEqual([tx.uber, tx.pizza]);
    }

    const under = await ask(rita, 'show my transactions under 100 dollars last month');
    expect(idsOf(cardOf(under, 'TRANSACTIONS'))).toEqual([tx.lastBistro, tx.lastStarbucks]);
  });

  test("by category: banking's guess from the description, and the owner's own category", async () => {
    const dining = await ask(rita, 'show my dining transactions this month');
    expect(idsOf(cardOf(dining, 'TRANSACTIONS'))).toEqual([tx.pizza, tx.starbucks2, tx.starbucks1]);
    expect(dining.reply).toMatch(/^3 transactions in Dining this month; money out: \$55\.15\./);

    const travel = await ask(rita, 'show my travel transactions this month');
    expect(idsOf(cardOf(travel, 'TRANSACTIONS'))).toEqual([tx.uber]);
  });

  test('by period: each transaction once, a move between her own accounts is not money out', async () => {
    const last = await ask(rita, 'show my transactions last month');
    expect(idsOf(cardOf(last, 'TRANSACTIONS'))).toEqual([tx.lastAmazon, tx.lastBistro, tx.lastStarbucks, tx.salary]);
    expect(last.reply).toMatch(/^4 transactions last month; money out: \$209\.00\./);

    const now = await ask(rita, 'show my transactions this month');
    expect(idsOf(cardOf(now, 'TRANSACTIONS'))).toEqual([
      tx.topUp,
      tx.amazon,
      tx.uber,
      tx.grocery,
      tx.pizza,
      tx.starbucks2,
      tx.starbucks1,
      tx.savingsDeposit,
    ]);
    // 4.75 + 12.40 + 38.00 + 64.20 + 23.50 + 149.99: the 60.00 top-up stayed hers.
    expect(now.reply).toMatch(/^8 transactions this month; money out: \$292\.84\./);
    expect(now.reply.match(/Savings top-up/g)).toHaveLength(1);
  });
});

describe('spending', () => {
  test('by category this month, each beside last month', async () => {
    const turn = await ask(rita, 'how much did I spend this month');
    expect(turn.intent).toBe('spending_history');
    expect(cardOf(turn, 'SPENDING').spending).toEqual([
      {
        category: 'SHOPPING',
        total: { amount: '149.99', currency: 'USD' },
        previousTotal: { amount: '120.00' },
        count: 1,
      },
      {
        category: 'GROCERIES',
        total: { amount: '64.20', currency: 'USD' },
        previousTotal: { amount: '0.00' },
        count: 1,
      },
      { category: 'DINING', total: { amount: '55.15', currency: 'USD' }, previousTotal: { amount: '89.00' }, count: 3 },
      { category: 'TRAVEL', total: { amount: '23.50', currency: 'USD' }, previousTotal: { amount: '0.00' }, count: 1 },
    ]);
    expect(turn.reply).toContain('Shopping: $149.99, more than the period before ($120.00) by $29.99');
  });

  test('"did I spend more on dining than last month" compares this month with last month', async () => {
    const turn = await ask(rita, 'did I spend more on dining than last month');
    expect(cardOf(turn, 'SPENDING').spending).toEqual([
      { category: 'DINING', total: { amount: '55.15', currency: 'USD' }, previousTotal: { amount: '89.00' }, count: 3 },
    ]);
    expect(turn.reply).toBe(
      'Your spending this month on dining:\nDining: $55.15, less than last month ($89.00) by $33.85',
    );
  });

  test('a month named is compared with the month before it', async () => {
    const turn = await ask(rita, 'How much did I spend on dining last month?');
    expect(cardOf(turn, 'SPENDING').spending).toEqual([
      { category: 'DINING', total: { amount: '89.00', currency: 'USD' }, previousTotal: { amount: '0.00' }, count: 2 },
    ]);
  });
});

test('"check" and "current" as everyday words do not narrow the balance to the checking account', async () => {
  for (const text of ['can you check my balance', 'what is my current balance']) {
    const turn = await ask(rita, text);
    expect(turn.intent).toBe('balance');
    expect(
      cardOf(turn, 'ACCOUNTS')
        .accounts.map((a) => a.id)
        .sort(),
    ).toEqual([checking, savings].sort());
  }
  const named = await ask(rita, 'what is the balance of my checking account');
  expect(cardOf(named, 'ACCOUNTS').accounts).toEqual([{ id: checking }]);
});

// ---------------------------------------------------------------------------
// Bills
// ---------------------------------------------------------------------------

describe('bills', () => {
  let bob: SignedUp;
  let bobChecking: string;
  let power: string;
  let wireless: string;
  const powerDue = dayFromToday(10);
  const wirelessDue = dayFromToday(5);

  beforeAll(async () => {
    bob = await signUp(url, 'bob-skills', 'CUSTOMER');
    bobChecking = await openAccount(bob, 'CHECKING', 'USD', '500.00');
    const admin = await signInAdmin(url);
    const { billers } = await must<{ billers: { id: string; name: string }[] }>(
      url,
      `{ billers { id name } }`,
      {},
      admin.token,
    );
    const billerNamed = (name: string) => billers.find((b) => b.name === name)!.id;
    power = await issueBill(url, admin, {
      userId: bob.id,
      billerId: billerNamed('City Power & Light'),
      amount: '120.00',
      dueDate: powerDue,
    });
    wireless = await issueBill(url, admin, {
      userId: bob.id,
      billerId: billerNamed('Horizon Wireless'),
      amount: '45.50',
      dueDate: wirelessDue,
    });
  });

  async function billOf(id: string): Promise<{ status: string; remaining: { amount: string } }> {
    const { bill } = await must<{ bill: { status: string; remaining: { amount: string } } }>(
      url,
      `query($id: ID!) { bill(id: $id) { status remaining { amount } } }`,
      { id },
      bob.token,
    );
    return bill;
  }

  test('what is due and when, soonest first, and what is left to pay', async () => {
    const due = await ask(bob, 'when are my bills due');
    expect(due.intent).toBe('bill_due');
    expect(cardOf(due, 'BILLS').bills).toEqual([{ id: wireless }, { id: power }]);
    expect(due.reply).toBe(
      `2 bills to pay, soonest first:\nHorizon Wireless: $45.50 left of $45.50, due ${wirelessDue}\n` +
        `City Power & Light: $120.00 left of $120.00, due ${powerDue}`,
    );
    const one = await ask(bob, 'when is my power bill due');
    expect(cardOf(one, 'BILLS').bills).toEqual([{ id: power }]);
    expect(one.reply).toContain(`due ${powerDue}`);

    const left = await ask(bob, 'how much is left on my bills');
    expect(left.intent).toBe('bill_balance');
    expect(left.reply).toMatch(/^What is left to pay:/);
    expect(left.reply).toContain('Horizon Wireless: $45.50 left of $45.50');
  });

  test('"pay my bill" with two open asks which; "pay my power bill" pays it once confirmed', async () => {
    const which = await ask(bob, 'pay my bill');
    expect(which.action).toBeNull();
    expect(which.reply).toMatch(/^Which bill\?/);
    expect(which.suggestions).toEqual(['Pay my Horizon Wireless bill', 'Pay my City Power & Light bill']);

    const proposal = await ask(bob, 'pay my power bill');
    expect(proposal.intent).toBe('pay_bill');
    expect(proposal.action).toMatchObject({
      kind: 'PAY_BILL',
      status: 'PENDING',
      amount: { amount: '120.00', currency: 'USD' },
      fromAccount: { id: bobChecking },
      bill: { id: power },
      billPayment: null,
    });
    // Nothing moves until the confirmation.
    expect(await balanceOf(bob, bobChecking)).toBe('500.00');
    expect(await billOf(power)).toEqual({ status: 'DUE', remaining: { amount: '120.00' } });

    const done = await confirm(bob, proposal.action!.id);
    expect(done.errors).toBeUndefined();
    const outcome = (done.data as { confirmAssistantAction: Turn }).confirmAssistantAction;
    expect(outcome.action).toMatchObject({ status: 'CONFIRMED', billPayment: { id: expect.any(String) } });
    expect(await billOf(power)).toEqual({ status: 'PAID', remaining: { amount: '0.00' } });
    expect(await balanceOf(bob, bobChecking)).toBe('380.00');
  });

  test('"pay $20 of my wireless bill" pays that part only', async () => {
    const proposal = await ask(bob, 'pay $20 of my wireless bill');
    expect(proposal.action).toMatchObject({ kind: 'PAY_BILL', amount: { amount: '20.00' }, bill: { id: wireless } });
    expect((await confirm(bob, proposal.action!.id)).errors).toBeUndefined();
    expect((await billOf(wireless)).remaining.amount).toBe('25.50');
    expect(await balanceOf(bob, bobChecking)).toBe('360.00');

    const left = await ask(bob, 'how much is left on my bills');
    expect(cardOf(left, 'BILLS').bills).toEqual([{ id: wireless }]);
    expect(left.reply).toContain('Horizon Wireless: $25.50 left of $45.50');
  });
});

// ---------------------------------------------------------------------------
// Transfers to another customer
// ---------------------------------------------------------------------------

describe('holds', () => {
  /** A hold on `accountId` as billing places one (a signed service call to banking); voided when asked. */
  async function hold(who: SignedUp, accountId: string, amount: string, description: string, voided = false) {
    const call = async (query: string, variables: Record<string, unknown>) => {
      const response = await fetch(bank.stack.subgraphs.banking!.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          [CALLER_HEADER]: signServiceHeader(
            bank.config.keys.serviceSigningPrivateKey as string,
            'billing',
            query,
            variables,
          ),
        },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as JsonResponse;
      expect(body.errors).toBeUndefined();
      return body.data as Record<string, { id: string }>;
    };
    const { createHold } = await call(`mutation($input: CreateHoldInput!) { createHold(input: $input) { id } }`, {
      input: {
        fromAccountId: accountId,
        toSystem: 'BILL_SETTLEMENT',
        customerId: who.id,
        amount,
        kind: 'BILL_PAYMENT',
        idempotencyKey: randomUUID(),
        description,
      },
    });
    if (voided) await call(`mutation($id: ID!) { voidHold(id: $id) { id } }`, { id: createHold!.id });
    return createHold!.id;
  }

  test('a pending hold is listed as pending and not counted as money out; a released one is not listed', async () => {
    const hal = await signUp(url, 'hal-skills', 'CUSTOMER');
    const account = await openAccount(hal, 'CHECKING', 'USD', '500.00');
    const pending = await hold(hal, account, '40.00', 'Gym membership');
    const released = await hold(hal, account, '25.00', 'Gym day pass', true);
    const turn = await ask(hal, 'show my transactions this month');
    expect(turn.intent).toBe('transactions');
    const ids = cardOf(turn, 'TRANSACTIONS').transactions.map((t) => t.id);
    expect(ids).toContain(pending);
    expect(ids).not.toContain(released);
    expect(turn.reply).toMatch(/Gym membership: -\$40\.00 \(Checking ••\d{4}\) \(pending\)/);
    expect(turn.reply).not.toMatch(/Gym day pass/);
    expect(turn.reply).not.toMatch(/money out/);
  });
});

describe('transfers to another customer', () => {
  let tom: SignedUp;
  let uma: SignedUp;
  let tomChecking: string;
  let umaUsd: string;
  let umaEur: string;

  beforeAll(async () => {
    [tom, uma] = await Promise.all([signUp(url, 'tom-skills', 'CUSTOMER'), signUp(url, 'uma-skills', 'CUSTOMER')]);
    tomChecking = await openAccount(tom, 'CHECKING', 'USD', '100.00');
    umaUsd = await openAccount(uma, 'CHECKING');
    umaEur = await openAccount(uma, 'SAVINGS', 'EUR');
  });

  /** The action as its owner reads it back from the session, after a refused confirmation. */
  async function actionIn(sessionId: string, actionId: string): Promise<Action> {
    const { assistantSession } = await must<{
      assistantSession: { turns: { edges: { node: { action: Action | null } }[] } };
    }>(
      url,
      `query($id: ID!) { assistantSession(id: $id) { turns { edges { node { action {
        id kind status summary amount { amount currency } fromAccount { id } toAccount { id } toAccountId bill { id }
        billPayment { id } transaction { id } failureCode } } } } } }`,
      { id: sessionId },
      tom.token,
    );
    return assistantSession.turns.edges.map((e) => e.node.action).find((a) => a?.id === actionId)!;
  }

  test('"send $25 to account <id>": confirmed, the money arrives in the other customer\'s account', async () => {
    const proposal = await ask(tom, `send $25 to account ${umaUsd}`);
    expect(proposal.action).toMatchObject({
      kind: 'TRANSFER',
      status: 'PENDING',
      amount: { amount: '25.00', currency: 'USD' },
      fromAccount: { id: tomChecking },
      toAccount: null,
      toAccountId: umaUsd,
    });
    expect(await balanceOf(uma, umaUsd)).toBe('0.00');
    const done = await confirm(tom, proposal.action!.id);
    expect(done.errors).toBeUndefined();
    const transaction = (done.data as { confirmAssistantAction: Turn }).confirmAssistantAction.action!.transaction!;
    expect(await balanceOf(uma, umaUsd)).toBe('25.00');
    expect(await balanceOf(tom, tomChecking)).toBe('75.00');
    const { transaction: seen } = await must<{
      transaction: { amount: { amount: string }; toAccount: { id: string } };
    }>(
      url,
      `query($id: ID!) { transaction(id: $id) { amount { amount } toAccount { id } } }`,
      { id: transaction.id },
      uma.token,
    );
    expect(seen).toEqual({ amount: { amount: '25.00' }, toAccount: { id: umaUsd } });
  });

  test('more than the balance: proposed, refused by banking on confirm (FAILED, INSUFFICIENT_FUNDS), nothing moved', async () => {
    const before = [await balanceOf(tom, tomChecking), await balanceOf(uma, umaUsd)];
    const proposal = await ask(tom, `transfer $500 to account ${umaUsd}`);
    expect(proposal.action).toMatchObject({ status: 'PENDING', amount: { amount: '500.00' } });
    const refused = await confirm(tom, proposal.action!.id);
    expect(errorOf(refused)).toMatchObject({ code: 'INSUFFICIENT_FUNDS', actionId: proposal.action!.id });
    expect(await actionIn(proposal.session.id, proposal.action!.id)).toMatchObject({
      status: 'FAILED',
      failureCode: 'INSUFFICIENT_FUNDS',
      transaction: null,
    });
    expect([await balanceOf(tom, tomChecking), await balanceOf(uma, umaUsd)]).toEqual(before);
  });

  test('dollars to a euro account: refused by banking on confirm (FAILED, CURRENCY_MISMATCH), nothing moved', async () => {
    const before = await balanceOf(tom, tomChecking);
    const proposal = await ask(tom, `transfer $10 to account ${umaEur}`);
    const refused = await confirm(tom, proposal.action!.id);
    expect(errorOf(refused)?.code).toBe('CURRENCY_MISMATCH');
    expect(await actionIn(proposal.session.id, proposal.action!.id)).toMatchObject({
      status: 'FAILED',
      failureCode: 'CURRENCY_MISMATCH',
    });
    expect(await balanceOf(tom, tomChecking)).toBe(before);
    expect(await balanceOf(uma, umaEur)).toBe('0.00');
  });

  test('an amount in another currency than the account is answered in words, with nothing proposed', async () => {
    const turn = await ask(tom, `transfer 25 euros to account ${umaUsd}`);
    expect(turn.action).toBeNull();
    expect(turn.reply).toMatch(/in USD/);
    expect(turn.reply).not.toMatch(/Confirm/);
  });

  test('the digits of an account id are never read as the amount', async () => {
    const turn = await ask(tom, 'transfer to account 3f2b6c1e-1111-4222-8333-444455556666');
    expect(turn.action).toBeNull();
    expect(turn.reply).toMatch(/^How much\?/);
    const said = await ask(tom, 'transfer 5 dollars to account 3f2b6c1e-1111-4222-8333-444455556666');
    expect(said.action).toMatchObject({
      amount: { amount: '5.00' },
      toAccount: null,
      toAccountId: '3f2b6c1e-1111-4222-8333-444455556666',
    });
  });

  test("another customer's account is shown by the id given, never resolved: no error, nothing of theirs", async () => {
    const result = await postGraphQL(
      url,
      `mutation($input: AskAssistantInput!) { askAssistant(input: $input) {
        action { toAccountId toAccount { id maskedNumber balance { amount } owner { name } } } } }`,
      { input: { text: `send $3 to account ${umaUsd}` } },
      tom.token,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({ askAssistant: { action: { toAccountId: umaUsd, toAccount: null } } });
  });

  test('"from <my account id> to <their id>": the ids are read by their direction', async () => {
    const turn = await ask(tom, `send $4 from ${tomChecking} to ${umaUsd}`);
    expect(turn.action).toMatchObject({ fromAccount: { id: tomChecking }, toAccount: null, toAccountId: umaUsd });
  });

  test('money never leaves someone else\'s account: an id after "from" proposes nothing', async () => {
    const turn = await ask(tom, `transfer $5 from account ${umaUsd} to checking`);
    expect(turn.action).toBeNull();
    expect(turn.reply).toMatch(/only move money from your own accounts/);
  });
});

// ---------------------------------------------------------------------------
// Business owners: loans, and the hand-off to their banker
// ---------------------------------------------------------------------------

describe('business owner', () => {
  let olga: SignedUp;
  let banker: SignedUp;
  let business: string;
  let disbursed: string;
  let inReview: string;
  let loanId: string;

  beforeAll(async () => {
    banker = await bankerWithProfile(url, 'bart-skills');
    const officer = await createStaff(url, 'officer-skills', 'RISK_OFFICER');
    olga = await businessOwner(url, 'olga-skills');
    business = await openAccount(olga, 'BUSINESS');
    disbursed = await applicationIn(url, 'DISBURSED', { owner: olga, banker, officer, account: business });
    inReview = await applicationIn(url, 'COMMERCIAL_REVIEW', { owner: olga, banker }, { amount: '20000.00' });
    const { loanApplication } = await must<{ loanApplication: { loan: { id: string } } }>(
      url,
      `query($id: ID!) { loanApplication(id: $id) { loan { id } } }`,
      { id: disbursed },
      olga.token,
    );
    loanId = loanApplication.loan.id;
  });

  interface LoanView {
    outstandingPrincipal: { amount: string };
    nextInstallment: { number: number; dueDate: string; payment: { amount: string } };
    installments: { payment: { amount: string } }[];
  }
  async function loanOf(): Promise<LoanView> {
    const { loan } = await must<{ loan: LoanView }>(
      url,
      `query($id: ID!) { loan(id: $id) { outstandingPrincipal { amount } nextInstallment { number dueDate payment { amount } }
        installments { payment { amount } } } }`,
      { id: loanId },
      olga.token,
    );
    return loan;
  }

  const dollars = (amount: string) =>
    new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }).format(amount as unknown as number);

  test('application status, outstanding principal and next installment, live after a repayment', async () => {
    const status = await ask(olga, 'what is the status of my loan application');
    expect(status.intent).toBe('loan_status');
    const card = cardOf(status, 'LOANS');
    expect(card.loanApplications).toEqual([{ id: inReview }, { id: disbursed }]);
    expect(card.loans).toEqual([{ id: loanId }]);
    expect(status.reply).toMatch(
      /^\$20,000\.00 over 24 months, submitted \d{4}-\d{2}-\d{2}: commercial review \(banker bart-skills\)\n/,
    );
    let loan = await loanOf();
    expect(status.reply).toContain(
      `Loan of $50,000.00: $50,000.00 principal outstanding; next installment #1 of ${dollars(loan.nextInstallment.payment.amount)} due ${loan.nextInstallment.dueDate}`,
    );

    await must(
      url,
      REPAY,
      {
        input: {
          loanId,
          fromAccountId: business,
          amount: loan.installments[0]!.payment.amount,
          idempotencyKey: randomUUID(),
        },
      },
      olga.token,
    );
    loan = await loanOf();
    expect(loan.nextInstallment.number).toBe(2);
    const next = await ask(olga, 'when is my next loan installment');
    expect(next.intent).toBe('next_installment');
    expect(next.reply).toContain('$20,000.00 application: commercial review, no loan yet');
    expect(next.reply).toContain(
      `Loan of $50,000.00: ${dollars(loan.outstandingPrincipal.amount)} principal outstanding; next installment #2 of ${dollars(loan.nextInstallment.payment.amount)} due ${loan.nextInstallment.dueDate}`,
    );
    expect(loan.outstandingPrincipal.amount).not.toBe('50000.00');
  });

  test("a loan quote is lending's calculator, whatever order the terms come in", async () => {
    for (const [text, amount, rate, months] of [
      ['quote a $20,000 loan at 7% over 24 months', '20000', '7', 24],
      ['quote a loan over 36 months for $15,000 at 6%', '15000', '6', 36],
    ] as const) {
      const turn = await ask(olga, text);
      expect(turn.intent).toBe('loan_quote');
      const { loanQuote } = await must<{
        loanQuote: {
          totalInterest: { amount: string };
          totalPayment: { amount: string };
          installments: { payment: { amount: string } }[];
        };
      }>(
        url,
        `query($a: Decimal!, $r: Decimal!, $t: Int!) { loanQuote(amount: $a, annualRate: $r, termMonths: $t) {
          totalInterest { amount } totalPayment { amount } installments { payment { amount } } } }`,
        { a: amount, r: rate, t: months },
      );
      expect(turn.reply).toBe(
        `${dollars(amount)} at ${rate}% over ${months} months: installments of about ${dollars(loanQuote.installments[0]!.payment.amount)}, ` +
          `${dollars(loanQuote.totalInterest.amount)} interest, ${dollars(loanQuote.totalPayment.amount)} in all. This is a quote, not an offer.`,
      );
    }
  });

  test('"talk to a person" starts a conversation with her banker carrying the transcript; again, it continues it', async () => {
    const first = await ask(olga, 'what is the status of my loan application');
    const handOff = await ask(olga, 'talk to a person', first.session.id);
    expect(handOff.intent).toBe('talk_to_human');
    expect(handOff.reply).toContain('your banker, bart-skills');
    const conversationId = handOff.session.handedOffTo?.id;
    expect(conversationId).toEqual(expect.any(String));

    const read = async () => {
      const { conversation } = await must<{
        conversation: {
          participants: { id: string }[];
          messages: { edges: { node: { body: string; sender: { id: string } } }[] };
        };
      }>(
        url,
        `query($id: ID!) { conversation(id: $id) { participants { id } messages(last: 10) { edges { node { body sender { id } } } } } }`,
        { id: conversationId },
        banker.token,
      );
      return conversation;
    };
    const seen = await read();
    expect(seen.participants.map((p) => p.id).sort()).toEqual([olga.id, banker.id].sort());
    expect(seen.messages.edges).toHaveLength(1);
    const body = seen.messages.edges[0]!.node.body;
    expect(seen.messages.edges[0]!.node.sender.id).toBe(olga.id);
    expect(body).toContain('Customer: what is the status of my loan application');
    expect(body).toContain(`Assistant: ${first.reply.split('\n')[0]}`);
    expect(body).toContain('Customer: talk to a person');

    const again = await ask(olga, 'I want to talk to a human', first.session.id);
    expect(again.session.handedOffTo).toEqual({ id: conversationId });
    const after = await read();
    expect(after.messages.edges).toHaveLength(2);
    expect(after.messages.edges[1]!.node.body).toContain('Customer: I want to talk to a human');
    const { assistantSession } = await must<{ assistantSession: { handedOffTo: { id: string } } }>(
      url,
      `query($id: ID!) { assistantSession(id: $id) { handedOffTo { id } } }`,
      { id: first.session.id },
      olga.token,
    );
    expect(assistantSession.handedOffTo).toEqual({ id: conversationId });
  });

  test('"freeze my account": handed to her banker, never frozen, and it says so', async () => {
    const turn = await ask(olga, 'please freeze my account');
    expect(turn.intent).toBe('freeze_account');
    expect(turn.reply).toMatch(
      /^I can't freeze an account myself, so I've passed our conversation to your banker, bart-skills/,
    );
    expect(turn.reply).toContain('call the bank now');
    expect(turn.session.handedOffTo?.id).toEqual(expect.any(String));
    expect(Object.values(await accountsOf(olga)).map((a) => a.status)).toEqual(['ACTIVE']);
  });
});

// ---------------------------------------------------------------------------
// A retail customer has no banker: honest answers
// ---------------------------------------------------------------------------

describe('a retail customer', () => {
  const conversationsOf = async (who: SignedUp) =>
    (
      await must<{ me: { conversations: { edges: unknown[] } } }>(
        url,
        `{ me { conversations { edges { cursor } } } }`,
        {},
        who.token,
      )
    ).me.conversations.edges;

  test('asking for a person: told no person can be reached from the chat, nothing started', async () => {
    const turn = await ask(rita, 'talk to a person');
    expect(turn.intent).toBe('talk_to_human');
    expect(turn.reply).toMatch(/can't connect you to a person from this chat/);
    expect(turn.reply).not.toMatch(/passed|banker will/);
    expect(turn.session.handedOffTo).toBeNull();
    expect(await conversationsOf(rita)).toEqual([]);
  });

  test('fraud and freezing: never pretends, the accounts stay ACTIVE, and she is told to call', async () => {
    for (const [text, intent, words] of [
      ['I want to report fraud', 'report_fraud', "can't report fraud"],
      ['freeze my account', 'freeze_account', "can't freeze an account"],
    ] as const) {
      const turn = await ask(rita, text);
      expect(turn.intent).toBe(intent);
      expect(turn.reply).toContain(words);
      expect(turn.reply).toContain('call the bank now');
      expect(turn.reply).not.toMatch(/\b(frozen|have (been )?(frozen|blocked|reported))\b/i);
      expect(turn.session.handedOffTo).toBeNull();
    }
    expect(Object.values(await accountsOf(rita)).map((a) => a.status)).toEqual(['ACTIVE', 'ACTIVE']);
    expect(await conversationsOf(rita)).toEqual([]);
  });

  test('loans are for business owners', async () => {
    const turn = await ask(rita, 'what is the status of my loan application');
    expect(turn.reply).toBe('Loans here are for business owners, and you have none.');
    expect(turn.cards).toEqual([]);
  });

  test('"what is my routing number": masked numbers only, never a full account number', async () => {
    const numbers = await bankingSql<{ number: string }>(bank, 'select number from accounts where owner_id = ?', [
      rita.id,
    ]);
    expect(numbers).toHaveLength(2);
    for (const text of ['what is my routing number', "what's my routing number"]) {
      const turn = await ask(rita, text);
      expect(turn.intent).toBe('routing');
      expect(turn.reply).toContain('masked');
    }
    // Whatever it is understood as, no answer holds a full number.
    for (const text of ['what is my routing number', 'tell me my full account number', 'show my account numbers']) {
      const turn = await ask(rita, text);
      const shown = JSON.stringify(turn);
      for (const { number } of numbers) expect(shown).not.toContain(number);
      expect(turn.reply).not.toMatch(/\d{5}/);
    }
  });
});

// ---------------------------------------------------------------------------
// Understanding: low confidence and small talk
// ---------------------------------------------------------------------------

test('an ambiguous message gets a clarifying question, and nothing is done', async () => {
  const before = await accountsOf(rita);
  const turn = await ask(rita, 'the money');
  expect(turn).toMatchObject({ clarifying: true, intent: 'transfer', action: null, pendingAction: null, cards: [] });
  expect(turn.confidence).toBeLessThan(0.35);
  expect(turn.reply).toBe("I'm not sure I understood. Do you want to transfer money, or to see your balances?");
  expect(turn.suggestions.length).toBeGreaterThan(0);
  expect(await accountsOf(rita)).toEqual(before);
  // A clear message right after is answered.
  const clear = await ask(rita, 'what is my balance', turn.session.id);
  expect(clear).toMatchObject({ clarifying: false, intent: 'balance' });
});

test('greeting, thanks, goodbye and help: sensible replies, and suggestions the assistant itself understands', async () => {
  const greeting = await ask(rita, 'hi there');
  expect(greeting.intent).toBe('greeting');
  expect(greeting.reply).toMatch(/^Hello! I can help with your balances/);
  const thanks = await ask(rita, 'thank you', greeting.session.id);
  expect(thanks.intent).toBe('thank_you');
  expect(thanks.reply).toBe('You are welcome. Anything else?');
  const help = await ask(rita, 'what can you help me with', greeting.session.id);
  expect(help.intent).toBe('help');
  expect(help.reply).toContain('Payments always wait for your confirmation');
  const bye = await ask(rita, 'bye', greeting.session.id);
  expect(bye.intent).toBe('goodbye');
  expect(bye.reply).toMatch(/^Goodbye!/);

  const suggestions = [...new Set([...greeting.suggestions, ...thanks.suggestions, ...help.suggestions])];
  expect(suggestions.length).toBeGreaterThanOrEqual(4);
  for (const suggestion of suggestions) {
    const turn = await ask(rita, suggestion);
    expect({ suggestion, clarifying: turn.clarifying, oos: turn.intent === 'oos' }).toEqual({
      suggestion,
      clarifying: false,
      oos: false,
    });
  }
});
