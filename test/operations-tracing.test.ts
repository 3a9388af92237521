/**
 * Traces (platform/tracing.ts), end to end: one stack exporting over OTLP/HTTP
 * to a receiver this file runs on a loopback port, with its events on Redis.
 * A transfer through the router is one trace, continuing the client's
 * `traceparent`: the router's request, its fetch to banking, banking's
 * request and SQL, the outbox's publication, the consumers' handling of the
 * event, and the router's delivery of the notification it made to the
 * receiver's subscription, each span's parent in the trace. Identity's
 * service calls carry the trace to the subgraphs they call. A malformed
 * `traceparent` starts a new trace; no span carries an amount, an account id,
 * a user id or a token; log lines carry the trace id; with no endpoint
 * nothing is registered.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { trace } from '@opentelemetry/api';
import { loadConfig } from '../platform/config.ts';
import { createLogger } from '../platform/logger.ts';
import { RedisEventBus } from '../platform/redis-event-bus.ts';
import { inSpan, sanitizeSql, startTracing, tracingEnabled, type Tracing } from '../platform/tracing.ts';
import { multipartSubscribe } from './support/multipart.ts';
import { signUp, whileUnknown, type SignedUp } from './support/people.ts';
import { testRedisPrefix, testRedisUrl } from './support/redis.ts';
import { postGraphQL, postGraphQLWithStatus, startTestStack, testEnv, type TestStack } from './support/stack.ts';

/** A span as the receiver decoded it from OTLP JSON. */
interface ExportedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  scope: string;
  attributes: Record<string, unknown>;
}
const SERVER = 2;
const CLIENT = 3;
const PRODUCER = 4;
const CONSUMER = 5;

interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
  arrayValue?: { values?: OtlpValue[] };
}
const valueOf = (v: OtlpValue): unknown =>
  v.stringValue ?? v.intValue ?? v.doubleValue ?? v.boolValue ?? v.arrayValue?.values?.map(valueOf);

interface OtlpRequest {
  resourceSpans?: {
    scopeSpans?: {
      scope?: { name?: string };
      spans?: {
        traceId: string;
        spanId: string;
        parentSpanId?: string;
        name: string;
        kind: number;
        attributes?: { key: string; value: OtlpValue }[];
      }[];
    }[];
  }[];
}

const received: ExportedSpan[] = [];
/** Raw bodies as exported, for "nothing secret anywhere". */
const bodies: string[] = [];
let receiver: Server;
let bank: TestStack;
let tracing: Tracing;
let withoutEndpoint: { started: unknown; recording: boolean; enabled: boolean };
let alice: SignedUp;
let bob: SignedUp;
let aliceAccount: string;
let bobAccount: string;

function startReceiver(): Promise<Server> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      if (req.method !== 'POST' || req.url !== '/v1/traces' || !req.headers['content-type']?.includes('json')) {
        res.statusCode = 400;
        res.end();
        return;
      }
      bodies.push(text);
      const body = JSON.parse(text) as OtlpRequest;
      for (const resource of body.resourceSpans ?? []) {
        for (const scoped of resource.scopeSpans ?? []) {
          for (const span of scoped.spans ?? []) {
            received.push({
              traceId: span.traceId,
              spanId: span.spanId,
              parentSpanId: span.parentSpanId ?? '',
              name: span.name,
              kind: span.kind,
              scope: scoped.scope?.name ?? '',
              attributes: Object.fromEntries((span.attributes ?? []).map((a) => [a.key, valueOf(a.value)])),
            });
          }
        }
      }
      res.setHeader('content-type', 'application/json');
      res.end('{}');
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** Flushes the stack's spans until `ready` holds for what arrived (spans of async work end a little later). */
async function spansUntil(ready: (spans: ExportedSpan[]) => boolean): Promise<ExportedSpan[]> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    await tracing.flush();
    if (ready(received) || Date.now() > deadline) return received;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const inTrace = (traceId: string) => received.filter((s) => s.traceId === traceId);
const hex = (bytes: number) => randomBytes(bytes).toString('hex');

