/**
 * The users messaging knows: their roles, mirrored from identity's domain
 * events by the `messaging-users` consumer group (durable, so a user who
 * signs up while messaging is down is known when it comes back). Handling is
 * idempotent without a record of processed events: each event sets the
 * roles as of its time, and an older event never overwrites a newer one.
 *
 * A user is known shortly after identity commits their sign-up (the outbox
 * relay's poll plus the consumer's delay, well under a second here); until
 * then starting a conversation with them is NOT_FOUND.
 */
import { z } from 'zod';
import { ROLES, type Role } from '../../../../platform/caller.ts';
import type { DomainEvent, EventBus, Unsubscribe } from '../../../../platform/event-bus.ts';
import type { Logger } from '../../../../platform/logger.ts';
import type { EntityManager, MikroORM } from '../../../../platform/orm.ts';
import { KnownUser } from '../entities/index.ts';

/** The consumer group of the user mirror on the durable stream. */
export const KNOWN_USERS_CONSUMER_GROUP = 'messaging-users';

/** Identity's events about users (see subgraphs/identity/src/services/user-events.ts). */
const USER_EVENTS: ReadonlySet<string> = new Set(['identity.user.registered', 'identity.user.roles_changed']);

const userEvent = z.object({
  id: z.uuid(),
  occurredAt: z.iso.datetime({ offset: true }),
  payload: z.object({ userId: z.uuid(), roles: z.array(z.enum(ROLES)).max(ROLES.length) }),
});

/** Starts mirroring identity's user events; the returned function stops it. */
export async function startKnownUsersConsumer(options: {
  orm: MikroORM;
  bus: EventBus;
  logger: Logger;
}): Promise<Unsubscribe> {
  return options.bus.consume(KNOWN_USERS_CONSUMER_GROUP, (event) =>
    recordUserEvent(options.orm, options.logger, event),
  );
}

/** Applies one identity event to `known_users`; other events are ignored. */
export async function recordUserEvent(orm: MikroORM, logger: Logger, event: DomainEvent): Promise<void> {
  if (!USER_EVENTS.has(event.type)) return;
  const parsed = userEvent.safeParse(event);
  if (!parsed.success) {
    // Never gets better by being retried: logged, skipped.
    logger.error({ eventId: event.id, eventType: event.type }, 'known users: malformed identity event, skipped');
    return;
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
}

/** The roles of a known user; null for a user messaging has not heard of. */
export async function rolesOf(em: EntityManager, userId: string): Promise<Role[] | null> {
  const user = await em.findOne(KnownUser, { userId });
  return user ? user.roles : null;
}
