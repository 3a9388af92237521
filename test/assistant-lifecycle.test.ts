/**
 * The assistant's actions, sessions and turns over their whole life, end to
 * end through the router, with step-up for payments on (as in production):
 *
 * - a confirmation that needs a second factor answers banking's challenge,
 *   moves nothing and leaves the action PENDING; confirmed with the proof, it
 *   moves the money exactly once;
 * - an action past its expiry cannot be confirmed (or cancelled);
 * - concurrent confirmations of one action move money once, and concurrent
 *   resends of one message make one turn;
 * - `assistantTurnAdded` over graphql-ws and multipart HTTP delivers what
 *   another device asked and the outcome of a confirmation, with fields of
 *   other subgraphs resolved; to anyone else the session does not exist;
 * - `me.assistantSessions` and `turns` page through the caller's own, most
 *   recent session first;
 * - the data export holds the assistant's section, and an erasure
 *   anonymizes what the customer wrote and what the assistant answered.
 */
import { randomUUID } from 'node:crypto';
import { askAs, askMutation } from './support/assistant.ts';
import { addBill, billerOf } from './support/billing.ts';
import { balanceOf, deposit, openAccount } from './support/lending.ts';
import { multipartSubscribe, type MultipartSubscription } from './support/multipart.ts';
import { must, signUp, type SignedUp } from './support/people.ts';
import { codeOf, enrolTotp } from './support/second-factor.ts';
import { callSubgraph, postGraphQL, startTestStack, type JsonResponse, type TestStack } from './support/stack.ts';
import { connect, subscribe, until, type WsClient } from './support/ws.ts';

let bank: TestStack;
let url: string;
beforeAll(async () => {
  // Step-up is on in production; the shared test environment turns it off for other suites.
  bank = await startTestStack({ PAYMENT_STEP_UP: 'on' });
  url = bank.routerUrl;
});
afterAll(async () => {
  await bank?.close();
});

const TURN = `id text reply intent clientMessageId session { id }
  cards { kind accounts { id balance { amount } } }
  action { id kind status amount { amount } fromAccount { id } toAccount { id } toAccountId transaction { id } billPayment { id }
    expiresAt }
  pendingAction { id status }`;
const ASK = askMutation(TURN);
const CONFIRM = `mutation($id: ID!, $key: String!, $proof: String) {
  confirmAssistantAction(actionId: $id, idempotencyKey: $key, stepUpProof: $proof) { ${TURN} } }`;
const CANCEL = `mutation($id: ID!) { cancelAssistantAction(actionId: $id) { ${TURN} } }`;
const SESSION = `query($id: ID!, $first: Int, $after: String) { assistantSession(id: $id) { id
  turns(first: $first, after: $after) { edges { cursor node { ${TURN} } } pageInfo { hasNextPage endCursor } } } }`;
const SESSIONS = `query($first: Int, $after: String) { me { assistantSessions(first: $first, after: $after) {
  edges { cursor node { id lastTurnAt } } pageInfo { hasNextPage endCursor } } } }`;
const STEP_UP = `mutation($id: String!, $proof: SecondFactorProof!) { confirmStepUp(challengeId: $id, proof: $proof) { proof } }`;
const TURN_ADDED = `subscription($id: ID!) { assistantTurnAdded(sessionId: $id) { ${TURN} } }`;

interface Turn {
  id: string;
  text: string | null;
  reply: string;
  intent: string;
  clientMessageId: string | null;
  session: { id: string };
  cards: { kind: string; accounts: { id: string; balance: { amount: string } }[] }[];
  action: {
    id: string;
    kind: string;
    status: string;
    amount: { amount: string };
    fromAccount: { id: string };
    toAccount: { id: string } | null;
    toAccountId: string | null;
    transaction: { id: string } | null;
    billPayment: { id: string } | null;
    expiresAt: string;
  } | null;
  pendingAction: { id: string; status: string } | null;
}

interface Page<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/** A customer with a checking and a savings account (money in the checking account). */
interface Customer extends SignedUp {
  checking: string;
  savings: string;
  recoveryCodes: string[];
}

let seq = 0;
async function customer(name: string, options: { funds?: string; factor?: boolean } = {}): Promise<Customer> {
  const user = await signUp(url, `${name}-life-${(seq += 1)}`, 'CUSTOMER');
  const [checking, savings] = [await openAccount(url, user, 'CHECKING'), await openAccount(url, user, 'SAVINGS')];
  if (options.funds) await deposit(url, user, checking, options.funds);
  const recoveryCodes = options.factor ? (await enrolTotp(url, user.token)).recoveryCodes : [];
  return { ...user, checking, savings, recoveryCodes };
}

const ask = (who: SignedUp, text: string, sessionId?: string, clientMessageId?: string): Promise<Turn> =>
  askAs<Turn>(url, who, TURN, { text, sessionId, clientMessageId });

