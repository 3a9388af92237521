/**
 * End to end: the router's entity cache (router/src/entity-cache.ts) and the
 * cache hints it follows (identity's `@cacheControl`, platform/subgraph.ts's
 * `cacheHints`).
 *
 * - identity marks public only an entity fetch of users' public fields, and
 *   never a root field or anything PRIVATE;
 * - every field identity's SDL leaves public answers the same to every
 *   signed-in caller, whoever the user is: what the router shares between
 *   callers could never have differed between them;
 * - through the router, the dashboard's bankers come from identity once and
 *   from the cache for the next signed-in user, with the same answer.
 */
import { readFileSync } from 'node:fs';
import { Kind, parse, type FieldDefinitionNode, type ObjectTypeDefinitionNode } from 'graphql';
import type { Caller, Role } from '../platform/caller.ts';
import { createLogger } from '../platform/logger.ts';
import { startRouter } from '../router/src/router.ts';
import { USER_ERASED } from '../platform/data-rights.ts';
import { eventTopic } from '../platform/outbox.ts';
import { RedisEventBus } from '../platform/redis-event-bus.ts';
import { bankerWithProfile, businessOwner, submitApplication } from './support/lending.ts';
import { createStaff, must, signInAdmin, signUp, type SignedUp } from './support/people.ts';
import { freePort } from './support/ports.ts';
import { callSubgraphWithHeaders, startTestStack, type TestStack } from './support/stack.ts';
import { until } from './support/ws.ts';

let bank: TestStack;
let owner: SignedUp;
let otherOwner: SignedUp;
let banker: SignedUp;
let customer: SignedUp;
let officer: SignedUp;
let admin: SignedUp;

beforeAll(async () => {
  bank = await startTestStack();
  const url = bank.routerUrl;
  [owner, otherOwner, banker, customer, officer, admin] = await Promise.all([
    businessOwner(url, 'cache-owner'),
    businessOwner(url, 'cache-owner-two'),
    bankerWithProfile(url, 'cache-banker'),
    signUp(url, 'cache-customer', 'CUSTOMER'),
    createStaff(url, 'cache-officer', 'RISK_OFFICER'),
    signInAdmin(url),
  ]);
  await submitApplication(url, owner, banker);
  await submitApplication(url, otherOwner, banker);
});
afterAll(async () => {
  await bank?.close();
});

const SCHEMA = parse(readFileSync(new URL('../subgraphs/identity/schema.graphql', import.meta.url), 'utf8'));

const objectType = (name: string): ObjectTypeDefinitionNode | undefined =>
  SCHEMA.definitions.find(
    (d): d is ObjectTypeDefinitionNode => d.kind === Kind.OBJECT_TYPE_DEFINITION && d.name.value === name,
  );

const isPrivate = (field: FieldDefinitionNode): boolean =>
  (field.directives ?? []).some(
    (d) =>
      d.name.value === 'cacheControl' &&
      d.arguments?.some((a) => a.name.value === 'scope' && a.value.kind === Kind.ENUM && a.value.value === 'PRIVATE'),
  );

/** A field's selection: its name, and every field of its type when it is one of identity's object types. */
function selectionOf(field: FieldDefinitionNode): string {
  let type = field.type;
  while (type.kind !== Kind.NAMED_TYPE) type = type.type;
  const object = objectType(type.name.value);
  return object ? `${field.name.value} { ${object.fields?.map(selectionOf).join(' ')} }` : field.name.value;
}

const USER_FIELDS = objectType('User')?.fields ?? [];
const PUBLIC_FIELDS = USER_FIELDS.filter((f) => !isPrivate(f));
const PRIVATE_FIELDS = USER_FIELDS.filter(isPrivate);

const entities = (selection: string) =>
  `query($representations: [_Any!]!) { _entities(representations: $representations) { ... on User { ${selection} } } }`;

const asUser = (who: SignedUp, roles: Role[]): Caller => ({ kind: 'user', userId: who.id, roles });

async function fetchUsers(caller: Caller, selection: string, users: SignedUp[]) {
  return callSubgraphWithHeaders(bank, 'identity', caller, entities(selection), {
    representations: users.map((u) => ({ __typename: 'User', id: u.id })),
  });
}

test('the schema leaves names and public profiles public, and marks the rest private', () => {
  expect(PUBLIC_FIELDS.map((f) => f.name.value).sort()).toEqual(
    ['bankerProfile', 'createdAt', 'erasedAt', 'id', 'name', 'roles'].sort(),
  );
  expect(PRIVATE_FIELDS.map((f) => f.name.value).sort()).toEqual(
    ['businessProfile', 'email', 'recoveryCodesLeft', 'secondFactors', 'sessions'].sort(),
  );
});

