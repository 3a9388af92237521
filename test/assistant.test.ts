/**
 * The assistant through the router: questions answered from the customer's
 * own data, payments that move money only on confirmation, sessions and
 * turns that belong to their user only.
 */
import { randomUUID } from 'node:crypto';
import { askAs, askMutation, fundedAccount } from './support/assistant.ts';
import { must, signUp, type SignedUp } from './support/people.ts';
import { postGraphQL, startTestStack, type JsonResponse, type TestStack } from './support/stack.ts';

let bank: TestStack;
let url: string;
beforeAll(async () => {
  bank = await startTestStack();
  url = bank.routerUrl;
});
afterAll(async () => {
  await bank?.close();
});

const TURN = `id intent confidence clarifying reply text clientMessageId suggestions
  session { id }
  cards { kind title accounts { id balance { amount currency } } transactions { id description amount { amount } }
    spending { category total { amount currency } previousTotal { amount } count } bills { id } }
  action { id kind status summary amount { amount currency } fromAccount { id } toAccount { id } toAccountId transaction { id } }
  pendingAction { id status }`;

const ASK = askMutation(TURN);
const CONFIRM = `mutation($id: ID!, $key: String!) { confirmAssistantAction(actionId: $id, idempotencyKey: $key) { ${TURN} } }`;
const CANCEL = `mutation($id: ID!) { cancelAssistantAction(actionId: $id) { ${TURN} } }`;

interface Turn {
  id: string;
  intent: string;
  confidence: number;
  clarifying: boolean;
  reply: string;
  session: { id: string };
  cards: {
    kind: string;
    accounts: { id: string; balance: { amount: string } }[];
    transactions: { id: string; description: string }[];
    spending: { category: string; total: { amount: string }; previousTotal: { amount: string } }[];
  }[];
  action: {
    id: string;
    kind: string;
    status: string;
    summary: string;
    amount: { amount: string };
    transaction: { id: string } | null;
  } | null;
  pendingAction: { id: string; status: string } | null;
}

const ask = (who: SignedUp, text: string, sessionId?: string, clientMessageId?: string): Promise<Turn> =>
  askAs<Turn>(url, who, TURN, { text, sessionId, clientMessageId });

async function balances(who: SignedUp): Promise<Record<string, string>> {
  const { me } = await must<{ me: { accounts: { id: string; balance: { amount: string } }[] } }>(
    url,
    `{ me { accounts { id balance { amount } } } }`,
    {},
    who.token,
  );
  return Object.fromEntries(me.accounts.map((a) => [a.id, a.balance.amount]));
}

const errorOf = (result: JsonResponse) => result.errors?.[0]?.extensions;

let ana: SignedUp;
let checking: string;
let savings: string;
beforeAll(async () => {
  ana = await signUp(url, 'ana-assistant', 'CUSTOMER');
  checking = await fundedAccount(url, ana, 'CHECKING', { funds: '1500.00' });
  savings = await fundedAccount(url, ana, 'SAVINGS', { funds: '200.00' });
});

test('a balance question is answered from the ledger, with the accounts as a card', async () => {
  const turn = await ask(ana, 'how much money do I have?');
  expect(turn.intent).toBe('balance');
  expect(turn.reply).toContain('$1,500.00');
  expect(turn.reply).toContain('$200.00');
  expect(turn.cards[0]?.kind).toBe('ACCOUNTS');
  expect(turn.cards[0]?.accounts.map((a) => a.balance.amount).sort()).toEqual(['1500.00', '200.00']);
  const one = await ask(ana, 'how much is in my savings', turn.session.id);
  expect(one.session.id).toBe(turn.session.id);
  expect(one.cards[0]?.accounts).toEqual([{ id: savings, balance: { amount: '200.00', currency: 'USD' } }]);
});

