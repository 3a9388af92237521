/**
 * A background job of a service (saga recovery, schedulers): run once at
 * start, then every `intervalMs`, one run at a time per process. A failed run
 * is logged and the next tick tries again. The returned function stops it,
 * waiting for a run in progress (a service stops its jobs before its
 * database).
 */
import type { Logger } from './logger.ts';

export function startPeriodic(
  name: string,
  run: () => Promise<unknown>,
  intervalMs: number,
  logger: Logger,
): () => Promise<void> {
  let running: Promise<unknown> = Promise.resolve();
  let busy = false;
  let stopped = false;
  const tick = () => {
    // A run longer than the interval is not joined by another: the next tick after it starts one.
    if (stopped || busy) return;
    busy = true;
    running = run()
      .catch((error: unknown) => logger.error({ err: error, job: name }, `${name}: run failed, will retry`))
      .finally(() => {
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
