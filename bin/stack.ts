/**
 * Starts the subgraphs and the router in one process, in dependency order,
 * and stops them in reverse. Used by the embedded default (`npm start`) and
 * by the end-to-end tests, so both boot the same way.
 */
import { metricsPortOf, withSubgraphUrls, type Config, type SubgraphName } from '../platform/config.ts';
import { createEventBus } from '../platform/event-bus-factory.ts';
import type { EventBus } from '../platform/event-bus.ts';
import type { Logger } from '../platform/logger.ts';
import { startSubgraph, type RunningSubgraph } from '../platform/subgraph.ts';
import { startTracing } from '../platform/tracing.ts';
import { startRouter, type RunningRouter } from '../router/src/router.ts';
import { IMPLEMENTED_SUBGRAPHS, loadSubgraph } from './subgraphs.ts';

export interface StackOptions {
  config: Config;
  logger: Logger;
  /** Listen on free ports instead of the configured ones (tests). */
  randomPorts?: boolean;
  seedDemoData?: boolean;
  bus?: EventBus;
}

export interface RunningStack {
  routerUrl: string;
  router: RunningRouter;
  subgraphs: Partial<Record<SubgraphName, RunningSubgraph>>;
  bus: EventBus;
  close(): Promise<void>;
}

export async function startStack(options: StackOptions): Promise<RunningStack> {
  const { config, logger } = options;
  // Before anything serves: servers and clients check once, at start, whether to trace. Stopped last (flushing).
  const tracing = await startTracing(config, 'bank', logger);
  const bus = options.bus ?? createEventBus(config, logger);
  const closers: (() => Promise<void>)[] = [...(tracing ? [() => tracing.shutdown()] : []), () => bus.close()];
  const close = async () => {
    for (const closer of closers.reverse()) {
      try {
        await closer();
      } catch (error) {
        logger.error({ err: error }, 'error while stopping');
      }
    }
  };
  try {
    const subgraphs: Partial<Record<SubgraphName, RunningSubgraph>> = {};
    // On random ports, the subgraphs share one table of URLs, filled in as each starts: lending calls banking
    // (started before it) and identity, started first, calls the others for data-rights requests.
    const current = options.randomPorts ? withSubgraphUrls(config, {}) : config;
    for (const name of IMPLEMENTED_SUBGRAPHS) {
      const running = await startSubgraph(await loadSubgraph(name), {
        config: current,
        logger,
        bus,
        seedDemoData: options.seedDemoData ?? false,
        ...(options.randomPorts ? { port: 0 } : {}),
        // Each on its own port: the services of one process cannot share METRICS_PORT (the router takes it).
        metricsPort: null,
      });
      subgraphs[name] = running;
      closers.push(() => running.close());
      if (options.randomPorts) current.router.subgraphUrls[name] = running.url;
    }
    const router = await startRouter({
      config,
      logger,
      bus,
      ...(options.randomPorts
        ? {
            port: 0,
            subgraphUrls: Object.fromEntries(Object.entries(subgraphs).map(([n, s]) => [n, s.url])),
            // A metrics port of its own (production's), on a free one too.
            ...(metricsPortOf(config, 'router') === undefined ? {} : { metricsPort: 0 }),
          }
        : {}),
    });
    closers.push(() => router.close());
    // The assistant calls the router as the customer; on random ports it learns the router's URL now.
    if (options.randomPorts) current.assistant.routerUrl = router.url;
    return { routerUrl: router.url, router, subgraphs, bus, close };
  } catch (error) {
    await close();
    throw error;
  }
}
