/**
 * The transactional outbox. A service writes its domain event into its own
 * `outbox_events` table in the same database transaction as the state change
 * ({@link recordEvent}); the relay ({@link startOutboxRelay}) then hands
 * committed events to the event bus, at least once, in order of writing.
 * A crash between commit and publication delays an event, never loses it.
 *
 * Every subgraph that emits events lists {@link OutboxEventSchema} among its
 * entities, so its migrations create the table.
 */
import { randomUUID } from 'node:crypto';
import { defineEntity, p } from '@mikro-orm/core';
import type { DomainEvent, EventBus } from './event-bus.ts';
import type { Logger } from './logger.ts';
import type { ServiceMetrics } from './metrics.ts';
import { sqlParams, sqlTransaction, type EntityManager, type MikroORM } from './orm.ts';
import { currentTraceparent, inSpan, SpanKind } from './tracing.ts';

export const OutboxEventSchema = defineEntity({
  name: 'OutboxEvent',
  tableName: 'outbox_events',
  indexes: [{ properties: ['publishedAt', 'position'] }],
  properties: {
    id: p.uuid().primary(),
    /** Write order; the relay publishes in this order. */
    position: p.bigint('number').autoincrement().unique(),
    type: p.string().length(200),
    payload: p.json<Record<string, unknown>>(),
    occurredAt: p.datetime(),
    publishedAt: p.datetime().nullable(),
    /** W3C trace context of the operation that wrote the event (platform/tracing.ts); null when tracing is off. */
    traceparent: p.string().length(64).nullable(),
  },
});

export class OutboxEvent extends OutboxEventSchema.class {}
OutboxEventSchema.setClass(OutboxEvent);

/** Topic on which the relay publishes each event for live listeners. */
export const eventTopic = (type: string): string => `event.${type}`;

/** A domain event as a row of `outbox_events`, before it is written. */
export interface OutboxRow {
  id: string;
  type: string;
  payload: Record<string, unknown>;
  occurredAt: Date;
  /** The writing operation's trace, so that the event's publication and handling join it; null when tracing is off. */
  traceparent: string | null;
}

/** A new domain event's row, for {@link recordEvent} or for code that writes its rows with SQL ({@link insertOutboxSql}). */
export function outboxRow(type: string, payload: Record<string, unknown>): OutboxRow {
  return { id: randomUUID(), type, payload, occurredAt: new Date(), traceparent: currentTraceparent() ?? null };
}

/**
 * Adds a domain event to `em`'s unit of work: it is written by the same
 * flush, in the same database transaction, as the change it describes.
 */
export function recordEvent(em: EntityManager, type: string, payload: Record<string, unknown>): DomainEvent {
  const row = outboxRow(type, payload);
  em.create(OutboxEvent, { ...row, publishedAt: null });
  return {
    id: row.id,
    type,
    occurredAt: row.occurredAt.toISOString(),
    payload,
    ...(row.traceparent ? { traceparent: row.traceparent } : {}),
  };
}

/**
 * An `insert` of `rows` into `outbox_events` with `?` placeholders, and its
 * parameters, for a statement that writes them with the change they
 * describe (it must run in that change's transaction).
 */
export function insertOutboxSql(rows: readonly OutboxRow[]): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const values = rows.map((row) => {
    params.push(row.id, row.type, JSON.stringify(row.payload), row.occurredAt, row.traceparent);
    return '(?, ?, cast(? as jsonb), ?, null, ?)';
  });
  return {
    sql: `insert into outbox_events (id, type, payload, occurred_at, published_at, traceparent) values ${values.join(', ')}`,
    params,
  };
}

/** An event of the outbox not published yet, as the relay reads it. */
interface PendingRow {
  id: string;
  type: string;
  payload: Record<string, unknown>;
  occurred_at: Date;
  traceparent: string | null;
}

export interface OutboxRelay {
  /** Publishes what is pending now (tests, and services that just committed). */
  drain(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * Publishes committed outbox events to the bus. Several instances may run:
 * each batch is claimed with `FOR UPDATE SKIP LOCKED`. An event whose
 * publication fails stays pending and is retried on the next tick.
 */
export function startOutboxRelay(options: {
  orm: MikroORM;
  bus: EventBus;
  logger: Logger;
  /** Counts the events relayed (`bank_outbox_events_relayed_total`). */
  metrics?: ServiceMetrics;
  /** The subgraph whose outbox this is, named on the relay's spans. */
  service?: string;
  intervalMs?: number;
  batchSize?: number;
}): OutboxRelay {
  const { orm, bus, logger } = options;
  const relayed = options.metrics?.get('outboxRelayed');
  const intervalMs = options.intervalMs ?? 200;
  const batchSize = options.batchSize ?? 100;
  let running: Promise<number> | undefined;
  let stopped = false;

  /**
   * Whether any event waits, in one statement outside a transaction (an
   * index probe): an idle tick, and the last of a drain, cost that alone
   * instead of BEGIN, a locking SELECT and COMMIT through the ORM.
   */
  const pending = async (): Promise<boolean> => {
    const [row] = await sqlParams<{ pending: boolean }>(
      orm.em.fork(),
      'select exists (select 1 from outbox_events where published_at is null) as pending',
    );
    return row?.pending === true;
  };

  /**
   * Publishes one row in a span of the writer's trace; the event carries that span on (or, with
   * tracing off here, the writer's own trace context as written).
   */
  const publishRow = (row: PendingRow): Promise<void> => {
    const event: DomainEvent = {
      id: row.id,
      type: row.type,
      occurredAt: new Date(row.occurred_at).toISOString(),
      payload: row.payload,
    };
    return inSpan(
      `publish ${row.type}`,
      {
        kind: SpanKind.PRODUCER,
        traceparent: row.traceparent ?? undefined,
        detached: true,
        ...(options.service ? { service: options.service } : {}),
        attributes: {
          'messaging.operation.type': 'send',
          'messaging.message.id': row.id,
          'bank.event.type': row.type,
        },
      },
      async () => {
        const traceparent = currentTraceparent() ?? row.traceparent;
        if (traceparent) event.traceparent = traceparent;
        await bus.append(event);
        await bus.publish(eventTopic(event.type), event);
      },
    );
  };

  const publishBatch = async (): Promise<number> => {
    if (!(await pending())) return 0;
    return sqlTransaction(orm.em.fork(), async (trx) => {
      const rows = await sqlParams<PendingRow>(
        trx,
        `select id, type, payload, occurred_at, traceparent from outbox_events
          where published_at is null order by position limit ? for update skip locked`,
        [batchSize],
      );
      // Each event's publication starts before the previous one's answer: the bus sends them in this
      // order (Redis pipelines them on its one connection), in a span of the writer's trace each.
      await Promise.all(rows.map((row) => publishRow(row)));
      if (rows.length > 0) {
        await sqlParams(trx, 'update outbox_events set published_at = now() where id = any(?)', [
          rows.map((r) => r.id),
        ]);
      }
      return rows.length;
    });
  };

  const drain = async (): Promise<number> => {
    // One drain at a time per process; callers share the one in flight.
    running ??= (async () => {
      let total = 0;
      try {
        for (let n = await publishBatch(); n > 0; n = await publishBatch()) {
          total += n;
          relayed?.inc(n);
        }
      } finally {
        running = undefined;
      }
      return total;
    })();
    return running;
  };

  const timer = setInterval(() => {
    if (stopped) return;
    drain().catch((error: unknown) => logger.warn({ err: error }, 'outbox relay: publication failed, will retry'));
  }, intervalMs);
  timer.unref();

  return {
    drain,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}
