/**
 * What every subgraph measures the same way (platform/subgraph.ts wires it):
 * its database pool, its outbox and its event consumers, read when scraped,
 * and the database failures of its requests.
 */
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { DriverException } from '@mikro-orm/core';
import type { PostgreSqlConnection } from '@mikro-orm/postgresql';
import { BankError, ErrorCode } from './errors.ts';
import { busView, type EventBus, type Unsubscribe } from './event-bus.ts';
import type { ServiceMetrics } from './metrics.ts';
import type { MikroORM } from './orm.ts';

/**
 * The pg Pool under MikroORM 7 (kysely's PostgresDialect over `pg`): its
 * `totalCount`, `idleCount` and `waitingCount`, read when scraped (no query).
 */
export function measurePool(metrics: ServiceMetrics, orm: MikroORM, poolMax: number): () => void {
  metrics.get('dbPoolMax').set(poolMax);
  const gauge = metrics.get('dbPoolConnections');
  const inUse = gauge.labels('in_use');
  const idle = gauge.labels('idle');
  const waiting = gauge.labels('waiting');
  let pool: Awaited<ReturnType<PostgreSqlConnection['getNativeClient']>> | undefined;
  return metrics.collect('dbPoolConnections', async () => {
    // Read in the scrape's first tick, before the other readings' queries queue for a connection
    // (pg-pool queues a request for a tick even when a connection is idle: it would count as waiting).
    pool ??= await (orm.em.getConnection() as PostgreSqlConnection).getNativeClient();
    inUse.set(pool.totalCount - pool.idleCount);
    idle.set(pool.idleCount);
    waiting.set(pool.waitingCount);
  });
}

/**
 * The outbox's backlog and the age of its oldest unrelayed event, in one
 * query on the partial index of unpublished rows.
 */
export function measureOutbox(metrics: ServiceMetrics, orm: MikroORM): () => void {
  const backlog = metrics.get('outboxBacklog');
  const oldest = metrics.get('outboxOldestAge');
  return metrics.collect('outboxBacklog', async () => {
    const [row] = await orm.em.getConnection().execute<{ backlog: string | number; age: number | null }[]>(
      `select count(*) as backlog, extract(epoch from now() - min(occurred_at))::float8 as age
         from outbox_events where published_at is null`,
    );
    backlog.set(Number(row?.backlog ?? 0));
    oldest.set(Math.max(0, row?.age ?? 0));
  });
}

/**
 * The bus as one subgraph sees it: the consumer groups it starts are
 * remembered (their lag is read when scraped) and their handlers' failures
 * counted. Everything else goes to `bus` unchanged; several subgraphs of one
 * process share `bus`, each through its own view.
 */
export function measuredBus(bus: EventBus, metrics: ServiceMetrics): { bus: EventBus; stop(): void } {
  const groups = new Set<string>();
  const lag = metrics.get('consumerLag');
  const failures = metrics.get('consumerFailures');
  metrics.get('eventBusConnected').set(bus.isConnected() ? 1 : 0);
  const stopConnected = metrics.collect('eventBusConnected', () => {
    metrics.get('eventBusConnected').set(bus.isConnected() ? 1 : 0);
  });
  const stopLag = metrics.collect('consumerLag', async () => {
    await Promise.all([...groups].map(async (group) => lag.labels(group).set(await bus.consumerLag(group))));
  });
  const view = busView(bus, {
    async consume(group, handler, options): Promise<Unsubscribe> {
      const failed = failures.labels(group);
      lag.labels(group).set(0);
      groups.add(group);
      return bus.consume(
        group,
        async (event) => {
          try {
            await handler(event);
          } catch (error) {
            failed.inc();
            throw error;
          }
        },
        options,
      );
    },
  });
  return {
    bus: view,
    stop() {
      stopLag();
      stopConnected();
    },
  };
}

/** PostgreSQL's codes of a transaction it rolled back, and the reason they are counted under. */
const ROLLBACK_REASONS: Readonly<Record<string, string>> = {
  '40P01': 'deadlock',
  '40001': 'serialization',
  '55P03': 'lock_timeout',
};

