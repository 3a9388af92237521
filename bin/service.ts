/**
 * One service per process, the production topology:
 *
 *   node bin/service.ts router
 *   node bin/service.ts subgraph <identity|banking|billing|lending|messaging>
 *
 * Configured by environment variables only (see README). Production refuses
 * to start without its keys, database and first-admin credentials.
 */
import { ConfigError, loadConfig, requireForService } from '../platform/config.ts';
import { createEventBus } from '../platform/event-bus-factory.ts';
import { withDevelopmentKeys } from '../platform/keys.ts';
import { createLogger } from '../platform/logger.ts';
import { namePortVariables, portSettings } from '../platform/ports.ts';
import { startSubgraph } from '../platform/subgraph.ts';
import { stopOnSignals } from '../platform/shutdown.ts';
import { startTracing } from '../platform/tracing.ts';
import { startRouter } from '../router/src/router.ts';
import { IMPLEMENTED_SUBGRAPHS, isSubgraphName, loadSubgraph } from './subgraphs.ts';

const USAGE = `usage: node bin/service.ts router | subgraph <${IMPLEMENTED_SUBGRAPHS.join('|')}>`;

async function main(): Promise<void> {
  const [role, name] = process.argv.slice(2);
  const config = await withDevelopmentKeys(loadConfig());
  const logger = createLogger(config, role === 'subgraph' && name ? name : (role ?? 'service'));
  // Services in separate processes share events only through Redis: an in-process bus here would
  // mark outbox events published with nobody to receive them.
  if (config.redisUrl === undefined) {
    if (config.isProduction) throw new ConfigError(['REDIS_URL: is required when services run as separate processes']);
    logger.warn('REDIS_URL is not set: events and subscriptions will not cross processes');
  }
  // Before the service starts: its servers and clients check once whether to trace.
  const tracing = await startTracing(config, role === 'subgraph' && name ? `bank-${name}` : 'bank-router', logger);
  let close: () => Promise<void>;
  if (role === 'router') {
    const bus = createEventBus(config, logger);
    const router = await startRouter({ config, logger, bus }).catch((error: unknown) => {
      throw namePortVariables(error, portSettings(config, ['router']));
    });
    close = async () => {
      await router.close();
      await bus.close();
    };
  } else if (role === 'subgraph' && isSubgraphName(name)) {
    requireForService(config, name, { alone: true });
    const bus = createEventBus(config, logger);
    const running = await startSubgraph(await loadSubgraph(name), { config, logger, bus }).catch((error: unknown) => {
      throw namePortVariables(error, portSettings(config, [name]));
    });
    close = async () => {
      await running.close();
      await bus.close();
    };
  } else {
    throw new Error(USAGE);
  }
  const closeService = close;
  // Spans of the last requests are exported before the process ends.
  stopOnSignals(logger, async () => {
    await closeService();
    await tracing?.shutdown();
  });
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError || error instanceof Error ? error.message : error);
  process.exit(1);
});