const confirm = (who: SignedUp, id: string, key: string, proof?: string) =>
  postGraphQL(url, CONFIRM, { id, key, proof }, who.token);

function turnOf(result: JsonResponse, field = 'confirmAssistantAction'): Turn {
  expect(result.errors).toBeUndefined();
  return (result.data as Record<string, Turn>)[field]!;
}

const errorOf = (result: JsonResponse) => result.errors?.[0]?.extensions;

async function turnsOf(who: SignedUp, sessionId: string): Promise<Turn[]> {
  const { assistantSession } = await must<{ assistantSession: { turns: Page<Turn> } }>(
    url,
    SESSION,
    { id: sessionId, first: 100 },
    who.token,
  );
  return assistantSession.turns.edges.map((e) => e.node);
}

/** The action as its owner reads it now, through the session's turns. */
async function actionOf(who: SignedUp, sessionId: string, actionId: string): Promise<NonNullable<Turn['action']>> {
  const turns = await turnsOf(who, sessionId);
  const action = turns.map((t) => t.action).find((a) => a?.id === actionId);
  if (!action) throw new Error(`no turn of session ${sessionId} shows action ${actionId}`);
  return action;
}

async function balances(who: Customer): Promise<[string, string]> {
  return [await balanceOf(url, who, who.checking), await balanceOf(url, who, who.savings)];
}

/** Raw SQL on the assistant's own test database. */
function assistantSql<T extends object>(text: string, params: unknown[] = []): Promise<T[]> {
  return bank.stack.subgraphs.assistant!.orm.em.getConnection().execute<T[]>(text, params);
}

/** Banking's transactions between two accounts (either way), as the ledger holds them. */
async function transfersBetween(a: string, b: string): Promise<number> {
  const [row] = await bank.stack.subgraphs.banking!.orm.em.getConnection().execute<{ n: number }[]>(
    `select count(*)::int as n from transactions
        where (from_account_id = ? and to_account_id = ?) or (from_account_id = ? and to_account_id = ?)`,
    [a, b, b, a],
  );
  return row!.n;
}

/** Confirms a step-up challenge with one of the customer's recovery codes: the proof. */
async function stepUp(who: Customer, challengeId: string): Promise<string> {
  const { confirmStepUp } = await must<{ confirmStepUp: { proof: string } }>(
    url,
    STEP_UP,
    { id: challengeId, proof: { code: who.recoveryCodes.shift() } },
    who.token,
  );
  return confirmStepUp.proof;
}

