/**
 * Subscriptions over plain HTTP with the multipart protocol (Apollo's
 * `subscriptionSpec="1.0"`, what Apollo Client's HttpLink sends): the same
 * authorization, limits and per-event resolution as graphql-ws, refusals as
 * ordinary JSON answers, heartbeats, and the stream's end when the client
 * leaves, when the access token expires and when the router stops.
 */
import { randomUUID } from 'node:crypto';
import { issueAccessToken } from '../platform/access-token.ts';
import { signUp, startConversation, type SignedUp } from './support/people.ts';
import { multipartSubscribe, type MultipartSubscription } from './support/multipart.ts';
import { postGraphQL, startTestStack, type TestStack } from './support/stack.ts';
import { until } from './support/ws.ts';

let bank: TestStack;
let owner: SignedUp;
let banker: SignedUp;
let outsider: SignedUp;
let conversationId: string;
const open: MultipartSubscription[] = [];

const MESSAGE_ADDED = `subscription($id: ID!) { messageAdded(conversationId: $id) { body sender { id name } conversation { subject } } }`;
const SEND = `mutation($input: SendMessageInput!) { sendMessage(input: $input) { id } }`;

async function subscribeAs(user: SignedUp | undefined, query: string, variables: Record<string, unknown> = {}) {
  const sub = await multipartSubscribe(bank.routerUrl, query, variables, user?.token);
  open.push(sub);
  return sub;
}

const live = () => bank.stack.router.subscriptions.stats().subscriptions;

async function sendMessage(body: string): Promise<void> {
  const sent = await postGraphQL(bank.routerUrl, SEND, { input: { conversationId, body } }, owner.token);
  expect(sent.errors).toBeUndefined();
}

beforeAll(async () => {
  bank = await startTestStack();
  owner = await signUp(bank.routerUrl, 'mona', 'BUSINESS_OWNER', { businessName: 'Mona Mills' });
  banker = await signUp(bank.routerUrl, 'milo', 'BANKER', { institution: 'Bank Supergraph' });
  outsider = await signUp(bank.routerUrl, 'max', 'CUSTOMER');
  conversationId = await startConversation(bank.routerUrl, owner.token, {
    participantId: banker.id,
    subject: 'Flour mill',
    body: 'Hello',
  });
});

afterAll(async () => {
  for (const sub of open) sub.cancel();
  await bank?.close();
});

test('events arrive as parts, with fields of other subgraphs resolved, after an opening heartbeat', async () => {
  const before = live();
  const sub = await subscribeAs(banker, MESSAGE_ADDED, { id: conversationId });
  expect(sub.status).toBe(200);
  expect(sub.contentType).toBe('multipart/mixed;boundary="graphql";subscriptionSpec="1.0"');
  await until(() => live() === before + 1 && sub.parts.length > 0, 5_000, 'subscribed');
  expect(sub.parts[0]).toEqual({});
  await sendMessage('First by HTTP');
  await sendMessage('Second by HTTP');
  expect(await sub.next()).toEqual({
    payload: {
      data: {
        messageAdded: {
          body: 'First by HTTP',
          sender: { id: owner.id, name: 'mona' },
          conversation: { subject: 'Flour mill' },
        },
      },
    },
  });
  expect(await sub.next()).toMatchObject({ payload: { data: { messageAdded: { body: 'Second by HTTP' } } } });
  sub.cancel();
  // The client left: its subscription and bus listeners are released.
  await until(() => live() === before, 5_000, 'released');
});

test('someone not in the conversation gets the same NOT_FOUND as for one that does not exist, as plain JSON', async () => {
  const refused = await subscribeAs(outsider, MESSAGE_ADDED, { id: conversationId });
  const unknown = await subscribeAs(outsider, MESSAGE_ADDED, { id: randomUUID() });
  expect(refused.status).toBe(200);
  expect(refused.contentType).toContain('application/json');
  expect((refused.json?.errors as { extensions: { code: string } }[])[0]?.extensions.code).toBe('NOT_FOUND');
  expect(refused.json).toEqual(unknown.json);
});

