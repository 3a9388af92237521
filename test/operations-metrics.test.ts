/**
 * End to end: every service serves `/metrics` (platform/metrics.ts), and
 * real traffic through the router moves what the catalogue promises: a
 * sign-up, accounts, a deposit and a transfer, an INSUFFICIENT_FUNDS refusal,
 * an operation refused by a limit, a failed sign-in, a graphql-ws
 * subscription with an event. Every catalogue metric is exported by the
 * services of its scope, the text is valid Prometheus exposition, and no
 * label carries an id, an email or an account number. A production router
 * serves its metrics on their own port, never on its public one.
 */
import { startRouter } from '../router/src/router.ts';
import { loadConfig, metricsPortOf, DEFAULT_ROUTER_METRICS_PORT } from '../platform/config.ts';
import { InProcessEventBus } from '../platform/event-bus.ts';
import { createLogger } from '../platform/logger.ts';
import { inScope, type ServiceName } from '../platform/metrics.ts';
import { METRICS } from '../platform/metrics-catalogue.ts';
import { keyEnvironment } from '../platform/keys.ts';
import { DepositDocument, OpenAccountDocument, TransferDocument } from './generated/operations.ts';
import { postGraphQL, startTestStack, testEnv, type TestStack } from './support/stack.ts';
import { signUp, startConversation, TEST_PASSWORD, type SignedUp } from './support/people.ts';
import { connect, subscribe } from './support/ws.ts';

/** One sample of the exposition: name, labels, value. */
interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

interface Exposition {
  types: Map<string, string>;
  samples: Sample[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"(,|$)/y;

/**
 * Parses Prometheus text exposition (format 0.0.4) strictly: `# HELP` and
 * `# TYPE` lines, samples `name{label="value",...} number`; throws on any
 * other line.
 */
function parseExposition(text: string): Exposition {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    if (line.startsWith('# HELP ')) {
      expect(line.split(' ')[2]).toMatch(NAME);
      continue;
    }
    if (line.startsWith('# TYPE ')) {
      const [, , name, type] = line.split(' ');
      expect(name).toMatch(NAME);
      expect(['counter', 'gauge', 'histogram', 'summary', 'untyped']).toContain(type);
      types.set(name as string, type as string);
      continue;
    }
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)( -?\d+)?$/.exec(line);
    if (!match) throw new Error(`not an exposition line: ${line}`);
    const labels: Record<string, string> = {};
    const body = match[2] ?? '';
    LABEL.lastIndex = 0;
    while (LABEL.lastIndex < body.length) {
      const label = LABEL.exec(body);
      if (!label) throw new Error(`bad labels in: ${line}`);
      labels[label[1] as string] = label[2] as string;
    }
    const raw = match[3] as string;
    const value = raw === '+Inf' ? Infinity : raw === '-Inf' ? -Infinity : Number(raw);
    if (Number.isNaN(value) && raw !== 'NaN') throw new Error(`bad value in: ${line}`);
    samples.push({ name: match[1] as string, labels, value });
  }
  return { types, samples };
}

/** The sum of the samples of `name` whose labels include `labels`. */
function valueOf(exposition: Exposition, name: string, labels: Record<string, string> = {}): number {
  return exposition.samples
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);
}

async function scrape(url: string): Promise<Exposition> {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parseExposition(await response.text());
}

let bank: TestStack;
let alice: SignedUp;

beforeAll(async () => {
  // A small alias limit, so one short query is refused by it.
  bank = await startTestStack({ QUERY_MAX_ALIASES: '2' });
  alice = await signUp(bank.routerUrl, 'alice', 'CUSTOMER');
});

afterAll(async () => {
  await bank?.close();
});

const urls = (): Record<ServiceName, string> => ({
  router: bank.stack.router.metricsUrl,
  ...(Object.fromEntries(Object.entries(bank.stack.subgraphs).map(([name, s]) => [name, s.metricsUrl])) as Record<
    Exclude<ServiceName, 'router'>,
    string
  >),
});

async function scrapeAll(): Promise<Record<ServiceName, Exposition>> {
  const entries = await Promise.all(Object.entries(urls()).map(async ([name, url]) => [name, await scrape(url)]));
  return Object.fromEntries(entries) as Record<ServiceName, Exposition>;
}