describe('step-up', () => {
  test('a transfer to a new payee answers the challenge, waits PENDING, and moves once after confirmStepUp', async () => {
    const ann = await customer('ann', { funds: '5000.00', factor: true });
    const bob = await customer('bob');
    const proposal = await ask(ann, `transfer $50 from checking to account ${bob.checking}`);
    expect(proposal.action).toMatchObject({
      kind: 'TRANSFER',
      status: 'PENDING',
      amount: { amount: '50.00' },
      fromAccount: { id: ann.checking },
      toAccount: null,
      toAccountId: bob.checking,
    });
    const actionId = proposal.action!.id;
    const session = proposal.session.id;
    const key = randomUUID();

    const refused = await confirm(ann, actionId, key);
    expect(refused.data?.confirmAssistantAction ?? null).toBeNull();
    const challenge = errorOf(refused) as Record<string, unknown>;
    // Banking's challenge, passed through as it made it: bound to exactly this payment.
    expect(challenge).toMatchObject({
      code: 'STEP_UP_REQUIRED',
      amount: '50.00',
      currency: 'USD',
      source: ann.checking,
      destination: bob.checking,
      proofRejected: false,
    });
    expect(challenge.reasons).toContain('NEW_PAYEE');
    expect(challenge.challengeId).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await actionOf(ann, session, actionId)).toMatchObject({ status: 'PENDING', transaction: null });
    expect(await balanceOf(url, ann, ann.checking)).toBe('5000.00');
    expect(await balanceOf(url, bob, bob.checking)).toBe('0.00');
    expect(await transfersBetween(ann.checking, bob.checking)).toBe(0);
    // Asking again: the same challenge (the payment's key is the action's, whatever the confirmation's key).
    expect(errorOf(await confirm(ann, actionId, randomUUID()))?.challengeId).toBe(challenge.challengeId);
    // The turns say nothing happened: no outcome turn, the action still pending after the proposal.
    const turns = await turnsOf(ann, session);
    expect(turns.map((t) => t.id)).toEqual([proposal.id]);
    expect(turns[0]!.pendingAction).toEqual({ id: actionId, status: 'PENDING' });

    // A proof for another payment (60.00 to bob, another action in another session) does not confirm this one.
    const other = await ask(ann, `transfer $60 from checking to account ${bob.checking}`);
    const otherChallenge = errorOf(await confirm(ann, other.action!.id, randomUUID()));
    expect(otherChallenge?.code).toBe('STEP_UP_REQUIRED');
    const otherProof = await stepUp(ann, otherChallenge!.challengeId as string);
    const wrongProof = errorOf(await confirm(ann, actionId, key, otherProof));
    expect(wrongProof).toMatchObject({ code: 'STEP_UP_REQUIRED', proofRejected: true });
    expect(await actionOf(ann, session, actionId)).toMatchObject({ status: 'PENDING' });
    await must(url, CANCEL, { id: other.action!.id }, ann.token);

    const proof = await stepUp(ann, challenge.challengeId as string);
    const done = turnOf(await confirm(ann, actionId, key, proof));
    expect(done.text).toBeNull();
    expect(done.action).toMatchObject({ id: actionId, status: 'CONFIRMED' });
    expect(done.action!.transaction?.id).toBeDefined();
    expect(await balanceOf(url, ann, ann.checking)).toBe('4950.00');
    expect(await balanceOf(url, bob, bob.checking)).toBe('50.00');

    // The same key again, with or without the proof: the first outcome; another key: refused. Moved once.
    expect(turnOf(await confirm(ann, actionId, key, proof)).id).toBe(done.id);
    expect(turnOf(await confirm(ann, actionId, key)).id).toBe(done.id);
    expect(errorOf(await confirm(ann, actionId, randomUUID(), proof))).toMatchObject({
      code: 'INVALID_STATE_TRANSITION',
      reason: 'ALREADY_CONFIRMED',
    });
    expect(await balanceOf(url, ann, ann.checking)).toBe('4950.00');
    expect(await balanceOf(url, bob, bob.checking)).toBe('50.00');
    expect(await transfersBetween(ann.checking, bob.checking)).toBe(1);
    expect((await turnsOf(ann, session)).map((t) => t.id)).toEqual([proposal.id, done.id]);
  });

  test('a first payment to a biller: the challenge, nothing paid, then paid once with the proof', async () => {
    const bea = await customer('bea', { funds: '500.00', factor: true });
    const biller = await billerOf(url, bea, 'INTERNET');
    const billId = await addBill(url, bea, { billerId: biller.id, amount: '80.00' });
    const proposal = await ask(bea, `pay my ${biller.name} bill`);
    expect(proposal.action).toMatchObject({ kind: 'PAY_BILL', status: 'PENDING', amount: { amount: '80.00' } });
    const key = randomUUID();
    const challenge = errorOf(await confirm(bea, proposal.action!.id, key));
    expect(challenge).toMatchObject({
      code: 'STEP_UP_REQUIRED',
      amount: '80.00',
      source: bea.checking,
      destination: biller.id,
    });
    const billOf = async () =>
      (
        await must<{ bill: { status: string; remaining: { amount: string } } }>(
          url,
          `query($id: ID!) { bill(id: $id) { status remaining { amount } } }`,
          { id: billId },
          bea.token,
        )
      ).bill;
    expect(await billOf()).toEqual({ status: 'DUE', remaining: { amount: '80.00' } });
    expect(await actionOf(bea, proposal.session.id, proposal.action!.id)).toMatchObject({ status: 'PENDING' });

    const proof = await stepUp(bea, challenge!.challengeId as string);
    const done = turnOf(await confirm(bea, proposal.action!.id, key, proof));
    expect(done.action).toMatchObject({ status: 'CONFIRMED', billPayment: { id: expect.any(String) } });
    expect(turnOf(await confirm(bea, proposal.action!.id, key)).id).toBe(done.id);
    expect(await billOf()).toEqual({ status: 'PAID', remaining: { amount: '0.00' } });
    expect(await balanceOf(url, bea, bea.checking)).toBe('420.00');
  });
});

