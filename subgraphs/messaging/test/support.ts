/**
 * Helpers for integration tests of the messaging subgraph alone (no router)
 * on a real PostgreSQL: start it on a fresh database, call it as the router
 * would (with a router-signed caller header), look at its tables, append
 * domain events to its bus, and build the context its subscription fields
 * receive.
 */
import { randomUUID } from 'node:crypto';
import { ANONYMOUS, CALLER_HEADER, signCallerHeader, type Caller, type Role } from '../../../platform/caller.ts';
import { callerKeyOf, loadConfig, type Config } from '../../../platform/config.ts';
import { InProcessEventBus, type DomainEvent } from '../../../platform/event-bus.ts';
import { createLogger, type Logger } from '../../../platform/logger.ts';
import { startSubgraph, type RunningSubgraph, type SubgraphContext } from '../../../platform/subgraph.ts';
import { createTestDatabases, type TestDatabases } from '../../../test/support/databases.ts';
import { testEnv } from '../../../test/support/stack.ts';
import { messaging } from '../src/main.ts';
import type { MessagingServices } from '../src/services/index.ts';

export { ANONYMOUS };

/** A JSON answer read loosely: tests check its shape with assertions, not with types. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
export type Json = any;

/** One GraphQL error as the subgraph formats it. */
export interface GqlError {
  message: string;
  path?: (string | number)[];
  extensions: Record<string, unknown> & { code?: string; field?: string };
}

/** The parsed JSON body of a GraphQL answer. */
export interface GqlBody<T = Json> {
  data?: T | null;
  errors?: GqlError[];
}

/** Tables of the messaging database. */
export const TABLES = [
  'conversations',
  'conversation_participants',
  'messages',
  'notifications',
  'notification_deliveries',
  'processed_events',
  'known_users',
  'known_applications',
  'outbox_events',
] as const;
export type Table = (typeof TABLES)[number];

/**
 * Tables a chat request writes. Notification tables are left out: the
 * notification consumer writes them in the background, from the outbox.
 */
export const CHAT_TABLES = ['conversations', 'conversation_participants', 'messages', 'outbox_events'] as const;

/** The in-process bus, recording what is published live (topics are not known before a conversation exists). */
export class RecordingBus extends InProcessEventBus {
  readonly published: { topic: string; message: unknown }[] = [];

  override async publish(topic: string, message: unknown): Promise<void> {
    this.published.push({ topic, message });
    await super.publish(topic, message);
  }
}

/** A user as the router vouches for them: an id (messaging never sees identity's rows) and roles. */
export interface Party {
  id: string;
  caller: Caller;
}

export interface MessagingHarness {
  config: Config;
  running: RunningSubgraph;
  bus: RecordingBus;
  logger: Logger;
  /** POSTs an operation with the caller header signed by the router key. */
  post<T = Json>(
    query: string,
    variables?: Record<string, unknown>,
    caller?: Caller,
  ): Promise<{ status: number; body: GqlBody<T> }>;
  /** Like {@link post} but returns only the parsed body. */
  gql<T = Json>(query: string, variables?: Record<string, unknown>, caller?: Caller): Promise<GqlBody<T>>;
  /** Raw SQL on the messaging database. */
  sql<R = Record<string, unknown>>(text: string, params?: unknown[]): Promise<R[]>;
  count(table: Table, where?: string, params?: unknown[]): Promise<number>;
  /** Row counts of `tables` (default: the chat tables): a refused request must leave them unchanged. */
  counts(tables?: readonly Table[]): Promise<Partial<Record<Table, number>>>;
  /** The context a subscription request of `caller` gets (what the subscription endpoint builds). */
  context(caller: Caller): SubgraphContext<MessagingServices>;
  /**
   * Makes `parties` known to messaging as identity would: appends their
   * `identity.user.registered` events to the bus and waits until the user
   * mirror has them.
   */
  introduce(...parties: Party[]): Promise<void>;
  /** A fresh user with `roles`, known to messaging. */
  user(...roles: Role[]): Promise<Party>;
  /**
   * Makes messaging know that `owner` applied to `banker` (as lending's
   * status-change event would) and returns the application id.
   */
  applied(owner: Party, banker: Party): Promise<string>;
  /** Publishes pending outbox events to the bus now. */
  drainOutbox(): Promise<number>;
  close(): Promise<void>;
}

