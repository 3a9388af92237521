/**
 * Live events of `loanApplicationUpdated`, published after a transition
 * commits on the topics of those who may see it: the application itself,
 * its applicant, its banker, and risk officers. Events carry ids only; the
 * subscription's `resolve` reloads the application for each subscriber.
 */
import { z } from 'zod';
import type { EventBus } from '../../../../platform/event-bus.ts';
import type { Logger } from '../../../../platform/logger.ts';
import { publishLive, subscriptionTopic } from '../../../../platform/subscriptions.ts';
import { APPLICATION_STATUSES, type LoanApplication } from '../entities/index.ts';

const FIELD = 'loanApplicationUpdated';

/** Updates of one application. */
export const applicationTopic = (applicationId: string): string =>
  subscriptionTopic(FIELD, 'application', applicationId);
/** Updates of the applications a user applied for or is the banker of. */
export const userApplicationsTopic = (userId: string): string => subscriptionTopic(FIELD, 'user', userId);
/** Updates every risk officer may follow. */
export const riskOfficersTopic = (): string => subscriptionTopic(FIELD, 'role', 'RISK_OFFICER');

/** What is published on those topics. */
export const applicationUpdatedEvent = z.object({ applicationId: z.uuid(), status: z.enum(APPLICATION_STATUSES) });
export type ApplicationUpdatedEvent = z.infer<typeof applicationUpdatedEvent>;

/** Tells subscribers that `application` changed (after the change committed). */
export async function publishApplicationUpdated(
  bus: EventBus,
  logger: Logger,
  application: LoanApplication,
): Promise<void> {
  const event: ApplicationUpdatedEvent = { applicationId: application.id, status: application.status };
  const topics = [
    applicationTopic(application.id),
    userApplicationsTopic(application.applicantId),
    userApplicationsTopic(application.bankerId),
    riskOfficersTopic(),
  ];
  await Promise.all(topics.map((topic) => publishLive(bus, logger, topic, event)));
}