test('an action past its expiry cannot be confirmed or cancelled: ACTION_EXPIRED, EXPIRED, nothing moves', async () => {
  const cal = await customer('cal', { funds: '300.00' });
  const proposal = await ask(cal, 'transfer 25 from checking to savings');
  const actionId = proposal.action!.id;
  const session = proposal.session.id;
  expect(proposal.action?.status).toBe('PENDING');
  // The shortest expiry the configuration allows is 30 s (ASSISTANT_ACTION_TTL_SECONDS), and no API can age an
  // action: the test moves its expiry into the past in the assistant's own test database instead of waiting.
  await assistantSql(`update assistant_actions set expires_at = now() - interval '1 second' where id = ?`, [actionId]);

  // Shown EXPIRED at once, before anyone tries it; "yes" no longer refers to it.
  expect(await actionOf(cal, session, actionId)).toMatchObject({ status: 'EXPIRED' });
  const yes = await ask(cal, 'yes', session);
  expect(yes.pendingAction).toBeNull();
  expect(yes.reply).not.toContain('Confirm');

  const lastTurnAt = async () =>
    (
      await must<{ assistantSession: { lastTurnAt: string } }>(
        url,
        `query($id: ID!) { assistantSession(id: $id) { lastTurnAt } }`,
        { id: session },
        cal.token,
      )
    ).assistantSession.lastTurnAt;
  const before = await lastTurnAt();
  const key = randomUUID();
  const refused = await confirm(cal, actionId, key);
  expect(refused.data?.confirmAssistantAction ?? null).toBeNull();
  expect(errorOf(refused)).toMatchObject({ code: 'INVALID_STATE_TRANSITION', reason: 'ACTION_EXPIRED' });
  // Recorded as EXPIRED: the same key, another key and a cancellation all get the same answer.
  expect(await assistantSql(`select status from assistant_actions where id = ?`, [actionId])).toEqual([
    { status: 'EXPIRED' },
  ]);
  for (const again of [await confirm(cal, actionId, key), await confirm(cal, actionId, randomUUID())]) {
    expect(errorOf(again)).toMatchObject({ code: 'INVALID_STATE_TRANSITION', reason: 'ACTION_EXPIRED' });
  }
  const cancel = await postGraphQL(url, CANCEL, { id: actionId }, cal.token);
  expect(errorOf(cancel)).toMatchObject({ code: 'INVALID_STATE_TRANSITION', reason: 'ACTION_EXPIRED' });
  expect(await actionOf(cal, session, actionId)).toMatchObject({ status: 'EXPIRED', transaction: null });
  expect(await balances(cal)).toEqual(['300.00', '0.00']);
  expect(await transfersBetween(cal.checking, cal.savings)).toBe(0);
  // No outcome turn was added: the proposal and the "yes"; the session's last turn is still the "yes".
  expect((await turnsOf(cal, session)).map((t) => t.id)).toEqual([proposal.id, yes.id]);
  expect(await lastTurnAt()).toBe(before);
});

