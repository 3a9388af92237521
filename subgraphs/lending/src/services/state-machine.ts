/**
 * The states of a loan application and the only transitions between them:
 *
 *   SUBMITTED ─▶ COMMERCIAL_REVIEW ─▶ RISK_REVIEW ─▶ APPROVED ─▶ ACCEPTED ─▶ DISBURSED
 *       │               │   └──────────────┴──────────▶ REJECTED     │
 *       └───────────────┴──────────────────┴──▶ WITHDRAWN            │
 *                                              APPROVED ◀────────────┘ (payout undone)
 *
 * Anything else is INVALID_STATE_TRANSITION. Every transition is written
 * with its actor, time and note, in the same database transaction as the
 * status, together with the domain event (outbox) that messaging turns into
 * a notification; subscribers are told once it commits.
 */
import { InvalidStateTransitionError } from '../../../../platform/errors.ts';
import type { EntityManager } from '../../../../platform/orm.ts';
import { recordEvent } from '../../../../platform/outbox.ts';
import { ApplicationTransition, type ApplicationStatus, type LoanApplication } from '../entities/index.ts';

/** The statuses each status may move to. */
export const TRANSITIONS: Readonly<Record<ApplicationStatus, readonly ApplicationStatus[]>> = {
  SUBMITTED: ['COMMERCIAL_REVIEW', 'WITHDRAWN'],
  COMMERCIAL_REVIEW: ['RISK_REVIEW', 'REJECTED', 'WITHDRAWN'],
  RISK_REVIEW: ['APPROVED', 'REJECTED', 'WITHDRAWN'],
  APPROVED: ['ACCEPTED'],
  ACCEPTED: ['DISBURSED', 'APPROVED'],
  REJECTED: [],
  WITHDRAWN: [],
  DISBURSED: [],
};

/** Domain event of every status change (messaging notifies the applicant). */
export const STATUS_CHANGED = 'lending.application.status_changed';

/**
 * Throws INVALID_STATE_TRANSITION unless `application` is in `status`: for
 * steps that belong to one state (a commercial review is recorded only in
 * COMMERCIAL_REVIEW, a risk decision only in RISK_REVIEW), even when the
 * target would be reachable from another (REJECTED is).
 */
export function requireStatus(application: LoanApplication, status: ApplicationStatus, step: string): void {
  if (application.status !== status) {
    throw new InvalidStateTransitionError(`The application is ${application.status}; ${step} needs it in ${status}.`, {
      status: application.status,
    });
  }
}

/** Throws INVALID_STATE_TRANSITION unless `application` may move to `to`. */
export function requireTransition(application: LoanApplication, to: ApplicationStatus): void {
  if (!TRANSITIONS[application.status].includes(to)) {
    throw new InvalidStateTransitionError(`The application is ${application.status}; it cannot become ${to}.`, {
      status: application.status,
    });
  }
}

/**
 * Moves `application` (locked by the caller's transaction) to `to`, writing
 * its history row and its domain event to `em`'s unit of work.
 */
export function transition(
  em: EntityManager,
  application: LoanApplication,
  to: ApplicationStatus,
  actorId: string | null,
  note: string | null,
  at: Date = new Date(),
): void {
  requireTransition(application, to);
  const from = application.status;
  application.status = to;
  application.updatedAt = at;
  record(em, application, from, actorId, note, at);
}

/** Writes the submission of a new application (status SUBMITTED): its first history row and event. */
export function recordSubmission(em: EntityManager, application: LoanApplication, actorId: string): void {
  record(em, application, null, actorId, null, application.submittedAt);
}

/** The history row and the domain event of `application` reaching its current status. */
function record(
  em: EntityManager,
  application: LoanApplication,
  from: ApplicationStatus | null,
  actorId: string | null,
  note: string | null,
  at: Date,
): void {
  const to = application.status;
  em.create(ApplicationTransition, {
    applicationId: application.id,
    fromStatus: from,
    toStatus: to,
    actorId,
    at,
    note,
  });
  recordEvent(em, STATUS_CHANGED, {
    applicationId: application.id,
    applicantId: application.applicantId,
    bankerId: application.bankerId,
    from,
    status: to,
  });
}
