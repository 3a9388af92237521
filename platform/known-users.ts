/**
 * What a subgraph knows of the bank's users without asking identity: their
 * ids and roles, mirrored from identity's durable `identity.user.registered`
 * and `identity.user.roles_changed` events (ids and roles only, never an
 * email) into the subgraph's own `known_users` table.
 *
 * A subgraph that must refuse work for a user who does not exist (billing's
 * `issueBill`) or check a role (messaging's `startConversation`) lists
 * {@link KnownUserSchema} among its entities and applies the events with
 * {@link recordKnownUser}, from its own consumer group: what happens while
 * it is down is applied when it comes back. Each event sets the roles as of
 * its time, and an older event delivered late never overwrites a newer one,
 * so replays and reordering are harmless without a record of processed
 * events. A new user is known shortly after sign-up (the outbox relay's poll
 * plus the consumer's delay, well under a second); until then they are
 * unknown.
 */
import { defineEntity, p } from '@mikro-orm/core';
import { z } from 'zod';
import { ROLES, type Role } from './caller.ts';
import { BACKGROUND_CONSUMER, type DomainEvent, type EventBus, type Unsubscribe } from './event-bus.ts';
import type { Logger } from './logger.ts';
import type { EntityManager, MikroORM } from './orm.ts';

export const KnownUserSchema = defineEntity({
  name: 'KnownUser',
  tableName: 'known_users',
  properties: {
    userId: p.uuid().primary(),
    roles: p.array().$type<Role[]>(),
    /** Time of the event the row reflects. */
    asOf: p.datetime(),
  },
});

export class KnownUser extends KnownUserSchema.class {}
KnownUserSchema.setClass(KnownUser);

/** Identity's events about users (see subgraphs/identity/src/services/user-events.ts). */
export const USER_EVENTS: ReadonlySet<string> = new Set(['identity.user.registered', 'identity.user.roles_changed']);

const userEvent = z.object({
  occurredAt: z.iso.datetime({ offset: true }),
  payload: z.object({ userId: z.uuid(), roles: z.array(z.enum(ROLES)).max(ROLES.length) }),
});

/**
 * Applies one event to `known_users`. Returns false for events of other
 * types (the caller may handle them); a malformed user event is logged and
 * skipped, since retrying it cannot make it better.
 */
export async function recordKnownUser(orm: MikroORM, logger: Logger, event: DomainEvent): Promise<boolean> {
  if (!USER_EVENTS.has(event.type)) return false;
  const parsed = userEvent.safeParse(event);
  if (!parsed.success) {
    logger.error({ eventId: event.id, eventType: event.type }, 'known users: malformed event, skipped');
    return true;
  }
  const { payload, occurredAt } = parsed.data;
  await orm.em
    .fork()
    .getConnection()
    .execute(
      `insert into known_users (user_id, roles, as_of) values (?, ?, ?)
         on conflict (user_id) do update set roles = excluded.roles, as_of = excluded.as_of
         where known_users.as_of <= excluded.as_of`,
      [payload.userId, `{${payload.roles.join(',')}}`, new Date(occurredAt)],
    );
  return true;
}

/** Mirrors users into `known_users` from consumer group `group`; the returned function stops it. */
export function startKnownUsersConsumer(options: {
  orm: MikroORM;
  bus: EventBus;
  logger: Logger;
  group: string;
}): Promise<Unsubscribe> {
  return options.bus.consume(
    options.group,
    async (event) => {
      await recordKnownUser(options.orm, options.logger, event);
    },
    { ...BACKGROUND_CONSUMER, types: [...USER_EVENTS] },
  );
}

/** The roles of a known user; null for a user this subgraph has not heard of. */
export async function rolesOf(em: EntityManager, userId: string): Promise<Role[] | null> {
  const user = await em.findOne(KnownUser, { userId });
  return user ? user.roles : null;
}
