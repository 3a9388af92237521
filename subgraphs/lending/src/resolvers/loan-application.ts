import type {
  LoanApplicationResolvers,
  LoanApplicationTransitionResolvers,
  LoanDocumentContentResolvers,
} from '../generated/resolvers.ts';
import { moneyOf, rateOrNull } from './views.ts';

export const LoanApplication: LoanApplicationResolvers = {
  // Null for anyone who may not see it: the router gets no data and no hint that it exists.
  __resolveReference: ({ id }, { services }) => services.applications.find(id),
  applicant: (a) => ({ id: a.applicantId }),
  banker: (a) => ({ id: a.bankerId }),
  amount: (a) => moneyOf(a.amount, a.currency),
  history: (a, _args, { services }) => services.applications.history(a),
  documents: (a, _args, { services }) => services.applications.documents(a),
  commercialReview: (a) =>
    typeof a.reviewEligible !== 'boolean' || !a.reviewedBy || !a.reviewedAt
      ? null
      : {
          eligible: a.reviewEligible,
          notes: a.reviewNotes ?? '',
          proposedRate: rateOrNull(a.reviewProposedRatePpm),
          reviewer: { id: a.reviewedBy },
          reviewedAt: a.reviewedAt,
        },
  riskDecision: (a) =>
    typeof a.decisionApproved !== 'boolean' || !a.decidedBy || !a.decidedAt
      ? null
      : {
          approved: a.decisionApproved,
          annualRate: rateOrNull(a.decisionRatePpm),
          termMonths: a.decisionTermMonths ?? null,
          reason: a.decisionReason ?? '',
          decidedBy: { id: a.decidedBy },
          decidedAt: a.decidedAt,
        },
  loan: (a, _args, { services }) => services.loans.ofApplication(a),
  disbursementAccount: (a, _args, { services }) => services.loans.disbursementAccountOf(a),
};

export const LoanApplicationTransition: LoanApplicationTransitionResolvers = {
  from: (t) => t.fromStatus ?? null,
  to: (t) => t.toStatus,
  actor: (t) => (t.actorId ? { id: t.actorId } : null),
};

export const LoanDocumentContent: LoanDocumentContentResolvers = {
  contentBase64: (c) => c.content.toString('base64'),
};
