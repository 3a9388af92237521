/**
 * The reference client against the router: Apollo Client 4 with its plain
 * HttpLink for queries, mutations and subscriptions (multipart HTTP, no
 * WebSocket), and with GraphQLWsLink over graphql-ws. A live UI built either
 * way sees the same events, with fields of other subgraphs resolved.
 */
import { ApolloClient, ApolloLink, gql, HttpLink, InMemoryCache } from '@apollo/client';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { createClient } from 'graphql-ws';
import type { Subscription } from 'rxjs';
import WebSocket from 'ws';
import { signUp, startConversation, type SignedUp } from './support/people.ts';
import { startTestStack, type TestStack } from './support/stack.ts';
import { until } from './support/ws.ts';

let bank: TestStack;
let owner: SignedUp;
let banker: SignedUp;
let conversationId: string;
const stops: (() => void | Promise<void>)[] = [];

const MESSAGE_ADDED = gql`
  subscription MessageAdded($id: ID!) {
    messageAdded(conversationId: $id) {
      id
      body
      sender {
        id
        name
      }
    }
  }
`;
const SEND = gql`
  mutation Send($input: SendMessageInput!) {
    sendMessage(input: $input) {
      id
      body
    }
  }
`;

function httpClient(token: string): ApolloClient {
  return new ApolloClient({
    link: new HttpLink({ uri: bank.routerUrl, headers: { authorization: `Bearer ${token}` } }),
    cache: new InMemoryCache(),
  });
}

function wsClient(token: string): ApolloClient {
  const ws = createClient({
    url: bank.routerUrl.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    retryAttempts: 0,
  });
  stops.push(() => ws.dispose());
  return new ApolloClient({ link: ApolloLink.from([new GraphQLWsLink(ws)]), cache: new InMemoryCache() });
}

/** Subscribes and collects the bodies of the messages received. */
function collect(client: ApolloClient): { bodies: string[]; errors: unknown[]; subscription: Subscription } {
  const bodies: string[] = [];
  const errors: unknown[] = [];
  const subscription = client.subscribe({ query: MESSAGE_ADDED, variables: { id: conversationId } }).subscribe({
    next: (result) => {
      if (result.error) errors.push(result.error);
      const message = (result.data as { messageAdded?: { body: string; sender: { name: string } } } | undefined)
        ?.messageAdded;
      if (message) bodies.push(`${message.sender.name}: ${message.body}`);
    },
    error: (error: unknown) => errors.push(error),
  });
  stops.push(() => subscription.unsubscribe());
  return { bodies, errors, subscription };
}

beforeAll(async () => {
  bank = await startTestStack();
  owner = await signUp(bank.routerUrl, 'ava', 'BUSINESS_OWNER', { businessName: 'Ava Apiaries' });
  banker = await signUp(bank.routerUrl, 'ben', 'BANKER', { institution: 'Bank Supergraph' });
  conversationId = await startConversation(bank.routerUrl, owner.token, {
    participantId: banker.id,
    subject: 'Hives',
    body: 'Hello',
  });
});

afterAll(async () => {
  for (const stop of stops) await stop();
  await bank?.close();
});

test('HttpLink alone: a query, a mutation, and a live subscription over multipart HTTP', async () => {
  const client = httpClient(banker.token);
  const me = await client.query({
    query: gql`
      query Me {
        me {
          id
          name
        }
      }
    `,
  });
  expect(me.data).toEqual({ me: { __typename: 'User', id: banker.id, name: 'ben' } });

  const before = bank.stack.router.subscriptions.stats().subscriptions;
  const live = collect(client);
  await until(() => bank.stack.router.subscriptions.stats().subscriptions === before + 1, 5_000, 'subscribed');

  const sender = httpClient(owner.token);
  await sender.mutate({ mutation: SEND, variables: { input: { conversationId, body: 'over plain HTTP' } } });
  await until(() => live.bodies.length === 1, 5_000, 'delivered');
  expect(live.bodies).toEqual(['ava: over plain HTTP']);
  expect(live.errors).toEqual([]);

  live.subscription.unsubscribe();
  await until(() => bank.stack.router.subscriptions.stats().subscriptions === before, 5_000, 'released');
});

test('GraphQLWsLink: the same subscription over graphql-ws, and a failing mutation on the same socket', async () => {
  const client = wsClient(banker.token);
  const live = collect(client);
  await until(() => bank.stack.router.subscriptions.stats().subscriptions >= 1, 5_000, 'subscribed');
  // A mutation that fails (banker not allowed to write into a conversation that does not exist) on the same socket.
  const failing = await client
    .mutate({
      mutation: SEND,
      variables: { input: { conversationId: '00000000-0000-4000-8000-000000000000', body: 'x' } },
    })
    .then(
      (result) => result.error,
      (error: unknown) => error,
    );
  expect(String(failing)).toMatch(/not found/i);
  await httpClient(owner.token).mutate({
    mutation: SEND,
    variables: { input: { conversationId, body: 'over graphql-ws' } },
  });
  await until(() => live.bodies.length === 1, 5_000, 'delivered');
  expect(live.bodies).toEqual(['ava: over graphql-ws']);
  expect(live.errors).toEqual([]);
});