/**
 * Counts the requests of a subgraph that failed on the database (a
 * deadlock, a serialization failure, a lock timeout, anything else the
 * driver raised): each rolled its transaction back.
 */
export function databaseFailuresPlugin<TContext extends BaseContext>(
  metrics: ServiceMetrics,
): ApolloServerPlugin<TContext> {
  const counter = metrics.get('dbTransactionFailures');
  const reasons = new Map(
    ['deadlock', 'serialization', 'lock_timeout', 'other'].map((reason) => [reason, counter.labels(reason)]),
  );
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors }) {
          for (const error of errors) {
            const cause = error.originalError;
            if (!(cause instanceof DriverException)) continue;
            reasons.get(ROLLBACK_REASONS[cause.code ?? ''] ?? 'other')?.inc();
            return;
          }
        },
      };
    },
  };
}

/** The states a saga gauge shows (each set, 0 when none). */
const SAGA_STATES = ['pending', 'completed', 'failed'] as const;

/**
 * Sagas by state, read when scraped by `sql`: one query returning
 * `(saga, state, n)` rows, `state` one of pending, completed, failed (the
 * subgraph maps its statuses in the query, on the `(status, updated_at)`
 * index its saga tables have).
 */
export function measureSagas(
  metrics: ServiceMetrics,
  orm: MikroORM,
  sagas: readonly string[],
  sql: string,
): () => void {
  const gauge = metrics.get('sagas');
  const children = new Map(
    sagas.flatMap((saga) => SAGA_STATES.map((state) => [`${saga} ${state}`, gauge.labels(saga, state)] as const)),
  );
  return metrics.collect('sagas', async () => {
    const rows = await orm.em.getConnection().execute<{ saga: string; state: string; n: string | number }[]>(sql);
    const counts = new Map<string, number>();
    for (const row of rows) {
      const key = `${row.saga} ${row.state}`;
      counts.set(key, (counts.get(key) ?? 0) + Number(row.n));
    }
    for (const [key, child] of children) child.set(counts.get(key) ?? 0);
  });
}

/** How a recovery job's run of one saga ended, as `bank_saga_recoveries_total` counts it. */
export function countRecovery(metrics: ServiceMetrics, saga: string, status: string | null | undefined): void {
  const outcome =
    status === 'COMPLETED' || status === 'ACTIVE' || status === 'PAID_OFF'
      ? 'completed'
      : status === 'FAILED'
        ? 'failed'
        : 'retry';
  metrics.get('sagaRecoveries').labels(saga, outcome).inc();
}

/** Codes a payment is refused with, as `bank_payment_refusals_total` labels them; any other code counts as "other". */
const PAYMENT_REFUSAL_CODES: ReadonlySet<string> = new Set([
  ErrorCode.INSUFFICIENT_FUNDS,
  ErrorCode.ACCOUNT_NOT_ACTIVE,
  ErrorCode.CURRENCY_MISMATCH,
  ErrorCode.IDEMPOTENCY_KEY_REUSED,
  ErrorCode.IDEMPOTENCY_IN_PROGRESS,
  ErrorCode.STEP_UP_REQUIRED,
  ErrorCode.INVALID_STATE_TRANSITION,
  ErrorCode.FORBIDDEN,
]);

/** Counts a payment refused with `code` (a FAILED payment's failure code). */
export function countPaymentRefusal(metrics: ServiceMetrics, code: string): void {
  metrics
    .get('paymentRefusals')
    .labels(PAYMENT_REFUSAL_CODES.has(code) ? code : 'other')
    .inc();
}

/** Counts `error` when it is a payment refusal (one of the codes above); other errors are not refusals. */
export function countIfPaymentRefused(metrics: ServiceMetrics, error: unknown): void {
  if (error instanceof BankError && PAYMENT_REFUSAL_CODES.has(error.code)) countPaymentRefusal(metrics, error.code);
}