/** The chain of parents of `span` within its trace, nearest first. */
function ancestors(span: ExportedSpan, spans: ExportedSpan[]): ExportedSpan[] {
  const chain: ExportedSpan[] = [];
  for (let s = span; s.parentSpanId;) {
    const parent = spans.find((p) => p.spanId === s.parentSpanId && p.traceId === s.traceId);
    if (!parent) break;
    chain.push(parent);
    s = parent;
  }
  return chain;
}

const OPEN = `mutation($input: OpenAccountInput!) { openAccount(input: $input) { id } }`;
const DEPOSIT = `mutation($input: DepositInput!) { deposit(input: $input) { id } }`;
const TRANSFER = `mutation Pay($input: TransferInput!) { transfer(input: $input) { id status } }`;
const AMOUNT = '37.91';

beforeAll(async () => {
  // No endpoint: nothing starts and no provider is registered (spans are the API's no-ops).
  const quiet = loadConfig(testEnv({}));
  withoutEndpoint = {
    started: await startTracing(quiet, 'probe', createLogger(quiet, 'probe')),
    enabled: tracingEnabled(),
    recording: trace.getTracer('probe').startSpan('probe').isRecording(),
  };

  receiver = await startReceiver();
  const endpoint = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  const bus = new RedisEventBus({
    url: testRedisUrl(),
    keyPrefix: testRedisPrefix(),
    logger: createLogger({ logLevel: 'silent' }, 'test'),
    connectionName: 'test-tracing',
    blockMs: 200,
  });
  bank = await startTestStack({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint }, { bus });
  // A second user of the stack's tracing, for its flush; it stops with the stack's.
  tracing = (await startTracing(bank.config, 'test', createLogger(bank.config, 'test'))) as Tracing;

  alice = await signUp(bank.routerUrl, `alice-${hex(3)}`, 'CUSTOMER');
  bob = await signUp(bank.routerUrl, `bob-${hex(3)}`, 'CUSTOMER');
  const open = async (who: SignedUp) => {
    // Banking learns of a new user from identity's event a moment later.
    const result = await whileUnknown(
      () => postGraphQL(bank.routerUrl, OPEN, { input: { type: 'CHECKING', currency: 'USD' } }, who.token),
      ['userId', 'ownerId', 'user'],
    );
    const id = (result.data?.openAccount as { id?: string } | undefined)?.id;
    if (!id) throw new Error(`openAccount failed: ${JSON.stringify(result.errors)}`);
    return id;
  };
  aliceAccount = await open(alice);
  bobAccount = await open(bob);
  const deposit = await postGraphQL(
    bank.routerUrl,
    DEPOSIT,
    { input: { accountId: aliceAccount, amount: '500.00', idempotencyKey: `dep-${hex(6)}` } },
    alice.token,
  );
  expect(deposit.errors).toBeUndefined();
});

afterAll(async () => {
  await tracing?.shutdown();
  await bank?.close();
  await new Promise((resolve) => receiver?.close(resolve));
});

test('with no endpoint, tracing does not start and no tracer provider is registered', () => {
  expect(withoutEndpoint).toEqual({ started: undefined, enabled: false, recording: false });
});