test('no token: the owning subgraph refuses (UNAUTHENTICATED); a bad token: 401 before anything runs', async () => {
  const anonymous = await subscribeAs(undefined, `subscription { notificationAdded { id } }`);
  expect((anonymous.json?.errors as { extensions: { code: string } }[])[0]?.extensions.code).toBe('UNAUTHENTICATED');
  const bad = await multipartSubscribe(bank.routerUrl, `subscription { notificationAdded { id } }`, {}, 'nope');
  expect(bad.status).toBe(401);
  expect((bad.json?.errors as { extensions: { code: string } }[])[0]?.extensions.code).toBe('UNAUTHENTICATED');
});

test('the router’s limits and input rules apply: 400 with the code, nothing subscribed', async () => {
  const before = live();
  const deep = await subscribeAs(
    banker,
    `subscription($id: ID!) { messageAdded(conversationId: $id) { conversation { messages { edges { node { conversation { messages { edges { node { conversation { messages { edges { node { id } } } } } } } } } } } } } }`,
    { id: conversationId },
  );
  expect(deep.status).toBe(400);
  expect((deep.json?.errors as { extensions: { code: string } }[])[0]?.extensions.code).toBe('QUERY_TOO_COMPLEX');
  const nul = await subscribeAs(banker, MESSAGE_ADDED, { id: 'a\u0000' });
  expect(nul.status).toBe(400);
  expect((nul.json?.errors as { extensions: { code: string; field: string } }[])[0]?.extensions).toMatchObject({
    code: 'BAD_USER_INPUT',
    field: 'id',
  });
  const wrongType = await subscribeAs(banker, MESSAGE_ADDED, { id: { not: 'an id' } });
  expect(wrongType.status).toBe(400);
  const invalid = await subscribeAs(banker, `subscription { messageAdded { nope } }`);
  expect(invalid.status).toBe(400);
  expect((invalid.json?.errors as { extensions: { code: string } }[])[0]?.extensions.code).toBe(
    'GRAPHQL_VALIDATION_FAILED',
  );
  expect(live()).toBe(before);
});

test('a query sent with the multipart Accept header is answered as usual', async () => {
  const answer = await multipartSubscribe(bank.routerUrl, `{ me { id } }`, {}, banker.token);
  expect(answer.status).toBe(200);
  expect(answer.json).toEqual({ data: { me: { id: banker.id } } });
});

test('the stream lives no longer than its token: heartbeats meanwhile, then UNAUTHENTICATED and the end', async () => {
  const key = bank.config.keys.jwtPrivateKey as string;
  // Valid for 7 more seconds: long enough to see a heartbeat (every 5 s) after the opening one.
  const token = issueAccessToken(key, { userId: banker.id, roles: ['BANKER'] }, 60, new Date(Date.now() - 53_000));
  const sub = await multipartSubscribe(bank.routerUrl, MESSAGE_ADDED, { id: conversationId }, token.token);
  open.push(sub);
  expect(sub.status).toBe(200);
  const last = await sub.next(12_000);
  expect(last).toEqual({
    payload: null,
    errors: [
      expect.objectContaining({
        extensions: expect.objectContaining({ code: 'UNAUTHENTICATED', reason: 'TOKEN_EXPIRED' }),
      }),
    ],
  });
  expect(await sub.ended).toEqual({ closingBoundary: true });
  expect(sub.parts.filter((p) => Object.keys(p).length === 0).length).toBeGreaterThanOrEqual(2);
}, 20_000);

test('when the router stops, open streams end with SERVICE_UNAVAILABLE and the closing boundary', async () => {
  const own = await startTestStack();
  try {
    const mo = await signUp(own.routerUrl, 'nell', 'BUSINESS_OWNER', { businessName: 'Nell Nuts' });
    const sub = await multipartSubscribe(own.routerUrl, `subscription { notificationAdded { id } }`, {}, mo.token);
    open.push(sub);
    await until(() => own.stack.router.subscriptions.stats().subscriptions === 1, 5_000, 'subscribed');
    await own.stack.router.close();
    expect(await sub.next()).toMatchObject({
      payload: null,
      errors: [{ extensions: { code: 'SERVICE_UNAVAILABLE' } }],
    });
    expect(await sub.ended).toEqual({ closingBoundary: true });
    expect(own.stack.router.subscriptions.stats().subscriptions).toBe(0);
  } finally {
    await own.close();
  }
});
