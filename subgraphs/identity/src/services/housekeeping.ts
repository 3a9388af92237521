/**
 * Identity's housekeeping: sign-in challenges (second step of a sign-in),
 * passkey challenges and identity-provider sign-ins are single-use and live
 * minutes; once expired for a day they are deleted, so the tables hold only
 * what can still be answered (and a little history for investigations).
 */
import type { Logger } from '../../../../platform/logger.ts';
import type { EntityManager } from '../../../../platform/orm.ts';
import { metricsOf } from '../../../../platform/metrics.ts';
import { startPeriodic } from '../../../../platform/periodic.ts';
import { LoginChallenge, OidcSignIn, PasskeyChallenge } from '../entities/index.ts';

/** How long an expired challenge is kept. */
const KEEP_EXPIRED_MS = 24 * 3_600_000;

/** Deletes the challenges expired for a day; returns how many of each. */
export async function deleteExpiredChallenges(
  em: EntityManager,
  now: Date = new Date(),
): Promise<{ login: number; passkey: number; identityProvider: number }> {
  const before = new Date(now.getTime() - KEEP_EXPIRED_MS);
  const fork = em.fork();
  return {
    login: await fork.nativeDelete(LoginChallenge, { expiresAt: { $lt: before } }),
    passkey: await fork.nativeDelete(PasskeyChallenge, { expiresAt: { $lt: before } }),
    identityProvider: await fork.nativeDelete(OidcSignIn, { expiresAt: { $lt: before } }),
  };
}

/** Runs {@link deleteExpiredChallenges} at start and every `intervalMs` (an hour by default). */
export function startHousekeeping(em: EntityManager, logger: Logger, intervalMs = 3_600_000): () => Promise<void> {
  return startPeriodic(
    'identity housekeeping',
    async () => {
      const deleted = await deleteExpiredChallenges(em);
      if (deleted.login + deleted.passkey + deleted.identityProvider > 0) {
        logger.info(deleted, 'expired challenges deleted');
      }
    },
    intervalMs,
    logger,
    metricsOf('identity'),
  );
}
