/**
 * The subgraph bootstrap. A subgraph is a {@link SubgraphDefinition} (its
 * SDL, resolvers, database and services); {@link startSubgraph} turns one
 * into a running service the same way for all five: open its database,
 * migrate, run its start hook, build the federated schema and serve it, with
 * the router's signature checked on every request.
 */
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApolloServer, type ApolloServerPlugin, type GraphQLRequestListener } from '@apollo/server';
import { ApolloServerPluginCacheControl } from '@apollo/server/plugin/cacheControl';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import { Kind, parse, type DocumentNode } from 'graphql';
import { authenticateCaller, CALLER_HEADER, USER_TOKEN_HEADER, type Caller } from './caller.ts';
import { callerKeyOf, metricsPortOf, requireForService, type Config, type SubgraphName } from './config.ts';
import { asRequestLevel, formatError, sendHttpError } from './errors.ts';
import type { EventBus } from './event-bus.ts';
import { startHttpServer, stringifyResult } from './http-server.ts';
import { readOnly } from './loaders.ts';
import { CLIENT_AGENT_HEADER, clientText, type Logger } from './logger.ts';
import { requestLoggingPlugin } from './request-logging.ts';
import {
  METRICS_PATH,
  metricsOf,
  metricsRoute,
  operationMetricsPlugin,
  startMetricsServer,
  timeRootFields,
  type MetricsServer,
  type ServiceMetrics,
} from './metrics.ts';
import { databaseFailuresPlugin, measuredBus, measureOutbox, measurePool } from './subgraph-metrics.ts';
import { startOutboxRelay, type OutboxRelay } from './outbox.ts';
import { operationSpanPlugin, tracedBus, tracingEnabled } from './tracing.ts';
import { SUBSCRIPTION_PATH, type SubscriptionField } from './subscriptions.ts';
import { subscriptionEndpoint } from './subscription-endpoint.ts';
import {
  createOrm,
  isDatabaseReachable,
  migrate,
  type DatabaseDefinition,
  type EntityManager,
  type MikroORM,
} from './orm.ts';

/** What every resolver of a subgraph receives as context. */
export interface SubgraphContext<TServices> {
  caller: Caller;
  /** This request's own EntityManager fork. */
  em: EntityManager;
  services: TServices;
  logger: Logger;
  requestId: string;
}

/** Dependencies handed to a subgraph's service factory for one request. */
export interface ServiceDeps {
  em: EntityManager;
  caller: Caller;
  config: Config;
  logger: Logger;
  bus: EventBus;
  /** The client's User-Agent as the router passed it on, when it sent one. */
  userAgent?: string | null;
  /**
   * The signed-in user's own access token, for a subgraph that acts as the
   * user through the router ({@link SubgraphDefinition.actsAsUser}); the
   * router sends it to no other.
   */
  userToken?: string | undefined;
}

/** Dependencies of a subgraph's start hook (seeding, background jobs). */
export interface StartDeps {
  orm: MikroORM;
  config: Config;
  logger: Logger;
  bus: EventBus;
  /** The subgraph's metrics (jobs, saga gauges read when scraped). */
  metrics: ServiceMetrics;
}

/** A plain HTTP endpoint of a subgraph (downloads), reached through the router's proxy. */
export interface SubgraphHttpRoute<TServices> {
  contentType: string;
  /** Builds the body for an authenticated caller; throw catalogued errors as usual. */
  handle(request: { url: URL; caller: Caller; services: TServices }): Promise<{ body: string; filename?: string }>;
}

/**
 * The operation text a caller header is signed for on an HTTP route: the
 * method and the path with its query string, so a header cannot be replayed
 * for another download.
 */
export const httpRouteOperation = (url: URL): string => `GET ${url.pathname}${url.search}`;

