/**
 * Lending's subscription field (the contract is platform/subscriptions.ts):
 * `loanApplicationUpdated` tells the applicant, the assigned banker and risk
 * officers about each status change. `subscribe` decides the topics,
 * `resolve` reloads the application for each subscriber and checks that they
 * may see it.
 */
import { hasRole, requireUser } from '../../../platform/caller.ts';
import { BadUserInputError, NotFoundError } from '../../../platform/errors.ts';
import type { SubscriptionField } from '../../../platform/subscriptions.ts';
import { isUuid } from '../../../platform/validation.ts';
import type { LoanApplication } from './entities/index.ts';
import type { LendingServices } from './services/index.ts';
import {
  applicationTopic,
  applicationUpdatedEvent,
  riskOfficersTopic,
  userApplicationsTopic,
} from './services/live.ts';

/**
 * `loanApplicationUpdated(applicationId)`: one application (NOT_FOUND when it
 * does not exist or the caller may not see it), or, without an id, every
 * application the caller may follow.
 */
export const loanApplicationUpdated: SubscriptionField<LendingServices> = {
  async subscribe(args, { caller, services }) {
    const user = requireUser(caller);
    const id = args.applicationId;
    if (id === undefined || id === null) {
      const topics = [userApplicationsTopic(user.userId)];
      if (hasRole(user, 'RISK_OFFICER')) topics.push(riskOfficersTopic());
      return topics;
    }
    if (typeof id !== 'string' || !isUuid(id)) {
      throw new BadUserInputError('"applicationId" must be an id (a UUID).', 'applicationId');
    }
    // Not there and not yours look the same: an outsider learns nothing of what exists.
    const application = await services.applications.byId.load(id);
    if (!application || !services.applications.canSee(application)) {
      throw new NotFoundError('Loan application', { field: 'applicationId' });
    }
    return [applicationTopic(id)];
  },
  async resolve(event, args, { services }): Promise<LoanApplication | null> {
    const parsed = applicationUpdatedEvent.safeParse(event);
    if (!parsed.success) return null;
    const wanted = args.applicationId;
    if (typeof wanted === 'string' && wanted !== parsed.data.applicationId) return null;
    const application = await services.applications.find(parsed.data.applicationId);
    // The application as of this event: a subscriber sees every status in turn, even when changes come fast.
    return application ? { ...application, status: parsed.data.status } : null;
  },
};

export const subscriptions = { loanApplicationUpdated };
