/**
 * How a process stops on SIGINT or SIGTERM: `close` runs once (HTTP first,
 * then the services' work, then the databases: the caller's order), and the
 * process exits 0 when it is done, 1 when it failed. Two guards keep a stop
 * from hanging for ever on something that will not finish (a database that
 * went away first, a client that never lets go):
 *
 * - after `graceMs` the process exits 1, saying so;
 * - a second signal (Ctrl-C again) exits 1 at once.
 */
import type { Logger } from './logger.ts';

export interface ShutdownOptions {
  /** Longest a graceful stop may take. Default 30 s (less than the usual orchestrator grace period). */
  graceMs?: number;
  /** Ends the process (tests replace it). Default `process.exit`. */
  exit?: (code: number) => void;
}

export function stopOnSignals(logger: Logger, close: () => Promise<void>, options: ShutdownOptions = {}): void {
  const graceMs = options.graceMs ?? 30_000;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting without finishing the shutdown');
      exit(1);
      return;
    }
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const deadline = setTimeout(() => {
      logger.error({ graceMs }, 'shutdown did not finish in time: exiting');
      exit(1);
    }, graceMs);
    close().then(
      () => {
        clearTimeout(deadline);
        logger.info('stopped');
        exit(0);
      },
      (error: unknown) => {
        clearTimeout(deadline);
        logger.error({ err: error }, 'shutdown failed');
        exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}
