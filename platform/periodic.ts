/**
 * A background job of a service (saga recovery, schedulers): run once at
 * start, then every `intervalMs`, one run at a time per process. A failed run
 * is logged and the next tick tries again. The returned function stops it,
 * waiting for a run in progress (a service stops its jobs before its
 * database).
 */
import type { Logger } from './logger.ts';
import type { ServiceMetrics } from './metrics.ts';

/** A job's name as a metric label: "billing jobs" is `billing_jobs`. */
export const jobLabel = (name: string): string => name.toLowerCase().replace(/[^a-z0-9]+/g, '_');

/** `metrics`: counts each run by outcome and times it (`bank_job_runs_total`, `bank_job_duration_seconds`). */
export function startPeriodic(
  name: string,
  run: () => Promise<unknown>,
  intervalMs: number,
  logger: Logger,
  metrics?: ServiceMetrics,
): () => Promise<void> {
  const job = jobLabel(name);
  const ok = metrics?.get('jobRuns').labels(job, 'ok');
  const failed = metrics?.get('jobRuns').labels(job, 'failed');
  const duration = metrics?.get('jobDuration').labels(job);
  let running: Promise<unknown> = Promise.resolve();
  let busy = false;
  let stopped = false;
  const tick = () => {
    // A run longer than the interval is not joined by another: the next tick after it starts one.
    if (stopped || busy) return;
    busy = true;
    const started = performance.now();
    running = run()
      .then(
        () => ok?.inc(),
        (error: unknown) => {
          failed?.inc();
          logger.error({ err: error, job: name }, `${name}: run failed, will retry`);
        },
      )
      .finally(() => {
        duration?.observe((performance.now() - started) / 1000);
        busy = false;
      });
  };
  tick();
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return async () => {
    stopped = true;
    clearInterval(timer);
    await running;
  };
}