test('traffic through the router moves the metrics of every service, with bounded labels only', async () => {
  const before = await scrapeAll();
  const bob = await signUp(bank.routerUrl, 'bob', 'BANKER', { institution: 'Bank Supergraph' });

  // Money: a deposit, a transfer, and a transfer refused for funds.
  const opened = await bank.request(OpenAccountDocument, { input: { type: 'CHECKING', currency: 'USD' } }, alice.token);
  const other = await bank.request(OpenAccountDocument, { input: { type: 'SAVINGS', currency: 'USD' } }, alice.token);
  const from = opened.data!.openAccount.id;
  const to = other.data!.openAccount.id;
  const deposit = { accountId: from, amount: '100.00', idempotencyKey: 'metrics-d1' };
  expect((await bank.request(DepositDocument, { input: deposit }, alice.token)).errors).toBeUndefined();
  const transfer = { fromAccountId: from, toAccountId: to, amount: '30.00', idempotencyKey: 'metrics-t1' };
  expect((await bank.request(TransferDocument, { input: transfer }, alice.token)).errors).toBeUndefined();
  const tooMuch = { ...transfer, amount: '1000.00', idempotencyKey: 'metrics-t2' };
  const refused = await bank.request(TransferDocument, { input: tooMuch }, alice.token);
  expect(refused.errors?.[0]?.extensions.code).toBe('INSUFFICIENT_FUNDS');

  // A limit: three aliases over a limit of two. A failed sign-in.
  const aliased = await postGraphQL(
    bank.routerUrl,
    'query Aliased { a: __schema { queryType { name } } b: __type(name: "Query") { name } c: __type(name: "Mutation") { name } }',
  );
  expect(aliased.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COMPLEX');
  const wrong = await postGraphQL(
    bank.routerUrl,
    'mutation SignIn($email: String!, $password: String!) { login(email: $email, password: $password) { accessToken } }',
    { email: 'alice@example.com', password: `${TEST_PASSWORD}!` },
  );
  expect(wrong.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

  // Live: a graphql-ws subscription that gets one event, scraped while it is open.
  const carol = await signUp(bank.routerUrl, 'carol', 'BUSINESS_OWNER', { businessName: 'Carol Co' });
  const conversationId = await startConversation(bank.routerUrl, carol.token, {
    participantId: bob.id,
    subject: 'Metrics',
    body: 'Hello',
  });
  const ws = connect(bank.routerUrl, bob.token);
  const live = await (async () => {
    try {
      const sub = subscribe<{ messageAdded: { body: string } }>(
        ws,
        'subscription Live($id: ID!) { messageAdded(conversationId: $id) { body } }',
        { id: conversationId },
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      const sent = await postGraphQL(
        bank.routerUrl,
        'mutation Send($input: SendMessageInput!) { sendMessage(input: $input) { id } }',
        { input: { conversationId, body: 'Rates?' } },
        carol.token,
      );
      expect(sent.errors).toBeUndefined();
      expect((await sub.next()).data?.messageAdded.body).toBe('Rates?');
      const during = await scrape(urls().router);
      await sub.stop();
      return during;
    } finally {
      await ws.dispose();
    }
  })();
  expect(valueOf(live, 'bank_router_graphql_ws_connections')).toBeGreaterThanOrEqual(1);
  expect(valueOf(live, 'bank_router_subscriptions_active', { transport: 'graphql-ws' })).toBeGreaterThanOrEqual(1);

  // The outbox relays within 200 ms; consumers follow.
  await new Promise((resolve) => setTimeout(resolve, 500));
  const after = await scrapeAll();
  const moved = (service: ServiceName, name: string, labels: Record<string, string> = {}) =>
    valueOf(after[service], name, labels) - valueOf(before[service], name, labels);

  // Router: operations by name and outcome, refusals, fetches, the plan cache, events.
  const operations = 'bank_graphql_operations_total';
  expect(moved('router', operations, { operation_name: 'Transfer', outcome: 'ok' })).toBe(1);
  expect(moved('router', operations, { operation_name: 'Transfer', outcome: 'INSUFFICIENT_FUNDS' })).toBe(1);
  expect(moved('router', operations, { operation_name: 'Aliased', outcome: 'QUERY_TOO_COMPLEX' })).toBe(1);
  expect(moved('router', operations, { operation_name: 'SignIn', outcome: 'UNAUTHENTICATED' })).toBe(1);
  expect(
    moved('router', 'bank_graphql_operation_duration_seconds_count', {
      operation_type: 'mutation',
      operation_name: 'Transfer',
    }),
  ).toBe(2);
  expect(moved('router', 'bank_router_operations_refused_total', { limit: 'aliases' })).toBe(1);
  expect(
    moved('router', 'bank_router_subgraph_fetch_duration_seconds_count', { subgraph: 'banking' }),
  ).toBeGreaterThanOrEqual(5);
  // The second Transfer is planned from the cache.
  expect(moved('router', 'bank_router_query_plan_cache_requests_total', { result: 'hit' })).toBeGreaterThanOrEqual(1);
  expect(moved('router', 'bank_router_query_plan_cache_requests_total', { result: 'miss' })).toBeGreaterThanOrEqual(1);
  expect(moved('router', 'bank_router_subscription_events_total', { outcome: 'delivered' })).toBe(1);
  expect(valueOf(after.router, 'bank_router_subscriptions_active')).toBe(0);

  // Banking: the ledger in minor units, the refusal, the lock waits, root fields, the subgraph's own operations.
  expect(moved('banking', 'bank_ledger_transactions_total', { kind: 'transfer', currency: 'USD' })).toBe(1);
  expect(moved('banking', 'bank_ledger_posted_minor_units_total', { kind: 'deposit', currency: 'USD' })).toBe(10_000);
  expect(moved('banking', 'bank_ledger_posted_minor_units_total', { kind: 'transfer', currency: 'USD' })).toBe(3_000);
  expect(moved('banking', 'bank_payment_refusals_total', { code: 'INSUFFICIENT_FUNDS' })).toBe(1);
  expect(moved('banking', 'bank_db_lock_wait_seconds_count', { lock: 'accounts' })).toBe(3);
  expect(
    moved('banking', 'bank_graphql_root_field_duration_seconds_count', { parent_type: 'Mutation', field: 'transfer' }),
  ).toBe(2);
  expect(moved('banking', operations, { operation_type: 'mutation', outcome: 'INSUFFICIENT_FUNDS' })).toBe(1);
  expect(moved('banking', 'bank_outbox_events_relayed_total')).toBeGreaterThanOrEqual(2);
  expect(valueOf(after.banking, 'bank_db_pool_max_connections')).toBe(5);
  expect(valueOf(after.banking, 'bank_db_pool_connections', { state: 'idle' })).toBeGreaterThanOrEqual(1);
  expect(valueOf(after.banking, 'bank_event_bus_connected')).toBe(1);

  // Identity: the failed sign-in; its outbox drained; banking's consumers of identity's events caught up.
  expect(moved('identity', 'bank_sign_in_failures_total', { reason: 'password' })).toBe(1);
  expect(valueOf(after.identity, 'bank_outbox_backlog_events')).toBe(0);
  const groups = after.banking.samples.filter((s) => s.name === 'bank_event_consumer_lag_events');
  expect(groups.length).toBeGreaterThanOrEqual(1);

  // Billing's jobs ran; its saga gauge is read from its database.
  expect(valueOf(after.billing, 'bank_job_runs_total', { job: 'billing_jobs', outcome: 'ok' })).toBeGreaterThanOrEqual(
    1,
  );
  expect(after.billing.samples.some((s) => s.name === 'bank_sagas' && s.labels.saga === 'bill_payment')).toBe(true);
  expect(after.lending.samples.filter((s) => s.name === 'bank_sagas').map((s) => s.labels.saga)).toEqual(
    expect.arrayContaining(['loan_payout', 'loan_repayment']),
  );

  // Every catalogue metric is exported by every service of its scope, with its type.
  for (const definition of Object.values(METRICS)) {
    for (const [service, exposition] of Object.entries(after) as [ServiceName, Exposition][]) {
      const type = exposition.types.get(definition.name);
      expect({ metric: definition.name, service, type }).toEqual({
        metric: definition.name,
        service,
        type: inScope(definition.scope, service) ? definition.type : undefined,
      });
    }
  }

  // Bounded labels: no id, email or account number anywhere; every sample says its service.
  for (const [service, exposition] of Object.entries(after)) {
    for (const sample of exposition.samples) {
      expect(sample.labels.service).toBe(service);
      for (const value of Object.values(sample.labels)) {
        expect({ sample: sample.name, value }).not.toEqual({
          sample: sample.name,
          value: expect.stringMatching(/[0-9a-f]{8}-[0-9a-f]{4}|@|\d{8,}/i),
        });
      }
    }
  }
});

test('a production router serves /metrics on its metrics port only, never on its public one', async () => {
  const production = loadConfig(testEnv({}, { NODE_ENV: 'production', ...keyEnvironment() }));
  expect(metricsPortOf(production, 'router')).toBe(DEFAULT_ROUTER_METRICS_PORT);
  expect(metricsPortOf(production, 'banking')).toBeUndefined();
  expect(metricsPortOf(loadConfig({ METRICS_PORT: '9500' }), 'banking')).toBe(9500);
  expect(metricsPortOf(loadConfig({}), 'router')).toBeUndefined();
  expect(() => loadConfig({ METRICS_PORT: 'x' })).toThrow(/METRICS_PORT/);

  const bus = new InProcessEventBus();
  // On a free port rather than 9464: other test files may run a production router at the same time.
  const router = await startRouter({
    config: production,
    logger: createLogger(production, 'test'),
    bus,
    port: 0,
    metricsPort: 0,
  });
  try {
    const publicMetrics = await fetch(new URL('/metrics', router.url));
    expect(publicMetrics.status).toBe(404);
    await publicMetrics.text();
    expect(new URL(router.metricsUrl).port).not.toBe(String(router.port));
    const own = await scrape(router.metricsUrl);
    expect(own.types.get('bank_graphql_operations_total')).toBe('counter');
    expect((await fetch(new URL('/graphql', router.metricsUrl))).status).toBe(404);
  } finally {
    await router.close();
    await bus.close();
  }
});