/** Everything that makes one subgraph; each subgraph exports one. */
export interface SubgraphDefinition<TServices> {
  name: SubgraphName;
  typeDefs: DocumentNode;
  resolvers: GraphQLResolverMap<SubgraphContext<TServices>>;
  database: DatabaseDefinition;
  /** The subgraph writes domain events to its outbox (its entities include OutboxEventSchema): run the relay. */
  outbox?: boolean;
  /** The subgraph's subscription fields (see platform/subscriptions.ts), served by the router. */
  subscriptions?: Record<string, SubscriptionField<TServices>>;
  /** Plain HTTP routes (path → route), authenticated like GraphQL requests. */
  httpRoutes?: Record<string, SubgraphHttpRoute<TServices>>;
  /**
   * The subgraph reads and writes other subgraphs' data only by calling the
   * router as the user, with the access token the router passes to it alone
   * (the assistant): its services receive `userToken`.
   */
  actsAsUser?: boolean;
  /**
   * The subgraph's SDL gives cache hints (`@cacheControl`) for what every
   * signed-in caller may share: Apollo's cache-control plugin runs, and an
   * entity fetch whose every field is public under the hints is answered with
   * `cache-control: max-age=N, public`, which the router's entity cache
   * follows (router/src/entity-cache.ts). Any other operation is answered
   * without the header, whatever its hints.
   */
  cacheHints?: boolean;
  /** Builds the request's services around its EntityManager fork and caller. */
  createServices(deps: ServiceDeps): TServices;
  /**
   * Runs once after migrations, before the port opens (bootstrap data,
   * background consumers). May return a function that stops what it started;
   * it runs on shutdown after the HTTP server closes and before the database.
   */
  onStart?(deps: StartDeps): Promise<void | (() => Promise<void>)>;
  /** Demo data for the embedded default only (`npm start`); never run in production. */
  seedDemoData?(deps: StartDeps): Promise<void>;
}

/**
 * A query's EntityManager reads rows as read-only views (platform/loaders.ts,
 * `readOnly`), not as entities of its unit of work: a query changes nothing.
 * Mutations, and anything outside Apollo's pipeline (subscriptions, events),
 * keep entities.
 */
export function readOnlyQueriesPlugin<TServices>(): ApolloServerPlugin<SubgraphContext<TServices>> {
  const hooks: GraphQLRequestListener<SubgraphContext<TServices>> = {
    async didResolveOperation({ operation, contextValue }) {
      if (operation?.operation === 'query') readOnly(contextValue.em);
    },
  };
  return { requestDidStart: async () => hooks };
}

/**
 * Apollo's cache-control plugin for a subgraph with cache hints, with one
 * rule of ours before it: only an entity fetch (the router's `_entities`
 * query) may be cached. Any other operation's policy is made uncacheable
 * before it runs, so that no root field (`me`, for one) ever carries a
 * shared hint, and the plugin then computes nothing for it.
 */
export function entityFetchCachePlugins<TServices>(): ApolloServerPlugin<SubgraphContext<TServices>>[] {
  const onlyEntityFetches: GraphQLRequestListener<SubgraphContext<TServices>> = {
    async didResolveOperation({ operation, overallCachePolicy }) {
      const selections = operation?.selectionSet.selections ?? [];
      const entityFetch =
        operation?.operation === 'query' &&
        selections.length === 1 &&
        selections[0]?.kind === Kind.FIELD &&
        selections[0].name.value === '_entities';
      if (!entityFetch) overallCachePolicy.restrict({ maxAge: 0 });
    },
  };
  return [
    { requestDidStart: async () => onlyEntityFetches },
    ApolloServerPluginCacheControl({ calculateHttpHeaders: 'if-cacheable' }),
  ];
}

/** Reads a subgraph's `schema.graphql` next to its `src/` folder. */
export function loadSchema(url: URL): DocumentNode {
  return parse(readFileSync(url, 'utf8'));
}

export interface RunningSubgraph {
  name: SubgraphName;
  url: string;
  port: number;
  orm: MikroORM;
  /** The outbox relay, when the subgraph has an outbox. */
  outbox: OutboxRelay | undefined;
  /** Where its `/metrics` is served (its own port, or METRICS_PORT's). */
  metricsUrl: string;
  close(): Promise<void>;
}