test("identity marks public an entity fetch of users' public fields, and nothing else", async () => {
  const caller = asUser(owner, ['BUSINESS_OWNER']);
  const everyone = [owner, banker, customer, officer, admin];
  const publicFetch = await fetchUsers(caller, PUBLIC_FIELDS.map(selectionOf).join(' '), everyone);
  expect(publicFetch.body.errors).toBeUndefined();
  expect(publicFetch.headers.get('cache-control')).toBe('max-age=60, public');
  // One private field makes the whole answer private (or uncacheable), whoever it is about.
  for (const field of PRIVATE_FIELDS) {
    for (const about of [owner, banker]) {
      const answer = await fetchUsers(caller, `name ${selectionOf(field)}`, [about]);
      expect(answer.body.errors).toBeUndefined();
      expect(answer.headers.get('cache-control') ?? '').not.toMatch(/public/);
    }
  }
  // A root field never carries a hint, even of public fields.
  const me = await callSubgraphWithHeaders(bank, 'identity', caller, '{ me { id name bankerProfile { title } } }');
  expect(me.body.errors).toBeUndefined();
  expect(me.headers.get('cache-control')).toBeNull();
  // An anonymous caller is refused, and the refusal is not cacheable.
  const anonymous = await fetchUsers({ kind: 'anonymous' }, 'name', [banker]);
  expect(anonymous.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  expect(anonymous.headers.get('cache-control')).toBeNull();
});

test('every public field answers the same to every signed-in caller, about every kind of user', async () => {
  const subjects = [owner, banker, customer, officer, admin];
  const callers: Caller[] = [
    asUser(owner, ['BUSINESS_OWNER']),
    asUser(banker, ['BANKER']),
    asUser(customer, ['CUSTOMER']),
    asUser(officer, ['RISK_OFFICER']),
    asUser(admin, ['ADMIN']),
  ];
  const answersTo = async (selection: string) =>
    Promise.all(callers.map(async (caller) => (await fetchUsers(caller, selection, subjects)).body));

  for (const field of PUBLIC_FIELDS) {
    const answers = await answersTo(selectionOf(field));
    expect(answers[0]?.errors).toBeUndefined();
    for (const answer of answers) expect(answer).toEqual(answers[0]);
  }
  // The comparison sees a field that depends on who asks: each private field the callers can tell apart.
  for (const field of ['email', 'sessions', 'recoveryCodesLeft', 'secondFactors']) {
    const answers = await answersTo(selectionOf(USER_FIELDS.find((f) => f.name.value === field)!));
    expect(answers.some((answer) => JSON.stringify(answer) !== JSON.stringify(answers[0]))).toBe(true);
  }
});

const BANKERS = `{ me { loanApplications { edges { node { banker { id name bankerProfile { institution title } } } } } } }`;

/** The router's count of entity fetches it answered from its cache for identity. */
async function identityHits(): Promise<number> {
  const text = await (await fetch(bank.stack.router.metricsUrl)).text();
  const line = text
    .split('\n')
    .find(
      (l) =>
        l.startsWith('bank_router_entity_cache_fetches_total{') &&
        l.includes('subgraph="identity"') &&
        l.includes('result="hit"'),
    );
  return line === undefined ? 0 : Number(line.split(' ').at(-1));
}

test("through the router, the next signed-in user's bankers come from the cache, the same", async () => {
  const first = await must(bank.routerUrl, BANKERS, {}, owner.token);
  const before = await identityHits();
  const again = await must(bank.routerUrl, BANKERS, {}, owner.token);
  const other = await must(bank.routerUrl, BANKERS, {}, otherOwner.token);
  expect(await identityHits()).toBe(before + 2);
  expect(again).toEqual(first);
  expect(other).toEqual(first);
  expect(first).toEqual({
    me: {
      loanApplications: {
        edges: [
          {
            node: {
              banker: {
                id: banker.id,
                name: 'cache-banker',
                bankerProfile: { institution: 'Bank Supergraph', title: 'Commercial Lender' },
              },
            },
          },
        ],
      },
    },
  });
  // A field identity keeps private is fetched every time.
  const withEmail = BANKERS.replace('id name', 'id name email');
  await must(bank.routerUrl, withEmail, {}, owner.token);
  const count = await identityHits();
  expect(await must(bank.routerUrl, withEmail, {}, owner.token)).toMatchObject({
    me: { loanApplications: { edges: [{ node: { banker: { email: null } } }] } },
  });
  expect(await identityHits()).toBe(count);
});

test("identity's erasure event takes the user out of the router's cache at once", async () => {
  await must(bank.routerUrl, BANKERS, {}, owner.token);
  const before = await identityHits();
  await must(bank.routerUrl, BANKERS, {}, owner.token);
  expect(await identityHits()).toBe(before + 1);
  // As identity's outbox relay publishes it (the banker is not erased: only the router's copy goes).
  await bank.stack.bus.publish(eventTopic(USER_ERASED), { type: USER_ERASED, payload: { userId: banker.id } });
  // The event arrives a moment later (over Redis when the stack has it): until then, a dashboard may still hit.
  await until(
    async () => {
      const hits = await identityHits();
      await must(bank.routerUrl, BANKERS, {}, owner.token);
      return (await identityHits()) === hits;
    },
    5_000,
    'a dashboard that asks identity',
  );
  // And the answer it fetched is kept again.
  const hits = await identityHits();
  await must(bank.routerUrl, BANKERS, {}, owner.token);
  expect(await identityHits()).toBe(hits + 1);
});

test('a router starts, serves and stops while Redis cannot be reached for its erasure subscription', async () => {
  // A RedisEventBus on a port where nothing listens: its `subscribe` waits for a connection that does not come.
  const logger = createLogger({ logLevel: 'silent' }, 'test');
  const bus = new RedisEventBus({ url: `redis://127.0.0.1:${await freePort()}`, logger });
  const router = await startRouter({
    config: bank.config,
    logger,
    bus,
    port: 0,
    metricsPort: null,
    subgraphUrls: Object.fromEntries(Object.entries(bank.stack.subgraphs).map(([name, s]) => [name, s.url])),
  });
  try {
    expect(await must(router.url, BANKERS, {}, owner.token)).toMatchObject({ me: { loanApplications: {} } });
  } finally {
    await router.close();
    // Fails the pending subscription: a rejection left unhandled here would fail this test.
    await bus.close();
  }
}, 20_000);