/**
 * Starts the messaging subgraph on a fresh database, port 0. Pass a `bus` to
 * append events before it starts (its notification consumer starts with it).
 */
export async function startMessaging(options: { bus?: RecordingBus } = {}): Promise<MessagingHarness> {
  const databases: TestDatabases = await createTestDatabases(['messaging']);
  const config = loadConfig(testEnv(databases.urls));
  const logger = createLogger(config, 'test');
  const bus = options.bus ?? new RecordingBus();
  let running: RunningSubgraph;
  try {
    running = await startSubgraph(messaging, { config, logger, bus, port: 0 });
  } catch (error) {
    await databases.drop();
    throw error;
  }
  const callerKey = callerKeyOf(config, 'messaging') as string;

  const sql = async <R>(text: string, params: unknown[] = []): Promise<R[]> =>
    running.orm.em.getConnection().execute<R[]>(text, params);
  const count = async (table: Table, where?: string, params: unknown[] = []): Promise<number> => {
    const rows = await sql<{ n: number }>(
      `select count(*)::int as n from ${table}${where ? ` where ${where}` : ''}`,
      params,
    );
    return rows[0]?.n ?? 0;
  };

  async function introduce(...parties: Party[]): Promise<void> {
    for (const p of parties) {
      if (p.caller.kind !== 'user') throw new Error('only users can be introduced');
      await bus.append(domainEvent('identity.user.registered', { userId: p.id, roles: p.caller.roles }));
    }
    const ids = parties.map((p) => p.id);
    await waitFor(async () => (await count('known_users', 'user_id in (?)', [ids])) === ids.length);
  }

  async function post<T>(query: string, variables: Record<string, unknown> = {}, caller: Caller = ANONYMOUS) {
    const res = await fetch(running.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [CALLER_HEADER]: signCallerHeader(callerKey, caller, query, variables),
      },
      body: JSON.stringify({ query, variables }),
    });
    const text = await res.text();
    try {
      return { status: res.status, body: JSON.parse(text) as GqlBody<T> };
    } catch {
      throw new Error(`non-JSON answer (HTTP ${res.status}): ${text}`);
    }
  }

  return {
    config,
    running,
    bus,
    logger,
    post,
    gql: async <T>(query: string, variables?: Record<string, unknown>, caller?: Caller) =>
      (await post<T>(query, variables, caller)).body,
    sql,
    count,
    async counts(tables: readonly Table[] = CHAT_TABLES) {
      const entries = await Promise.all(tables.map(async (t) => [t, await count(t)] as const));
      return Object.fromEntries(entries);
    },
    context(caller: Caller) {
      const em = running.orm.em.fork();
      const requestLogger = logger.child({ requestId: 'test' });
      return {
        caller,
        em,
        requestId: 'test',
        logger: requestLogger,
        services: messaging.createServices({ em, caller, config, logger: requestLogger, bus }),
      };
    },
    introduce,
    async applied(owner: Party, banker: Party) {
      const applicationId = randomUUID();
      await bus.append(
        domainEvent('lending.application.status_changed', {
          applicationId,
          applicantId: owner.id,
          bankerId: banker.id,
          from: null,
          status: 'SUBMITTED',
        }),
      );
      await waitFor(async () => (await count('known_applications', 'application_id = ?', [applicationId])) === 1);
      return applicationId;
    },
    async user(...roles: Role[]) {
      const p = party(...roles);
      await introduce(p);
      return p;
    },
    async drainOutbox() {
      if (!running.outbox) throw new Error('messaging has no outbox relay');
      return running.outbox.drain();
    },
    async close() {
      try {
        // The bus first: it stops the notification consumer before the database closes.
        await bus.close();
        await running.close();
      } finally {
        await databases.drop();
      }
    },
  };
}