export interface StartSubgraphOptions {
  config: Config;
  logger: Logger;
  bus: EventBus;
  /** Overrides the configured port (0 picks a free one, for tests). */
  port?: number;
  /** Seeds demo data after start-up (the embedded default). */
  seedDemoData?: boolean;
  /**
   * Overrides where `/metrics` is served: a port of its own (0 picks a free
   * one), or null for the subgraph's own port (bin/stack.ts: the subgraphs of
   * one process cannot share METRICS_PORT).
   */
  metricsPort?: number | null;
}

/** Starts one subgraph: database, migrations, start hook, HTTP server. */
export async function startSubgraph<TServices>(
  definition: SubgraphDefinition<TServices>,
  options: StartSubgraphOptions,
): Promise<RunningSubgraph> {
  const { config } = options;
  const logger = options.logger.child({ subgraph: definition.name });
  requireForService(config, definition.name);
  const metrics = metricsOf(definition.name);
  metrics.useLogger(logger);
  const callerKeys = {
    router: callerKeyOf(config, definition.name) as string,
    service: config.keys.serviceSigningPublicKey,
  };
  const databaseUrl = config.subgraphs[definition.name].databaseUrl as string;

  const orm = await createOrm({
    databaseUrl,
    definition: definition.database,
    poolMax: config.databasePoolMax,
    logger,
  });
  // Consumers of this subgraph handle each event in a span of the event's trace (nothing without tracing),
  // and their lag and failures are measured.
  const measured = measuredBus(tracedBus(options.bus, definition.name), metrics);
  const bus = measured.bus;
  const stopPool = measurePool(metrics, orm, config.databasePoolMax);
  let metricsServer: MetricsServer | undefined;
  const stopMeasuring = () => {
    stopPool();
    measured.stop();
  };
  try {
    const applied = await migrate(orm);
    if (applied.length > 0) logger.info({ migrations: applied }, 'migrations applied');
    const stopBackground = await definition.onStart?.({ orm, config, logger, bus, metrics });
    if (options.seedDemoData && !config.isProduction) {
      await definition.seedDemoData?.({ orm, config, logger, bus, metrics });
    }

    const schema = buildSubgraphSchema([{ typeDefs: definition.typeDefs, resolvers: definition.resolvers }]);
    timeRootFields(schema, metrics);
    /** The context of one request of `caller`: its own EntityManager fork and services. */
    const contextFor = (
      caller: Caller,
      requestId: string,
      request: { userAgent?: string | null; userToken?: string | undefined } = {},
    ): SubgraphContext<TServices> => {
      const em = orm.em.fork();
      const requestLogger = logger.child({ requestId });
      const { userAgent = null, userToken } = request;
      return {
        caller,
        em,
        requestId,
        logger: requestLogger,
        services: definition.createServices({ em, caller, config, logger: requestLogger, bus, userAgent, userToken }),
      };
    };
    const apollo = new ApolloServer<SubgraphContext<TServices>>({
      schema,
      formatError: (formatted, error) => formatError(formatted, { exposeDetails: config.env === 'development' }, error),
      includeStacktraceInErrorResponses: config.env === 'development',
      stringifyResult,
      // The process owns shutdown (close HTTP, then Apollo, then the database): no handlers of Apollo's own.
      stopOnTerminationSignals: false,
      plugins: [
        ApolloServerPluginLandingPageDisabled(),
        ApolloServerPluginInlineTraceDisabled(),
        // Apollo's cache-control plugin, on by default, hooks `willResolveField`: Apollo then wraps every
        // resolver of the schema and calls the hook on every field of every request (a dashboard's
        // transactions alone are about 1,500 fields). Only for a subgraph whose SDL gives cache hints.
        ...(definition.cacheHints ? entityFetchCachePlugins<TServices>() : [ApolloServerPluginCacheControlDisabled()]),
        requestLoggingPlugin<SubgraphContext<TServices>>(logger, 'debug'),
        readOnlyQueriesPlugin<TServices>(),
        operationMetricsPlugin<SubgraphContext<TServices>>(metrics),
        databaseFailuresPlugin<SubgraphContext<TServices>>(metrics),
        ...(tracingEnabled() ? [operationSpanPlugin<SubgraphContext<TServices>>()] : []),
      ],
      logger,
    });
    await apollo.start();

    const routes = Object.fromEntries(
      Object.entries(definition.httpRoutes ?? {}).map(([path, route]) => [
        path,
        async (req: IncomingMessage, res: ServerResponse, requestId: string) => {
          const url = new URL(req.url ?? '/', 'http://localhost');
          const header = req.headers[CALLER_HEADER];
          const requestLogger = logger.child({ requestId });
          try {
            const caller = authenticateCaller(
              callerKeys,
              Array.isArray(header) ? header[0] : header,
              httpRouteOperation(url),
            );
            const { services } = contextFor(caller, requestId);
            const { body, filename } = await route.handle({ url, caller, services });
            res.statusCode = 200;
            res.setHeader('content-type', route.contentType);
            res.setHeader('cache-control', 'no-store');
            if (filename) res.setHeader('content-disposition', `attachment; filename="${filename}"`);
            res.end(body);
          } catch (error) {
            sendHttpError(res, error, requestLogger);
          }
        },
      ]),
    );
    if (definition.subscriptions) {
      routes[SUBSCRIPTION_PATH] = subscriptionEndpoint({
        schema,
        fields: definition.subscriptions as Record<string, SubscriptionField<never>>,
        callerKeys,
        logger,
        exposeDetails: config.env === 'development',
        context: contextFor,
      });
    }
    // Its own port serves /metrics unless METRICS_PORT (or the caller) gives it one of its own.
    const metricsPort =
      options.metricsPort === undefined ? metricsPortOf(config, definition.name) : options.metricsPort;
    metricsServer =
      metricsPort === undefined || metricsPort === null
        ? undefined
        : await startMetricsServer({ host: config.host, port: metricsPort, metrics, logger });
    if (!metricsServer) routes[METRICS_PATH] = metricsRoute(metrics, logger);
    const http = await startHttpServer({
      service: definition.name,
      routes,
      host: config.host,
      port: options.port ?? config.subgraphs[definition.name].port,
      logger,
      apollo,
      ready: () => isDatabaseReachable(orm),
      async context({ req, requestId, query, variables }) {
        const header = req.headers[CALLER_HEADER];
        const caller = asRequestLevel(() =>
          authenticateCaller(callerKeys, Array.isArray(header) ? header[0] : header, query, variables),
        );
        const token = definition.actsAsUser ? req.headers[USER_TOKEN_HEADER] : undefined;
        return contextFor(caller, requestId, {
          userAgent: clientText(req.headers[CLIENT_AGENT_HEADER]),
          userToken: typeof token === 'string' ? token : undefined,
        });
      },
    });
    const ownMetrics = metricsServer;
    const outbox = definition.outbox
      ? startOutboxRelay({ orm, bus, logger, metrics, service: definition.name })
      : undefined;
    const stopOutbox = definition.outbox ? measureOutbox(metrics, orm) : () => undefined;
    logger.info({ url: http.url }, 'subgraph listening');
    return {
      name: definition.name,
      url: http.url,
      port: http.port,
      orm,
      outbox,
      metricsUrl: metricsServer?.url ?? new URL(METRICS_PATH, http.url).toString(),
      async close() {
        await http.close();
        await ownMetrics?.close();
        await outbox?.stop();
        if (stopBackground) await stopBackground();
        stopOutbox();
        stopMeasuring();
        await orm.close();
      },
    };
  } catch (error) {
    stopMeasuring();
    await metricsServer?.close();
    await orm.close();
    throw error;
  }
}
