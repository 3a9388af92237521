/**
 * One service of the dashboard benchmark in a process of its own, so that its
 * CPU is its own: bench/dashboard-profile.ts forks it as
 * `bench/dashboard-service.ts router` or `bench/dashboard-service.ts <subgraph>`,
 * configured by the environment like bin/service.ts, but with the in-process
 * event bus (the benchmark's data is seeded before these processes start, so
 * no event needs to cross them, and production's demand for Redis is waived).
 *
 * It talks to its parent over the IPC channel: it sends `{ type: 'ready' }`
 * once it listens, and answers `{ id, type: 'cpu' }` with its
 * `process.cpuUsage()`, `{ id, type: 'profile-start' }` by starting V8's CPU
 * profiler (the inspector's, as `--cpu-prof` uses) and
 * `{ id, type: 'profile-stop', file }` by writing the profile of the interval
 * to `file`. SIGTERM stops it as it stops in production.
 */
import { isSubgraphName, loadSubgraph } from '../bin/subgraphs.ts';
import { loadConfig } from '../platform/config.ts';
import { createEventBus } from '../platform/event-bus-factory.ts';
import { createLogger } from '../platform/logger.ts';
import { stopOnSignals } from '../platform/shutdown.ts';
import { startSubgraph } from '../platform/subgraph.ts';
import { startRouter } from '../router/src/router.ts';
import { startCpuProfile } from './profiler.ts';

/** What the parent asks. */
export type ServiceQuestion = { type: 'cpu' } | { type: 'profile-start' } | { type: 'profile-stop'; file: string };
/** A question as sent, with the id its answer carries. */
export type ServiceRequest = ServiceQuestion & { id: number };

/** What the child answers (`ready` unasked, once). */
export type ServiceMessage =
  | { type: 'ready' }
  | { id: number; type: 'cpu'; cpu: NodeJS.CpuUsage }
  | { id: number; type: 'done' }
  | { id: number; type: 'failed'; message: string };

async function main(): Promise<void> {
  const name = process.argv[2];
  const config = loadConfig();
  const logger = createLogger(config, name ?? 'service');
  const bus = createEventBus(config, logger);
  let close: () => Promise<void>;
  if (name === 'router') {
    const router = await startRouter({ config, logger, bus });
    close = () => router.close();
  } else if (isSubgraphName(name)) {
    const subgraph = await startSubgraph(await loadSubgraph(name), { config, logger, bus });
    close = () => subgraph.close();
  } else {
    throw new Error('usage: node bench/dashboard-service.ts router | <subgraph>');
  }
  stopOnSignals(logger, async () => {
    await close();
    await bus.close();
  });

  let stopProfile: ((file: string) => Promise<void>) | undefined;
  const send = (message: ServiceMessage) => process.send?.(message);
  process.on('message', (request: ServiceRequest) => {
    const answer = async (): Promise<ServiceMessage> => {
      switch (request.type) {
        case 'cpu':
          return { id: request.id, type: 'cpu', cpu: process.cpuUsage() };
        case 'profile-start':
          stopProfile = await startCpuProfile();
          return { id: request.id, type: 'done' };
        case 'profile-stop':
          await stopProfile?.(request.file);
          stopProfile = undefined;
          return { id: request.id, type: 'done' };
      }
    };
    answer().then(send, (error: unknown) =>
      send({ id: request.id, type: 'failed', message: error instanceof Error ? error.message : String(error) }),
    );
  });
  // Without its parent (the benchmark stopped or died), it stops as on SIGTERM.
  process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'));
  send({ type: 'ready' });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
