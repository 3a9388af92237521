/**
 * What messaging knows of the people and loan applications of the other
 * subgraphs, mirrored from their domain events by the `messaging-directory`
 * consumer group (durable: what happens while messaging is down is applied
 * when it comes back):
 *
 * - users' roles, from identity's `identity.user.*` events
 *   (platform/known-users.ts, shared with billing);
 * - loan applications, from lending's `lending.application.status_changed`:
 *   who applied to which banker (a banker serves the business owners who
 *   applied to them).
 *
 * Both are idempotent without a record of processed events. A new user or
 * application is known shortly after it is committed (the outbox relay's
 * poll plus the consumer's delay, well under a second here); until then
 * starting a conversation that needs it is NOT_FOUND.
 */
import { z } from 'zod';
import { recordKnownUser, USER_EVENTS } from '../../../../platform/known-users.ts';
import {
  BACKGROUND_CONSUMER,
  type DomainEvent,
  type EventBus,
  type Unsubscribe,
} from '../../../../platform/event-bus.ts';
import type { Logger } from '../../../../platform/logger.ts';
import type { EntityManager, MikroORM } from '../../../../platform/orm.ts';
import { KnownApplication } from '../entities/index.ts';

/** The consumer group of the directory on the durable stream. */
export const DIRECTORY_CONSUMER_GROUP = 'messaging-directory';

/** Lending's event of every application status change (see subgraphs/lending/src/services/state-machine.ts). */
const APPLICATION_EVENT = 'lending.application.status_changed';

const applicationEvent = z.object({
  payload: z.object({ applicationId: z.uuid(), applicantId: z.uuid(), bankerId: z.uuid() }),
});

/** Starts mirroring; the returned function stops it. */
export async function startDirectoryConsumer(options: {
  orm: MikroORM;
  bus: EventBus;
  logger: Logger;
}): Promise<Unsubscribe> {
  return options.bus.consume(
    DIRECTORY_CONSUMER_GROUP,
    (event) => recordDirectoryEvent(options.orm, options.logger, event),
    { ...BACKGROUND_CONSUMER, types: [...USER_EVENTS, APPLICATION_EVENT] },
  );
}

/** Applies one event to the directory; events of other types are ignored. */
export async function recordDirectoryEvent(orm: MikroORM, logger: Logger, event: DomainEvent): Promise<void> {
  if (await recordKnownUser(orm, logger, event)) return;
  if (event.type === APPLICATION_EVENT) {
    const parsed = applicationEvent.safeParse(event);
    if (!parsed.success) return skip(logger, event);
    const { applicationId, applicantId, bankerId } = parsed.data.payload;
    await orm.em
      .fork()
      .getConnection()
      .execute(
        `insert into known_applications (application_id, applicant_id, banker_id) values (?, ?, ?)
           on conflict (application_id) do nothing`,
        [applicationId, applicantId, bankerId],
      );
  }
}

/** A malformed event never gets better by being retried: logged, skipped. */
function skip(logger: Logger, event: DomainEvent): void {
  logger.error({ eventId: event.id, eventType: event.type }, 'directory: malformed event, skipped');
}

/** Does `bankerId` serve `applicantId` (has the owner applied to them)? */
export async function serves(em: EntityManager, bankerId: string, applicantId: string): Promise<boolean> {
  return (await em.count(KnownApplication, { bankerId, applicantId })) > 0;
}

/** The application if it is between these two users (one applied to the other). */
export async function applicationBetween(
  em: EntityManager,
  applicationId: string,
  a: string,
  b: string,
): Promise<KnownApplication | null> {
  const application = await em.findOne(KnownApplication, { applicationId });
  if (!application) return null;
  const pair = [application.applicantId, application.bankerId];
  return pair.includes(a) && pair.includes(b) ? application : null;
}
