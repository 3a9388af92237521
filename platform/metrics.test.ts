import { METRICS } from './metrics-catalogue.ts';
import { inScope, MAX_OPERATION_NAMES, operationNameBound, outcomeOf, ServiceMetrics } from './metrics.ts';

describe('operationNameBound', () => {
  test('keeps valid names up to 64 characters; no name is "anonymous", anything else "other"', () => {
    const bound = operationNameBound();
    expect(bound('Transfer')).toBe('Transfer');
    expect(bound('_private2')).toBe('_private2');
    expect(bound('a'.repeat(64))).toBe('a'.repeat(64));
    expect(bound('a'.repeat(65))).toBe('other');
    expect(bound(undefined)).toBe('anonymous');
    expect(bound(null)).toBe('anonymous');
    expect(bound('')).toBe('anonymous');
    for (const bad of [
      '1abc',
      'with space',
      'dash-ed',
      'alice@example.com',
      '0b6c8f2e-1d2a-4c1b-9d3e-2f1a0b9c8d7e',
      'é',
    ]) {
      expect(bound(bad)).toBe('other');
    }
  });

  test('at most `max` distinct names; names seen before keep their label', () => {
    const bound = operationNameBound(3);
    expect(['A', 'B', 'C'].map(bound)).toEqual(['A', 'B', 'C']);
    expect(bound('D')).toBe('other');
    expect(bound('B')).toBe('B');
    const many = operationNameBound();
    const labels = new Set(Array.from({ length: MAX_OPERATION_NAMES + 50 }, (_, i) => many(`Op${i}`)));
    expect(labels.size).toBe(MAX_OPERATION_NAMES + 1);
    expect(labels.has('other')).toBe(true);
  });
});

test('outcomeOf: "ok", the first error\'s catalogued code, else "other"', () => {
  expect(outcomeOf(undefined)).toBe('ok');
  expect(outcomeOf([])).toBe('ok');
  expect(outcomeOf([{ extensions: { code: 'INSUFFICIENT_FUNDS' } }, { extensions: { code: 'FORBIDDEN' } }])).toBe(
    'INSUFFICIENT_FUNDS',
  );
  expect(outcomeOf([{ extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }])).toBe('GRAPHQL_VALIDATION_FAILED');
  expect(outcomeOf([{ extensions: { code: 'made up by a client' } }])).toBe('other');
  expect(outcomeOf([{}])).toBe('other');
});

test('a service registry holds the catalogue metrics of its scope only, labelled with the service', async () => {
  const metrics = new ServiceMetrics('identity');
  for (const [key, definition] of Object.entries(METRICS) as [
    keyof typeof METRICS,
    (typeof METRICS)[keyof typeof METRICS],
  ][]) {
    expect({ key, has: metrics.has(key) }).toEqual({ key, has: inScope(definition.scope, 'identity') });
  }
  expect(() => metrics.get('ledgerTransactions')).toThrow(/not exported by the identity service/);
  metrics.observeOperation('mutation', 'Login', 'ok', 0.01);
  metrics.observeOperation('nonsense', 'x y', 'ok', 0.01);
  const text = await metrics.scrape();
  expect(text).toContain(
    'bank_graphql_operations_total{operation_type="mutation",operation_name="Login",outcome="ok",service="identity"} 1',
  );
  expect(text).toContain('operation_type="unknown",operation_name="other"');
});

test('a scrape-time reading that fails leaves the scrape whole', async () => {
  const metrics = new ServiceMetrics('banking');
  metrics.get('outboxBacklog').set(7);
  metrics.collect('outboxBacklog', () => Promise.reject(new Error('database away')));
  metrics.collect('sagas', () => {
    metrics.get('sagas').labels('bill_payment', 'pending').set(2);
  });
  const text = await metrics.scrape();
  expect(text).toContain('bank_outbox_backlog_events{service="banking"} 7');
  expect(text).toContain('bank_sagas{saga="bill_payment",state="pending",service="banking"} 2');
  expect(() => metrics.collect('ledgerTransactions', () => undefined)).toThrow(/not a gauge/);
});

test('the README\'s "Metrics" lists every metric of the catalogue, with its type', async () => {
  const { readFileSync } = await import('node:fs');
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf('### Metrics'), readme.indexOf('## Production topology'));
  for (const definition of Object.values(METRICS)) {
    expect(section).toMatch(new RegExp(`\\| \`${definition.name}\` +\\| ${definition.type} +\\|`));
  }
});
