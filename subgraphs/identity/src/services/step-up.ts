/**
 * Identity's part of a payment's step-up (platform/step-up.ts): the payer
 * confirms a payment's challenge with a fresh second factor and gets a
 * short-lived proof that banking or billing checks against the payment it is
 * retried with. Identity never sees the payment; the challenge id is the
 * payment's hash, so the proof is good for that payment alone.
 */
import { requireUser, type Caller } from '../../../../platform/caller.ts';
import type { Config } from '../../../../platform/config.ts';
import { BadUserInputError, MfaRequiredError } from '../../../../platform/errors.ts';
import { metricsOf } from '../../../../platform/metrics.ts';
import { isChallengeId, issueStepUpProof } from '../../../../platform/step-up.ts';
import type { AuditLog } from './audit-log.ts';
import type { SecondFactorProof, SecondFactors } from './second-factors.ts';

export class StepUps {
  readonly #config: Config;
  readonly #caller: Caller;
  readonly #audit: AuditLog;
  readonly #factors: SecondFactors;

  constructor(deps: { config: Config; caller: Caller; audit: AuditLog; factors: SecondFactors }) {
    this.#config = deps.config;
    this.#caller = deps.caller;
    this.#audit = deps.audit;
    this.#factors = deps.factors;
  }

  /**
   * Confirms challenge `challengeId` with a fresh second factor (a passkey
   * signs the challenge id itself) and returns the proof.
   */
  async confirm(challengeId: string, proof: SecondFactorProof): Promise<{ proof: string; expiresAt: Date }> {
    const { userId } = requireUser(this.#caller);
    if (!isChallengeId(challengeId)) {
      throw new BadUserInputError('"challengeId" is the challengeId of a STEP_UP_REQUIRED error.', 'challengeId');
    }
    if (!(await this.#factors.has(userId))) {
      throw new MfaRequiredError(
        'Payments like this one need a second factor: turn one on (beginTotpEnrollment or beginPasskeyRegistration) first.',
        { reason: 'ENROLMENT_REQUIRED' },
      );
    }
    const privateKey = this.#config.keys.jwtPrivateKey as string;
    const confirmed = await this.#factors.withFreshFactor(
      userId,
      proof,
      challengeId,
      async (em, verified) => {
        this.#audit.record(em, {
          type: 'STEP_UP_CONFIRMED',
          userId,
          details: { challengeId, method: verified.method, recoveryCode: verified.recoveryCode },
        });
        return issueStepUpProof(
          privateKey,
          { userId, challengeId, amr: [verified.method] },
          this.#config.stepUp.proofTtlSeconds,
        );
      },
      'STEP_UP_FAILED',
    );
    metricsOf('identity').get('stepUps').labels('confirmed').inc();
    return confirmed;
  }
}
