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
  let stopped = false;
  const tick = () => {
    if (stopped) return;
    running = run().catch((error: unknown) =>
      logger.error({ err: error, job: name }, `${name}: run failed, will retry`),
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
