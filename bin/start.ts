/**
 * `npm start`: the whole bank on one machine with nothing installed but Node.
 *
 * Without DATABASE_URL it boots an embedded PostgreSQL under `.data/`,
 * creates the five databases, migrates, seeds demo users and their data on
 * first run, then starts every subgraph on its own port and the router on
 * ROUTER_PORT, all in this process, talking over HTTP as in production. Ctrl-C stops everything,
 * PostgreSQL included.
 */
import path from 'node:path';
import { inspect } from 'node:util';
import { DEVELOPMENT_ADMIN, loadConfig, SUBGRAPH_NAMES, withDatabaseUrls, type Config } from '../platform/config.ts';
import { startEmbeddedPostgres, type RunningPostgres } from '../platform/embedded-postgres.ts';
import { withDevelopmentKeys } from '../platform/keys.ts';
import { createLogger } from '../platform/logger.ts';
import { assertPortsFree, namePortVariables, portSettings } from '../platform/ports.ts';
import { stopOnSignals } from '../platform/shutdown.ts';
import { DEMO_USERS } from '../subgraphs/identity/src/seed.ts';
import { startStack, type RunningStack } from './stack.ts';
import { IMPLEMENTED_SUBGRAPHS } from './subgraphs.ts';

async function main(): Promise<void> {
  let config: Config = await withDevelopmentKeys(loadConfig());
  const logger = createLogger(config, 'bank');
  let postgres: RunningPostgres | undefined;
  let stack: RunningStack | undefined;
  stopOnSignals(logger, async () => {
    await stack?.close();
    await postgres?.stop();
  });

  const usesEmbeddedPostgres = IMPLEMENTED_SUBGRAPHS.some((n) => config.subgraphs[n].databaseUrl === undefined);
  const servicePorts = portSettings(config, ['router', ...IMPLEMENTED_SUBGRAPHS]);
  const ports = [...servicePorts, ...(usesEmbeddedPostgres ? portSettings(config, ['embeddedPostgres']) : [])];
  try {
    // Before minutes of work that a taken port would waste (the embedded PostgreSQL checks its own).
    await assertPortsFree(config.host, servicePorts);
    if (usesEmbeddedPostgres) {
      if (config.isProduction)
        throw new Error('Production needs DATABASE_URL: the embedded PostgreSQL is for development only.');
      postgres = await startEmbeddedPostgres({
        dataDir: path.join(config.dataDir, 'postgres'),
        port: config.embeddedPostgresPort,
        logger,
      });
      await postgres.ensureDatabases(SUBGRAPH_NAMES);
      const embedded = postgres;
      config = withDatabaseUrls(config, (name) => embedded.databaseUrl(name));
    }
    stack = await startStack({ config, logger, seedDemoData: true });
  } catch (error) {
    await stack?.close();
    await postgres?.stop();
    throw namePortVariables(error, ports);
  }

  console.log(
    [
      '',
      `  Bank supergraph is up: ${stack.routerUrl}`,
      `  Apollo Sandbox: open ${stack.routerUrl} in a browser (it loads from Apollo's CDN;`,
      `  offline, the explorer the router serves itself: ${new URL('/explorer', stack.routerUrl).href}).`,
      `  Subgraphs: ${IMPLEMENTED_SUBGRAPHS.map((n) => `${n} :${config.subgraphs[n].port}`).join(', ')}`,
      `  Metrics (Prometheus): ${new URL('/metrics', stack.routerUrl).href}, and /metrics on each subgraph's port`,
      ...(config.isProduction
        ? []
        : [
            `  Demo users: ${DEMO_USERS.map((u) => u.email).join(', ')}; administrator: ${(config.admin ?? DEVELOPMENT_ADMIN).email}`,
            '  Their development passwords are in the README.',
          ]),
      '  Ctrl-C stops everything.',
      '',
    ].join('\n'),
  );
}

main().catch((error: unknown) => {
  // One line that says what to do (the errors of a failed start are written for it); a value that
  // is not an Error says nothing by itself, so say where to look.
  console.error(
    error instanceof Error
      ? error.message
      : `npm start failed (${inspect(error)}); LOG_LEVEL=debug npm start shows what happened before.`,
  );
  process.exit(1);
});