/** A fresh user with `roles`. */
export function party(...roles: Role[]): Party {
  const id = randomUUID();
  return { id, caller: { kind: 'user', userId: id, roles } };
}

/** A domain event as another subgraph's outbox relay would append it. */
export function domainEvent(type: string, payload: Record<string, unknown>, id: string = randomUUID()): DomainEvent {
  return { id, type, occurredAt: new Date().toISOString(), payload };
}

/** Fails with the errors when a body has any: for the steps a test relies on. */
export function ok<T>(body: GqlBody<T>): T {
  if (body.errors?.length || body.data === null || body.data === undefined) {
    throw new Error(`unexpected errors: ${JSON.stringify(body.errors ?? body)}`);
  }
  return body.data;
}

/** The first error of a body, failing clearly when there is none. */
export function firstError(body: GqlBody): GqlError {
  const error = body.errors?.[0];
  if (!error) throw new Error(`expected an error, got ${JSON.stringify(body)}`);
  return error;
}

/** Polls `check` until it returns true (or fails after `timeoutMs`). */
export async function waitFor(check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export const MESSAGE_FIELDS = 'id body sentAt clientMessageId sender { id } readBy { id } conversation { id }';
export const CONVERSATION_FIELDS =
  'id subject createdAt lastMessageAt unreadCount loanApplicationId participants { id } lastMessage { id body }';

export const START = `mutation Start($input: StartConversationInput!) {
  startConversation(input: $input) { ${CONVERSATION_FIELDS} }
}`;
export const SEND = `mutation Send($input: SendMessageInput!) { sendMessage(input: $input) { ${MESSAGE_FIELDS} } }`;
export const MARK_READ = `mutation MarkRead($id: ID!) { markConversationRead(conversationId: $id) { ${CONVERSATION_FIELDS} } }`;
export const CONVERSATION = `query Conversation($id: ID!) { conversation(id: $id) { ${CONVERSATION_FIELDS} } }`;
export const MESSAGES = `query Messages($id: ID!, $last: Int, $before: String) {
  conversation(id: $id) {
    messages(last: $last, before: $before) {
      edges { cursor node { id body } }
      pageInfo { hasPreviousPage startCursor }
    }
  }
}`;
export const CONVERSATIONS = `query Conversations($r: [_Any!]!, $first: Int, $after: String) {
  _entities(representations: $r) {
    ... on User {
      conversations(first: $first, after: $after) {
        edges { cursor node { id subject unreadCount lastMessage { body } } }
        pageInfo { hasNextPage endCursor }
      }
    }
  }
}`;
export const NOTIFICATIONS = `query Notifications($r: [_Any!]!, $unreadOnly: Boolean, $first: Int, $after: String) {
  _entities(representations: $r) {
    ... on User {
      notifications(unreadOnly: $unreadOnly, first: $first, after: $after) {
        edges { cursor node { id kind title body createdAt readAt link } }
        pageInfo { hasNextPage endCursor }
      }
    }
  }
}`;
export const MARK_NOTIFICATIONS_READ = `mutation MarkNotificationsRead($ids: [ID!]!) {
  markNotificationsRead(ids: $ids) { id readAt }
}`;

/** Starts a conversation from `from` to `to` and returns its id; fails the test on error. */
export async function startConversation(
  h: MessagingHarness,
  from: Party,
  to: Party,
  input: { subject?: string; body?: string; loanApplicationId?: string } = {},
): Promise<string> {
  const body = await h.gql(
    START,
    { input: { participantId: to.id, subject: 'Working capital', body: 'Hello', ...input } },
    from.caller,
  );
  return ok(body).startConversation.id as string;
}

/** Sends a message and returns it; fails the test on error. */
export async function send(
  h: MessagingHarness,
  from: Party,
  conversationId: string,
  text: string,
  clientMessageId?: string,
): Promise<Json> {
  const body = await h.gql(SEND, { input: { conversationId, body: text, clientMessageId } }, from.caller);
  return ok(body).sendMessage;
}

/** A `User` representation for `_entities`. */
export const userRef = (p: Party) => ({ __typename: 'User', id: p.id });
