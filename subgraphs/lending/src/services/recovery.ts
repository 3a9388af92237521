/**
 * Runs the saga recovery job ({@link recoverSagas}) in the background: once
 * at start, then every few seconds, one run at a time per process.
 */
import { metricsOf } from '../../../../platform/metrics.ts';
import { startPeriodic } from '../../../../platform/periodic.ts';
import { recoverSagas, type SagaDeps } from './sagas.ts';

/** How often unfinished sagas are looked for. */
export const RECOVERY_INTERVAL_MS = 5_000;

/** Starts the job; the returned function stops it (waiting for a run in progress). */
export async function startRecovery(deps: SagaDeps, intervalMs = RECOVERY_INTERVAL_MS): Promise<() => Promise<void>> {
  return startPeriodic('saga recovery', () => recoverSagas(deps), intervalMs, deps.logger, metricsOf('lending'));
}
