/**
 * Subscriptions end to end: graphql-ws clients on the router's /graphql,
 * events from messaging, payload fields from identity resolved through the
 * query plan, authorization by the owning subgraph, and cleanup.
 */
import { issueAccessToken } from '../platform/access-token.ts';
import { signUp, startConversation, type SignedUp } from './support/people.ts';
import { startTestStack, type TestStack } from './support/stack.ts';
import { connect, subscribe, type WsClient } from './support/ws.ts';

let bank: TestStack;
const clients: WsClient[] = [];
let owner: SignedUp;
let banker: SignedUp;
let outsider: SignedUp;
let conversationId: string;

interface GqlResponse {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions: { code: string } }[];
}

async function gql(query: string, variables: Record<string, unknown>, token?: string): Promise<GqlResponse> {
  const response = await fetch(bank.routerUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as GqlResponse;
}

const SEND = `mutation($input: SendMessageInput!) { sendMessage(input: $input) { id } }`;
const MESSAGE_ADDED = `subscription($id: ID!) { messageAdded(conversationId: $id) { id body sender { id name } conversation { id subject } } }`;

function track(ws: WsClient): WsClient {
  clients.push(ws);
  return ws;
}

beforeAll(async () => {
  bank = await startTestStack();
  owner = await signUp(bank.routerUrl, 'olive', 'BUSINESS_OWNER', { businessName: 'Olive Oil Co' });
  banker = await signUp(bank.routerUrl, 'bruno', 'BANKER', { institution: 'Bank Supergraph' });
  outsider = await signUp(bank.routerUrl, 'oscar', 'CUSTOMER');
  conversationId = await startConversation(bank.routerUrl, owner.token, {
    participantId: banker.id,
    subject: 'Credit line',
    body: 'Hello',
  });
});

afterAll(async () => {
  for (const ws of clients) await ws.dispose();
  await bank?.close();
});

test('messageAdded arrives live with the sender resolved by identity', async () => {
  const ws = track(connect(bank.routerUrl, banker.token));
  const sub = subscribe<{ messageAdded: { body: string; sender: { id: string; name: string } } }>(ws, MESSAGE_ADDED, {
    id: conversationId,
  });
  // Let the subscription be set up before the message is sent.
  await new Promise((resolve) => setTimeout(resolve, 300));
  const sent = await gql(SEND, { input: { conversationId, body: 'Can we talk about rates?' } }, owner.token);
  expect(sent.errors).toBeUndefined();
  const event = await sub.next();
  expect(event.errors).toBeUndefined();
  expect(event.data?.messageAdded).toMatchObject({
    body: 'Can we talk about rates?',
    sender: { id: owner.id, name: 'olive' },
  });
  await sub.stop();
});

test('a conversation id written in upper case names the same conversation: its messages arrive', async () => {
  const ws = track(connect(bank.routerUrl, banker.token));
  const sub = subscribe<{ messageAdded: { body: string } }>(ws, MESSAGE_ADDED, { id: conversationId.toUpperCase() });
  await new Promise((resolve) => setTimeout(resolve, 300));
  const sent = await gql(SEND, { input: { conversationId, body: 'Upper case?' } }, owner.token);
  expect(sent.errors).toBeUndefined();
  const event = await sub.next();
  expect(event.data?.messageAdded.body).toBe('Upper case?');
  await sub.stop();
});

test('a non-participant is refused exactly as for a conversation that does not exist, and the socket stays usable', async () => {
  const ws = track(connect(bank.routerUrl, outsider.token));
  const refused = await subscribe(ws, MESSAGE_ADDED, { id: conversationId }).next();
  const unknown = await subscribe(ws, MESSAGE_ADDED, { id: '00000000-0000-4000-8000-000000000000' }).next();
  expect(refused.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  expect(refused).toEqual(unknown);
  const me = subscribe<{ me: { id: string } }>(ws, `query { me { id } }`);
  expect((await me.next()).data?.me.id).toBe(outsider.id);
});

test('an unknown conversation is NOT_FOUND; a malformed document is refused', async () => {
  const ws = track(connect(bank.routerUrl, banker.token));
  const unknown = await subscribe(ws, MESSAGE_ADDED, { id: '00000000-0000-4000-8000-000000000000' }).next();
  expect(unknown.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  const malformed = await subscribe(ws, `subscription { messageAdded(conversationId: "x") { nope } }`).next();
  expect(malformed.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
});

test('a bad token closes the socket with 4403 Forbidden', async () => {
  const ws = track(connect(bank.routerUrl, 'not-a-token'));
  expect(await ws.closed).toBe(4403);
});

test('when a client disconnects its subscriptions and bus listeners are released', async () => {
  const stats = () => bank.stack.router.subscriptions.stats();
  const before = stats();
  const ws = connect(bank.routerUrl, banker.token);
  const subs = [1, 2, 3].map(() => subscribe(ws, MESSAGE_ADDED, { id: conversationId }));
  await new Promise((resolve) => setTimeout(resolve, 500));
  expect(stats().subscriptions).toBe(before.subscriptions + 3);
  expect(stats().topicListeners).toBe(before.topicListeners + 3);
  await ws.dispose();
  for (let i = 0; i < 50 && stats().subscriptions !== before.subscriptions; i += 1) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  expect(stats()).toMatchObject({ subscriptions: before.subscriptions, topicListeners: before.topicListeners });
  expect(subs).toHaveLength(3);
});

test('a socket closes with 4403 when its access token expires', async () => {
  // A token issued 58 s ago with a 60 s lifetime: valid now, expired in 2 s.
  const token = issueAccessToken(
    bank.config.keys.jwtPrivateKey!,
    { userId: banker.id, roles: ['BANKER'] },
    60,
    new Date(Date.now() - 58_000),
  ).token;
  const ws = track(connect(bank.routerUrl, token));
  const me = subscribe<{ me: { id: string } }>(ws, `query { me { id } }`);
  expect((await me.next()).data?.me.id).toBe(banker.id);
  const started = Date.now();
  expect(await ws.closed).toBe(4403);
  expect(Date.now() - started).toBeLessThan(5_000);
});
