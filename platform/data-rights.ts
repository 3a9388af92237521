/**
 * The customer's data rights (GDPR articles 15, 17 and 20), as every
 * subgraph takes part in them.
 *
 * - Export: identity asks each subgraph, as a signed internal service
 *   (`identity`), for what it holds about one user: a service-only query
 *   (`<subgraph>PersonalData(userId)`, `@inaccessible`) answering one
 *   {@link DataSection} as JSON text. Identity assembles the sections into
 *   one archive with a manifest (subgraphs/identity/src/services/data-rights.ts).
 * - Erasure: identity first asks banking and lending whether anything stops
 *   it (`<subgraph>ErasureBlockers(userId)`: money on an account, pending
 *   holds, an open loan), then anonymizes its own data and writes
 *   {@link USER_ERASED} to its outbox; each other subgraph anonymizes its
 *   own data from its durable consumer group ({@link startErasureConsumer}).
 *   Anonymizing sets fixed values, so a replayed event changes nothing more:
 *   the consumers need no record of processed events.
 *
 * Nothing here reads another subgraph's database.
 */
import { z } from 'zod';
import { BACKGROUND_CONSUMER, type DomainEvent, type EventBus, type Unsubscribe } from './event-bus.ts';
import type { Logger } from './logger.ts';
import { sql, type EntityManager, type MikroORM } from './orm.ts';

/** Identity's event: this user was erased; every subgraph anonymizes what it holds about them. */
export const USER_ERASED = 'identity.user.erased';

/** What personal text is replaced with. */
export const ERASED_TEXT = '[erased]';
/** The name an erased user keeps (identity) for records the bank must keep. */
export const ERASED_NAME = 'Erased user';

/** Version of the archive's format; changes when a section's shape does. */
export const DATA_EXPORT_FORMAT_VERSION = 1;

/**
 * One subgraph's part of an export: how many of each kind of record it
 * holds, and the records. Amounts are decimal strings, times ISO 8601.
 */
export interface DataSection {
  counts: Record<string, number>;
  data: Record<string, unknown>;
}

/** Something that stops an erasure until the user acts (a balance, an open loan). */
export interface ErasureBlocker {
  /** Stable, machine-readable: ACCOUNT_HAS_BALANCE, PENDING_HOLDS, OPEN_LOAN, LOAN_PAYOUT_IN_PROGRESS. */
  reason: string;
  /** For the user: what stops it and what to do. */
  message: string;
}

export const dataSectionSchema = z.object({
  counts: z.record(z.string(), z.number().int().nonnegative()),
  data: z.record(z.string(), z.unknown()),
});

export const erasureBlockersSchema = z.array(z.object({ reason: z.string(), message: z.string() }));

const erasedEvent = z.object({ payload: z.object({ userId: z.uuid() }) });

/** ISO text of a time, or null. */
export const iso = (value: Date | string | null | undefined): string | null =>
  value === null || value === undefined ? null : new Date(value).toISOString();

/**
 * Anonymizes, from consumer group `group`, what a subgraph holds about each
 * erased user: `erase` runs in one database transaction per event and must
 * be idempotent (it sets fixed values). A malformed event is logged and
 * skipped; a failure is retried by the bus. The returned function stops it.
 */
export function startErasureConsumer(options: {
  orm: MikroORM;
  bus: EventBus;
  logger: Logger;
  group: string;
  erase(em: EntityManager, userId: string): Promise<void>;
}): Promise<Unsubscribe> {
  const { orm, bus, logger, group, erase } = options;
  return bus.consume(
    group,
    async (event: DomainEvent) => {
      const parsed = erasedEvent.safeParse(event);
      if (!parsed.success) {
        logger.error({ eventId: event.id, eventType: event.type }, 'erasure: malformed event, skipped');
        return;
      }
      const { userId } = parsed.data.payload;
      await orm.em.fork().transactional((em) => erase(em, userId));
      logger.info({ eventId: event.id, group }, 'erasure: personal data anonymized');
    },
    { ...BACKGROUND_CONSUMER, types: [USER_ERASED] },
  );
}

/**
 * Marks an erased user in a subgraph's known-users mirror (platform/known-users.ts:
 * billing, messaging) as holding no role, so nobody can bill them or start a
 * conversation with them; the row's time is the erasure's, so an older role
 * event delivered late does not bring the roles back.
 */
export async function forgetKnownUser(em: EntityManager, userId: string): Promise<void> {
  await sql(
    em,
    `insert into known_users (user_id, roles, as_of) values (?, '{}', now())
       on conflict (user_id) do update set roles = '{}', as_of = greatest(known_users.as_of, excluded.as_of)`,
    [userId],
  );
}