describe('a transfer through the router', () => {
  const clientTrace = hex(16);
  const clientSpan = hex(8);
  let spans: ExportedSpan[];

  beforeAll(async () => {
    // Bob watches his notifications live: the transfer's notification reaches him through the router.
    const live = await multipartSubscribe(bank.routerUrl, 'subscription { notificationAdded { id } }', {}, bob.token);
    const result = await postGraphQLWithStatus(
      bank.routerUrl,
      TRANSFER,
      {
        input: { fromAccountId: aliceAccount, toAccountId: bobAccount, amount: AMOUNT, idempotencyKey: `t-${hex(6)}` },
      },
      alice.token,
      { traceparent: `00-${clientTrace}-${clientSpan}-01` },
    );
    expect(result.errors).toBeUndefined();
    expect(result.status).toBe(200);
    expect(await live.next(10_000)).toMatchObject({
      payload: { data: { notificationAdded: { id: expect.any(String) } } },
    });
    live.cancel();
    // Until the event is published and its consumers (one span per consumer group, over the Redis stream) are done:
    // the trace stops growing.
    let seen = -1;
    await spansUntil(() => {
      const now = inTrace(clientTrace);
      const settled =
        now.length === seen && now.some((s) => s.kind === PRODUCER) && now.some((s) => s.kind === CONSUMER);
      seen = now.length;
      return settled;
    });
    spans = inTrace(clientTrace);
  });

  const one = (predicate: (s: ExportedSpan) => boolean, what: string): ExportedSpan => {
    const found = spans.filter(predicate);
    if (found.length === 0) throw new Error(`no ${what} span in ${JSON.stringify(spans.map((s) => s.name))}`);
    return found[0] as ExportedSpan;
  };

  test('is one trace continuing the client’s: router request, fetch to banking, banking request, its SQL', () => {
    const routerRequest = one((s) => s.kind === SERVER && s.attributes['bank.service'] === 'router', 'router');
    expect(routerRequest).toMatchObject({ name: 'POST /graphql', parentSpanId: clientSpan });
    expect(routerRequest.attributes).toMatchObject({
      'http.response.status_code': 200,
      'graphql.operation.type': 'mutation',
      'graphql.operation.name': 'Pay',
    });

    const fetch = one((s) => s.kind === CLIENT && s.name === 'fetch banking', 'router → banking fetch');
    expect(fetch.attributes['bank.service']).toBe('router');
    expect(ancestors(fetch, spans)).toContainEqual(routerRequest);

    const bankingRequest = one((s) => s.kind === SERVER && s.attributes['bank.service'] === 'banking', 'banking');
    expect(bankingRequest.parentSpanId).toBe(fetch.spanId);

    // Every statement in the trace hangs under a request or an event handling of the service that ran it.
    const sql = spans.filter((s) => s.scope === '@opentelemetry/instrumentation-pg');
    for (const statement of sql) {
      expect(statement.kind).toBe(CLIENT);
      const owner = ancestors(statement, spans).find((s) => s.kind === SERVER || s.kind === CONSUMER);
      expect(owner?.attributes['bank.service']).toBe(statement.attributes['bank.service']);
    }
    const banking = sql.filter((s) => ancestors(s, spans).find((a) => a.kind !== CLIENT) === bankingRequest);
    expect(banking.length).toBeGreaterThan(2);
    expect(banking.every((s) => s.attributes['bank.service'] === 'banking')).toBe(true);
    const texts = banking.map((s) => String(s.attributes['db.query.text']));
    // The ledger writes a posting in one statement of SQL of its own: the balances, the rows, the event.
    const write = texts.find((t) => /insert into "?transactions"?/i.test(t));
    expect(write).toMatch(/update "?accounts"?/i);
    expect(write).toMatch(/insert into "?entries"?/i);
    expect(write).toMatch(/insert into "?outbox_events"?/i);
  });

  test('its event is published from the outbox and handled by consumers in the same trace', () => {
    const publish = one(
      (s) => s.kind === PRODUCER && s.attributes['bank.event.type'] === 'banking.transaction.posted',
      'outbox publication',
    );
    expect(publish.attributes['bank.service']).toBe('banking');
    // The relay's span is a child of the span that wrote the event (banking's request).
    const writer = spans.find((s) => s.spanId === publish.parentSpanId);
    expect(writer?.attributes['bank.service']).toBe('banking');
    const consumers = spans.filter((s) => s.kind === CONSUMER && s.parentSpanId === publish.spanId);
    expect(consumers.length).toBeGreaterThan(0);
    for (const consumer of consumers) {
      expect(consumer.name).toBe('consume banking.transaction.posted');
      expect(typeof consumer.attributes['messaging.consumer.group.name']).toBe('string');
    }
  });

  test('the notification it made reaches the subscriber in the same trace: messaging consumer → router delivery', () => {
    const delivery = one((s) => s.name === 'subscription event', 'subscription delivery');
    expect(delivery).toMatchObject({ kind: CONSUMER, attributes: { 'bank.service': 'router' } });
    const chain = ancestors(delivery, spans);
    // Published live by messaging's consumer of the transfer's event, which hangs under banking's request.
    expect(chain[0]).toMatchObject({ kind: CONSUMER, attributes: { 'bank.service': 'messaging' } });
    expect(chain.some((s) => s.kind === SERVER && s.attributes['bank.service'] === 'banking')).toBe(true);
    // The router asks messaging for the event's data for this subscriber, in the delivery's span.
    expect(
      spans.some(
        (s) => s.kind === SERVER && s.attributes['bank.service'] === 'messaging' && s.parentSpanId === delivery.spanId,
      ),
    ).toBe(true);
  });

  test('no span carries the amount, an account id, a user id or a token; SQL keeps only its statement', () => {
    const all = bodies.join('\n');
    // Amounts reach SQL in minor units (3791): no statement keeps a literal, string or number.
    const statements = received.map((s) => s.attributes['db.query.text']).filter((t) => typeof t === 'string');
    expect(statements.length).toBeGreaterThan(10);
    for (const statement of statements) expect(statement).not.toMatch(/'|\b\d+\b/);
    for (const secret of [AMOUNT, aliceAccount, bobAccount, alice.id, bob.id, alice.token]) {
      expect(all).not.toContain(secret);
    }
    expect(sanitizeSql(`insert into "t" ("a", "b") values ('acc-1', 37.91), (E'x\\'y', '{"k":"v"}') -- 'x`)).toBe(
      `insert into "t" ("a", "b") values (?, ?), (?, ?) -- ?`,
    );
  });
});

test('service calls carry the trace: identity gathering a data export from the other subgraphs', async () => {
  const clientTrace = hex(16);
  const result = await postGraphQLWithStatus(
    bank.routerUrl,
    `mutation { requestDataExport { status } }`,
    {},
    alice.token,
    { traceparent: `00-${clientTrace}-${hex(8)}-01` },
  );
  expect(result).toMatchObject({ status: 200, data: { requestDataExport: { status: 'READY' } } });
  const called = ['banking', 'billing', 'lending', 'messaging'];
  await spansUntil(() =>
    called.every((name) =>
      inTrace(clientTrace).some((s) => s.kind === SERVER && s.attributes['bank.service'] === name),
    ),
  );
  const spans = inTrace(clientTrace);
  for (const name of called) {
    const served = spans.find((s) => s.kind === SERVER && s.attributes['bank.service'] === name);
    const call = spans.find((s) => s.spanId === served?.parentSpanId);
    expect(call).toMatchObject({ kind: CLIENT, name: 'service call', attributes: { 'bank.service': 'identity' } });
  }
});

test('a malformed traceparent is ignored: the request succeeds in a new trace', async () => {
  for (const traceparent of ['garbage', `00-${'0'.repeat(32)}-${hex(8)}-01`, `zz-${hex(16)}-${hex(8)}-01`]) {
    const operation = `Malformed${hex(4)}`;
    const result = await postGraphQLWithStatus(bank.routerUrl, `query ${operation} { __typename }`, {}, undefined, {
      traceparent,
    });
    expect(result).toMatchObject({ status: 200, data: { __typename: 'Query' } });
    const spans = await spansUntil((all) => all.some((s) => s.attributes['graphql.operation.name'] === operation));
    const request = spans.find((s) => s.attributes['graphql.operation.name'] === operation);
    expect(request).toMatchObject({ kind: SERVER, name: 'POST /graphql', parentSpanId: '' });
    expect(request?.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(request?.traceId).not.toBe('0'.repeat(32));
  }
});

test('log lines written inside a traced operation carry its trace and span ids', async () => {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
      done();
    },
  });
  const logger = createLogger({ logLevel: 'info' }, 'test', destination);
  let ids: { traceId: string; spanId: string } | undefined;
  await inSpan('log probe', {}, async () => {
    ids = trace.getActiveSpan()?.spanContext();
    logger.info({ step: 'inside' }, 'inside a span');
  });
  logger.info({ step: 'outside' }, 'outside any span');
  await new Promise((resolve) => setImmediate(resolve));
  expect(ids?.traceId).toMatch(/^[0-9a-f]{32}$/);
  expect(lines.find((l) => l.step === 'inside')).toMatchObject({ trace_id: ids?.traceId, span_id: ids?.spanId });
  expect(lines.find((l) => l.step === 'outside')).not.toHaveProperty('trace_id');
});
