/**
 * Runs the saga recovery job ({@link recoverSagas}) in the background: once
 * at start, then every few seconds, one run at a time per process. The
 * first runs also reconcile recent sagas with banking ({@link reconcileSagas}:
 * a start after a restore), until that once succeeds.
 */
import { reconcilingFirst } from '../../../../platform/hold-saga.ts';
import { metricsOf } from '../../../../platform/metrics.ts';
import { startPeriodic } from '../../../../platform/periodic.ts';
import { reconcileSagas, recoverSagas, type SagaDeps } from './sagas.ts';

/** How often unfinished sagas are looked for. */
export const RECOVERY_INTERVAL_MS = 5_000;

/** Starts the job; the returned function stops it (waiting for a run in progress). */
export async function startRecovery(deps: SagaDeps, intervalMs = RECOVERY_INTERVAL_MS): Promise<() => Promise<void>> {
  const run = reconcilingFirst(
    'sagas',
    () => reconcileSagas(deps),
    () => recoverSagas(deps),
    deps.logger,
  );
  return startPeriodic('saga recovery', run, intervalMs, deps.logger, metricsOf('lending'));
}