describe('concurrency', () => {
  test('ten concurrent confirmations with different keys: one succeeds, money moves once, nine are refused', async () => {
    const dee = await customer('dee', { funds: '1000.00' });
    const proposal = await ask(dee, 'transfer 40 from checking to savings');
    const actionId = proposal.action!.id;
    const keys = Array.from({ length: 10 }, () => randomUUID());
    const results = await Promise.all(keys.map((key) => confirm(dee, actionId, key)));
    const done = results.filter((r) => !r.errors);
    expect(done).toHaveLength(1);
    expect(results.filter((r) => r.errors).map(errorOf)).toEqual(
      Array.from({ length: 9 }, () => expect.objectContaining({ code: 'INVALID_STATE_TRANSITION' })),
    );
    expect(results.filter((r) => r.errors).map((r) => errorOf(r)?.reason)).toEqual(
      Array.from({ length: 9 }, () => 'ALREADY_CONFIRMED'),
    );
    expect(await balances(dee)).toEqual(['960.00', '40.00']);
    expect(await transfersBetween(dee.checking, dee.savings)).toBe(1);
    // The winner's key returns its outcome; one outcome turn only.
    const winner = keys[results.findIndex((r) => !r.errors)]!;
    const outcome = turnOf(done[0]!);
    expect(turnOf(await confirm(dee, actionId, winner)).id).toBe(outcome.id);
    const turns = await turnsOf(dee, proposal.session.id);
    expect(turns.map((t) => t.id)).toEqual([proposal.id, outcome.id]);
  });

  test('ten concurrent confirmations with one key all answer the one outcome; confirm and cancel race: one wins', async () => {
    const eli = await customer('eli', { funds: '1000.00' });
    const proposal = await ask(eli, 'transfer 15 from checking to savings');
    const key = randomUUID();
    const results = await Promise.all(Array.from({ length: 10 }, () => confirm(eli, proposal.action!.id, key)));
    const ids = new Set(results.map((r) => turnOf(r).id));
    expect(ids.size).toBe(1);
    expect(await balances(eli)).toEqual(['985.00', '15.00']);

    const next = await ask(eli, 'transfer 5 from checking to savings');
    const [confirmed, cancelled] = await Promise.all([
      confirm(eli, next.action!.id, randomUUID()),
      postGraphQL(url, CANCEL, { id: next.action!.id }, eli.token),
    ]);
    const winners = [confirmed, cancelled].filter((r) => !r.errors);
    expect(winners).toHaveLength(1);
    const loser = [confirmed, cancelled].find((r) => r.errors)!;
    expect(errorOf(loser)?.code).toBe('INVALID_STATE_TRANSITION');
    const status = (await actionOf(eli, next.session.id, next.action!.id)).status;
    if (winners[0] === confirmed) {
      expect({ status, reason: errorOf(loser)?.reason }).toEqual({ status: 'CONFIRMED', reason: 'ALREADY_CONFIRMED' });
      expect(await balances(eli)).toEqual(['980.00', '20.00']);
    } else {
      expect({ status, reason: errorOf(loser)?.reason }).toEqual({ status: 'CANCELLED', reason: 'ACTION_CANCELLED' });
      expect(await balances(eli)).toEqual(['985.00', '15.00']);
    }
  });

  test('a confirmation racing a new proposal or a "cancel" in the same session: each answers, money moves at most once', async () => {
    const ola = await customer('ola', { funds: '1000.00' });
    let session: string | undefined;
    let moved = 0;
    for (const [round, text] of [
      'transfer 1 from checking to savings',
      'cancel',
      'transfer 2 from savings to checking',
    ].entries()) {
      const proposal = await ask(ola, 'transfer 10 from checking to savings', session);
      session = proposal.session.id;
      const [confirmed, asked] = await Promise.all([
        confirm(ola, proposal.action!.id, randomUUID()),
        postGraphQL(url, ASK, { input: { text, sessionId: session } }, ola.token),
      ]);
      // The message never fails: it waits for the confirmation, or cancels the action before it.
      expect({ round, errors: asked.errors }).toEqual({ round, errors: undefined });
      const status = (await actionOf(ola, session, proposal.action!.id)).status;
      if (confirmed.errors) {
        expect({ round, error: errorOf(confirmed), status }).toEqual({
          round,
          error: expect.objectContaining({ code: 'INVALID_STATE_TRANSITION', reason: 'ACTION_CANCELLED' }),
          status: 'CANCELLED',
        });
      } else {
        expect({ round, status }).toEqual({ round, status: 'CONFIRMED' });
        moved += 10;
      }
    }
    expect(await balances(ola)).toEqual([(1000 - moved).toFixed(2), moved.toFixed(2)]);
  });

  test('concurrent askAssistant with one clientMessageId makes one turn (and one session, one action)', async () => {
    const fay = await customer('fay', { funds: '100.00' });
    const sessionsOf = async () =>
      (await must<{ me: { assistantSessions: Page<{ id: string }> } }>(url, SESSIONS, { first: 50 }, fay.token)).me
        .assistantSessions.edges;

    // A new session each time it is not the resend: one session and one turn only.
    const id = randomUUID();
    const first = await Promise.all(
      Array.from({ length: 6 }, () => ask(fay, 'how much money do I have', undefined, id)),
    );
    expect(new Set(first.map((t) => t.id)).size).toBe(1);
    expect(new Set(first.map((t) => t.session.id)).size).toBe(1);
    expect((await sessionsOf()).map((e) => e.node.id)).toEqual([first[0]!.session.id]);
    expect((await turnsOf(fay, first[0]!.session.id)).map((t) => t.id)).toEqual([first[0]!.id]);

    // In that session, a proposal resent concurrently: one turn, one action.
    const again = randomUUID();
    const session = first[0]!.session.id;
    const proposals = await Promise.all(
      Array.from({ length: 6 }, () => ask(fay, 'transfer 10 from checking to savings', session, again)),
    );
    expect(new Set(proposals.map((t) => t.id)).size).toBe(1);
    expect(new Set(proposals.map((t) => t.action?.id)).size).toBe(1);
    const turns = await turnsOf(fay, session);
    expect(turns.map((t) => t.id)).toEqual([first[0]!.id, proposals[0]!.id]);
    expect(await assistantSql(`select status from assistant_actions where session_id = ?`, [session])).toEqual([
      { status: 'PENDING' },
    ]);
    expect((await sessionsOf()).length).toBe(1);
    // The id is the customer's own: another customer sending it gets a turn of their own, nothing of fay's.
    const gil = await customer('gil');
    const theirs = await ask(gil, 'how much money do I have', undefined, id);
    expect(theirs.id).not.toBe(first[0]!.id);
    expect(theirs.session.id).not.toBe(session);
    expect(JSON.stringify(theirs)).not.toContain(fay.checking);
  });
});