test('a transfer waits for confirmation; "yes" moves nothing; confirm moves it once', async () => {
  const before = await balances(ana);
  const proposal = await ask(ana, 'transfer $50 from checking to savings');
  expect(proposal.intent).toBe('transfer');
  expect(proposal.action).toMatchObject({ kind: 'TRANSFER', status: 'PENDING', amount: { amount: '50.00' } });
  expect(proposal.reply).toMatch(/Transfer \$50\.00 from Checking ••\d{4} to Savings ••\d{4}\?/);
  const yes = await ask(ana, 'yes', proposal.session.id);
  expect(yes.intent).toBe('yes');
  expect(yes.pendingAction?.id).toBe(proposal.action!.id);
  expect(await balances(ana)).toEqual(before);

  const key = randomUUID();
  const { confirmAssistantAction: done } = await must<{ confirmAssistantAction: Turn }>(
    url,
    CONFIRM,
    { id: proposal.action!.id, key },
    ana.token,
  );
  expect(done.action).toMatchObject({ status: 'CONFIRMED' });
  expect(done.action!.transaction?.id).toBeDefined();
  const after = await balances(ana);
  expect(after[checking]).toBe((Number(before[checking]) - 50).toFixed(2));
  expect(after[savings]).toBe((Number(before[savings]) + 50).toFixed(2));

  const retry = await must<{ confirmAssistantAction: Turn }>(url, CONFIRM, { id: proposal.action!.id, key }, ana.token);
  expect(retry.confirmAssistantAction.id).toBe(done.id);
  const second = await postGraphQL(url, CONFIRM, { id: proposal.action!.id, key: randomUUID() }, ana.token);
  expect(errorOf(second)).toMatchObject({ code: 'INVALID_STATE_TRANSITION', reason: 'ALREADY_CONFIRMED' });
  expect(await balances(ana)).toEqual(after);
});

test('"cancel" and cancelAssistantAction move nothing, and a cancelled action cannot be confirmed', async () => {
  const before = await balances(ana);
  const proposal = await ask(ana, 'send 20 dollars from savings to checking');
  expect(proposal.action?.status).toBe('PENDING');
  const cancelled = await ask(ana, 'cancel', proposal.session.id);
  expect(cancelled.action).toMatchObject({ id: proposal.action!.id, status: 'CANCELLED' });
  const late = await postGraphQL(url, CONFIRM, { id: proposal.action!.id, key: randomUUID() }, ana.token);
  expect(errorOf(late)).toMatchObject({ code: 'INVALID_STATE_TRANSITION', reason: 'ACTION_CANCELLED' });

  const again = await ask(ana, 'transfer 10 from checking to savings');
  const { cancelAssistantAction } = await must<{ cancelAssistantAction: Turn }>(
    url,
    CANCEL,
    { id: again.action!.id },
    ana.token,
  );
  expect(cancelAssistantAction.action?.status).toBe('CANCELLED');
  expect(await balances(ana)).toEqual(before);
});

test("another customer's action, session and turns do not exist for them", async () => {
  const eve = await signUp(url, 'eve-assistant', 'CUSTOMER');
  const proposal = await ask(ana, 'transfer 5 from checking to savings');
  const confirm = await postGraphQL(url, CONFIRM, { id: proposal.action!.id, key: randomUUID() }, eve.token);
  const madeUp = await postGraphQL(url, CONFIRM, { id: randomUUID(), key: randomUUID() }, eve.token);
  expect(errorOf(confirm)).toEqual(errorOf(madeUp));
  expect(errorOf(confirm)?.code).toBe('NOT_FOUND');
  const read = await postGraphQL(
    url,
    `query($id: ID!) { assistantSession(id: $id) { id } }`,
    { id: proposal.session.id },
    eve.token,
  );
  expect(read.data).toEqual({ assistantSession: null });
  const cont = await postGraphQL(url, ASK, { input: { text: 'balance', sessionId: proposal.session.id } }, eve.token);
  expect(errorOf(cont)?.code).toBe('NOT_FOUND');
  // Naming Ana's account in a question reads nothing of hers.
  const probe = await ask(eve, `what is the balance of account ${checking}`);
  expect(probe.reply).not.toContain('1,');
  await must(url, CANCEL, { id: proposal.action!.id }, ana.token);
});

test('the same clientMessageId returns the first turn; another text with it is refused', async () => {
  const id = randomUUID();
  const first = await ask(ana, 'hello', undefined, id);
  const again = await ask(ana, 'hello', undefined, id);
  expect(again.id).toBe(first.id);
  const other = await postGraphQL(url, ASK, { input: { text: 'goodbye', clientMessageId: id } }, ana.token);
  expect(errorOf(other)?.code).toBe('IDEMPOTENCY_KEY_REUSED');
});

test('bad input is BAD_USER_INPUT and anonymous callers are UNAUTHENTICATED', async () => {
  for (const text of ['', '   ', 'x'.repeat(1001)]) {
    const result = await postGraphQL(url, ASK, { input: { text } }, ana.token);
    expect(errorOf(result)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'text' });
  }
  const anonymous = await postGraphQL(url, ASK, { input: { text: 'balance' } });
  expect(errorOf(anonymous)?.code).toBe('UNAUTHENTICATED');
});

test('out of scope: a clear "I can\'t help with that"', async () => {
  const turn = await ask(ana, 'what is the capital of france');
  expect(turn.intent).toBe('oos');
  expect(turn.reply).toMatch(/can't help with that/);
});
