/**
 * Runs the saga recovery job ({@link recoverSagas}) in the background: once
 * at start, then every few seconds, one run at a time per process.
 */
import { recoverSagas, type SagaDeps } from './sagas.ts';

/** How often unfinished sagas are looked for. */
export const RECOVERY_INTERVAL_MS = 5_000;

/** Starts the job; the returned function stops it (waiting for a run in progress). */
export async function startRecovery(deps: SagaDeps, intervalMs = RECOVERY_INTERVAL_MS): Promise<() => Promise<void>> {
  let running: Promise<unknown> = Promise.resolve();
  let stopped = false;
  const tick = () => {
    if (stopped) return;
    running = recoverSagas(deps).catch((error: unknown) =>
      deps.logger.error({ err: error }, 'saga recovery: run failed, will retry'),
    );
  };
  tick();
  const timer = setInterval(() => void running.then(tick), intervalMs);
  timer.unref();
  return async () => {
    stopped = true;
    clearInterval(timer);
    await running;
  };
}