describe('assistantTurnAdded', () => {
  let gus: Customer;
  let session: string;
  let ws: WsClient;
  const open: MultipartSubscription[] = [];
  const live = () => bank.stack.router.subscriptions.stats().subscriptions;

  beforeAll(async () => {
    gus = await customer('gus', { funds: '500.00' });
    session = (await ask(gus, 'hello')).session.id;
    ws = connect(url, gus.token);
  });
  afterAll(async () => {
    for (const sub of open) sub.cancel();
    await ws?.dispose();
  });

  test('delivers the turns another device adds and the outcome of a confirmation, over graphql-ws and multipart HTTP', async () => {
    const before = live();
    const viaWs = subscribe<{ assistantTurnAdded: Turn }>(ws, TURN_ADDED, { id: session });
    const viaHttp = await multipartSubscribe(url, TURN_ADDED, { id: session }, gus.token);
    open.push(viaHttp);
    expect(viaHttp.status).toBe(200);
    // The session's id in upper case names the same session (as on every other path): it hears the same turns.
    const upper = subscribe<{ assistantTurnAdded: Turn }>(ws, TURN_ADDED, { id: session.toUpperCase() });
    // A variable left out takes its default, as in any operation.
    const byDefault = subscribe<{ assistantTurnAdded: Turn }>(
      ws,
      `subscription($id: ID! = "${session}") { assistantTurnAdded(sessionId: $id) { id } }`,
    );
    await until(() => live() === before + 4, 5_000, 'subscribed');
    const next = async () => {
      const [a, b] = [await viaWs.next(), await viaHttp.next()];
      expect(a.errors).toBeUndefined();
      // Both transports carry the same result.
      expect(b).toEqual({ payload: a });
      return a.data!.assistantTurnAdded;
    };

    // Another device asks (over HTTP): the live turn has the accounts' balances from banking.
    const asked = await ask(gus, 'how much money do I have', session);
    const balance = await next();
    expect(balance).toEqual(asked);
    expect((await upper.next()).data?.assistantTurnAdded.id).toBe(asked.id);
    expect((await byDefault.next()).data?.assistantTurnAdded.id).toBe(asked.id);
    await upper.stop();
    await byDefault.stop();
    expect(balance.cards[0]?.accounts).toEqual(
      expect.arrayContaining([
        { id: gus.checking, balance: { amount: '500.00' } },
        { id: gus.savings, balance: { amount: '0.00' } },
      ]),
    );
    // A device that asks over graphql-ws (the router passes its token to the assistant there too).
    const overWs = await subscribe<{ askAssistant: Turn }>(ws, ASK, {
      input: { text: 'what can you do', sessionId: session },
    }).next();
    expect(overWs.errors).toBeUndefined();
    expect((await next()).id).toBe(overWs.data!.askAssistant.id);
    const proposal = await ask(gus, 'transfer 30 from checking to savings', session);
    expect(await next()).toMatchObject({ id: proposal.id, action: { status: 'PENDING' }, pendingAction: {} });

    // The confirmation's outcome turn: the action CONFIRMED with its transaction, the balance as it is now.
    const done = turnOf(await confirm(gus, proposal.action!.id, randomUUID()));
    const outcome = await next();
    expect(outcome).toMatchObject({
      id: done.id,
      text: null,
      action: { id: proposal.action!.id, status: 'CONFIRMED', transaction: { id: done.action!.transaction!.id } },
      cards: [{ kind: 'ACCOUNTS', accounts: [{ id: gus.checking, balance: { amount: '470.00' } }] }],
      pendingAction: null,
    });

    // A payment the bank refuses: its outcome turn (FAILED, nothing moved) arrives as well.
    const tooMuch = await ask(gus, 'transfer 9000 from checking to savings', session);
    expect((await next()).id).toBe(tooMuch.id);
    const key = randomUUID();
    const refused = await confirm(gus, tooMuch.action!.id, key);
    expect(errorOf(refused)).toMatchObject({ code: 'INSUFFICIENT_FUNDS', actionId: tooMuch.action!.id });
    expect(await next()).toMatchObject({
      text: null,
      action: { id: tooMuch.action!.id, status: 'FAILED', transaction: null },
      cards: [{ kind: 'ACCOUNTS', accounts: [{ id: gus.checking, balance: { amount: '470.00' } }] }],
    });
    // Its retry answers the same refusal, and adds no turn: nothing more arrives.
    const retried = await confirm(gus, tooMuch.action!.id, key);
    expect({ code: errorOf(retried)?.code, reason: errorOf(retried)?.reason }).toEqual({
      code: errorOf(refused)?.code,
      reason: errorOf(refused)?.reason,
    });
    expect(await viaWs.nothingWithin(300)).toBe(true);
    await viaWs.stop();
    viaHttp.cancel();
    await until(() => live() === before, 5_000, 'released');
  });

  test('to anyone else the session does not exist: NOT_FOUND, exactly as for a made-up id', async () => {
    const hal = await customer('hal');
    const made = randomUUID();
    const other = connect(url, hal.token);
    try {
      const reduce = (errors: unknown) =>
        (errors as JsonResponse['errors'])!.map((e) => ({
          message: e.message,
          code: e.extensions?.code,
          field: e.extensions?.field ?? null,
        }));
      const real = await subscribe(other, TURN_ADDED, { id: session }).next();
      const madeUp = await subscribe(other, TURN_ADDED, { id: made }).next();
      expect(real.data ?? null).toBeNull();
      expect(reduce(real.errors)).toEqual(reduce(madeUp.errors));
      expect(reduce(real.errors)[0]?.code).toBe('NOT_FOUND');

      const [httpReal, httpMadeUp] = [
        await multipartSubscribe(url, TURN_ADDED, { id: session }, hal.token),
        await multipartSubscribe(url, TURN_ADDED, { id: made }, hal.token),
      ];
      open.push(httpReal, httpMadeUp);
      expect(httpReal.json).toBeDefined();
      expect({ status: httpReal.status, errors: reduce(httpReal.json!.errors) }).toEqual({
        status: httpMadeUp.status,
        errors: reduce(httpMadeUp.json!.errors),
      });
      expect(reduce(httpReal.json!.errors)[0]?.code).toBe('NOT_FOUND');
      // Without a token: UNAUTHENTICATED, for hers and a made-up one alike.
      const anonymous = await multipartSubscribe(url, TURN_ADDED, { id: session });
      expect(codeOf(anonymous.json as JsonResponse)).toBe('UNAUTHENTICATED');
    } finally {
      await other.dispose();
    }
  });
});

