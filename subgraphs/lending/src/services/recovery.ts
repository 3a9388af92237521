/**
 * Runs the saga recovery job ({@link recoverSagas}) in the background: once
 * at start, then every few seconds, one run at a time per process. The
 * first runs also reconcile recent sagas with banking ({@link reconcileSagas}:
 * a start after a restore), until that once succeeds.
 */
import { metricsOf } from '../../../../platform/metrics.ts';
import { startPeriodic } from '../../../../platform/periodic.ts';
import { reconcileSagas, recoverSagas, type SagaDeps } from './sagas.ts';

/** How often unfinished sagas are looked for. */
export const RECOVERY_INTERVAL_MS = 5_000;

/** Starts the job; the returned function stops it (waiting for a run in progress). */
export async function startRecovery(deps: SagaDeps, intervalMs = RECOVERY_INTERVAL_MS): Promise<() => Promise<void>> {
  let reconciled = false;
  const run = async () => {
    if (!reconciled) {
      try {
        const outcomes = await reconcileSagas(deps);
        reconciled = true;
        if (Object.keys(outcomes).some((o) => o !== 'AGREED')) deps.logger.warn({ outcomes }, 'sagas reconciled');
      } catch (error) {
        deps.logger.warn({ err: error }, 'saga reconciliation failed, will retry');
      }
    }
    return recoverSagas(deps);
  };
  return startPeriodic('saga recovery', run, intervalMs, deps.logger, metricsOf('lending'));
}