describe('sessions and turns', () => {
  test("me.assistantSessions lists the caller's own, most recent first, in pages that stay stable", async () => {
    const ivy = await customer('ivy');
    const jon = await customer('jon');
    await ask(jon, 'hello');
    const s1 = (await ask(ivy, 'hello')).session.id;
    const s2 = (await ask(ivy, 'what can you do')).session.id;
    const s3 = (await ask(ivy, 'thank you')).session.id;
    await ask(ivy, 'how much money do I have', s1);
    const list = async (first: number, after?: string | null) =>
      (await must<{ me: { assistantSessions: Page<{ id: string }> } }>(url, SESSIONS, { first, after }, ivy.token)).me
        .assistantSessions;

    const all = await list(10);
    expect(all.edges.map((e) => e.node.id)).toEqual([s1, s3, s2]);
    expect(all.pageInfo.hasNextPage).toBe(false);

    const page1 = await list(2);
    expect(page1.edges.map((e) => e.node.id)).toEqual([s1, s3]);
    expect(page1.pageInfo).toEqual({ hasNextPage: true, endCursor: page1.edges[1]!.cursor });
    // A session started between two pages neither repeats nor hides one of the next page.
    const s4 = (await ask(ivy, 'hi there')).session.id;
    const page2 = await list(2, page1.pageInfo.endCursor);
    expect(page2.edges.map((e) => e.node.id)).toEqual([s2]);
    expect(page2.pageInfo.hasNextPage).toBe(false);
    expect((await list(10)).edges.map((e) => e.node.id)).toEqual([s4, s1, s3, s2]);

    for (const [variables, field] of [
      [{ first: 0 }, 'first'],
      [{ first: 51 }, 'first'],
      [{ first: 2, after: 'not-a-cursor' }, 'after'],
      [{ first: 2, after: Buffer.from('[1e300]').toString('base64url') }, 'after'],
    ] as const) {
      const refused = await postGraphQL(url, SESSIONS, variables, ivy.token);
      expect({ variables, error: errorOf(refused) }).toEqual({
        variables,
        error: expect.objectContaining({ code: 'BAD_USER_INPUT', field }),
      });
    }
  });

  test("someone else's User.assistantSessions is refused, on the router and at the subgraph", async () => {
    const kim = await customer('kim');
    const lee = await customer('lee');
    const own = (await ask(kim, 'hello')).session.id;
    // Through the router: the owner of an account an ADMIN reads (ADMINs see accounts, not conversations).
    const admin = await must<{ login: { accessToken: string } }>(
      url,
      `mutation { login(email: "admin@test.bank", password: "test-superuser-password-1") { accessToken } }`,
    );
    const viaAccount = await postGraphQL(
      url,
      `query($id: ID!) { account(id: $id) { id owner { id assistantSessions { edges { node { id } } } } } }`,
      { id: kim.checking },
      admin.login.accessToken,
    );
    expect(errorOf(viaAccount)?.code).toBe('FORBIDDEN');
    expect(JSON.stringify(viaAccount)).not.toContain(own);
    // At the subgraph, as the router would ask for another customer.
    const entities = await callSubgraph(
      bank,
      'assistant',
      { kind: 'user', userId: lee.id, roles: ['CUSTOMER'] },
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on User { assistantSessions { edges { node { id } } } } } }`,
      { r: [{ __typename: 'User', id: kim.id }] },
    );
    expect(errorOf(entities)?.code).toBe('FORBIDDEN');
    expect(JSON.stringify(entities)).not.toContain(own);
    // And the session itself is null to lee, as a made-up one.
    const read = await postGraphQL(url, `query($id: ID!) { assistantSession(id: $id) { id } }`, { id: own }, lee.token);
    expect(read).toEqual({ data: { assistantSession: null } });
  });

  test('turns page in order, oldest first', async () => {
    const mia = await customer('mia');
    const texts = ['hello', 'what can you do', 'how much money do I have', 'thank you', 'goodbye'];
    const session = (await ask(mia, texts[0]!)).session.id;
    for (const text of texts.slice(1)) await ask(mia, text, session);
    const page = async (first: number, after?: string | null) =>
      (await must<{ assistantSession: { turns: Page<Turn> } }>(url, SESSION, { id: session, first, after }, mia.token))
        .assistantSession.turns;
    const read: string[] = [];
    let after: string | null = null;
    const pages: boolean[] = [];
    for (;;) {
      const current: Page<Turn> = await page(2, after);
      read.push(...current.edges.map((e) => e.node.text ?? ''));
      pages.push(current.pageInfo.hasNextPage);
      if (!current.pageInfo.hasNextPage) break;
      after = current.pageInfo.endCursor;
    }
    expect(read).toEqual(texts);
    expect(pages).toEqual([true, true, false]);
    for (const [first, after] of [
      [0, null],
      [101, null],
      [2, 'garbage'],
      // A number no turn's seq (a bigint) can be, not a database error.
      [2, Buffer.from('[1e300]').toString('base64url')],
    ] as const) {
      expect(errorOf(await postGraphQL(url, SESSION, { id: session, first, after }, mia.token))?.code).toBe(
        'BAD_USER_INPUT',
      );
    }
  });
});

describe('data rights', () => {
  test('the export holds the assistant section; after erasure, the texts and replies are anonymized', async () => {
    const noa = await customer('noa');
    const greeting = await ask(noa, 'hello, my name is Noa Private');
    const proposal = await ask(noa, 'transfer 5 from checking to savings', greeting.session.id);
    const { requestDataExport } = await must<{ requestDataExport: { status: string; downloadPath: string } }>(
      url,
      `mutation { requestDataExport { status downloadPath } }`,
      {},
      noa.token,
    );
    expect(requestDataExport.status).toBe('READY');
    const response = await fetch(new URL(requestDataExport.downloadPath, url), {
      headers: { authorization: `Bearer ${noa.token}` },
    });
    const archive = (await response.json()) as {
      manifest: { sections: { name: string; counts: Record<string, number> }[] };
      sections: Record<string, { data: Record<string, unknown> }>;
    };
    expect(archive.manifest.sections.find((s) => s.name === 'assistant')?.counts).toEqual({
      assistantSessions: 1,
      assistantTurns: 2,
      assistantActions: 1,
    });
    expect(archive.sections.assistant?.data).toEqual({
      assistantSessions: [
        expect.objectContaining({
          id: greeting.session.id,
          turns: [
            expect.objectContaining({ id: greeting.id, text: 'hello, my name is Noa Private', reply: greeting.reply }),
            expect.objectContaining({ id: proposal.id, text: 'transfer 5 from checking to savings' }),
          ],
          actions: [
            expect.objectContaining({
              id: proposal.action!.id,
              kind: 'TRANSFER',
              status: 'PENDING',
              amount: '5.00',
              fromAccountId: noa.checking,
              toAccountId: noa.savings,
            }),
          ],
        }),
      ],
    });

    await must(url, `mutation { requestErasure { userId } }`, {}, noa.token);
    // The assistant anonymizes from identity's event a moment later; her token still reads what is left.
    let turns: Turn[] = [];
    await until(
      async () => {
        turns = await turnsOf(noa, greeting.session.id);
        return turns.every((t) => t.reply === '[erased]');
      },
      10_000,
      'anonymized',
    );
    expect(turns.map((t) => ({ text: t.text, reply: t.reply, cards: t.cards }))).toEqual([
      { text: '[erased]', reply: '[erased]', cards: [] },
      { text: '[erased]', reply: '[erased]', cards: [] },
    ]);
    // The pending action is cancelled (nothing of it can move money any more); its amount stays.
    expect(turns[1]!.action).toMatchObject({ status: 'CANCELLED', amount: { amount: '5.00' } });
    const rows = await assistantSql<{ summary: string }>(`select summary from assistant_actions where user_id = ?`, [
      noa.id,
    ]);
    expect(rows).toEqual([{ summary: '[erased]' }]);
    const left = await assistantSql<{ n: number }>(
      `select count(*)::int as n from assistant_turns where user_id = ? and (text like '%Noa%' or reply like '%Noa%')`,
      [noa.id],
    );
    expect(left).toEqual([{ n: 0 }]);
  });
});
