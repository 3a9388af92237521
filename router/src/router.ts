/**
 * The router: the only door in. It serves the composed supergraph with
 * @apollo/gateway over the committed `schema/supergraph.graphql`,
 * authenticates the access token of each request, and signs the caller for
 * the subgraphs. Subgraphs authorize.
 *
 * Persisted queries: automatic ones (APQ) are Apollo Server's, kept in Redis
 * with `REDIS_URL` (platform/redis-cache.ts, shared by every router), else in
 * its in-memory cache. With `TRUSTED_DOCUMENTS` the router runs only the
 * operations of that manifest (trusted-documents.ts), on every transport, and
 * APQ registers nothing: the manifest is the only store.
 */
import { readFileSync } from 'node:fs';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { callerFromAuthorization, userAccessToken } from '../../platform/access-token.ts';
import { metricsPortOf, requireForService, type Config, type SubgraphName } from '../../platform/config.ts';
import type { IncomingMessage } from 'node:http';
import { callerKeyFor, type Caller } from '../../platform/caller.ts';
import { asRequestLevel, formatError, RateLimitedError, sendHttpError } from '../../platform/errors.ts';
import { startHttpServer, stringifyResult } from '../../platform/http-server.ts';
import { clientText, type Logger } from '../../platform/logger.ts';
import { requestLoggingPlugin } from '../../platform/request-logging.ts';
import {
  METRICS_PATH,
  metricsOf,
  metricsRoute,
  operationMetricsPlugin,
  startMetricsServer,
} from '../../platform/metrics.ts';
import { countQueryPlanCache, routerRefusals, type RefusalLimit } from './router-metrics.ts';
import { operationSpanPlugin, tracingEnabled } from '../../platform/tracing.ts';
import { CallerSigningDataSource } from './caller-signing-data-source.ts';
import { EntityCache, forgetErasedUsers } from './entity-cache.ts';
import { createSubgraphFetcher } from './subgraph-fetcher.ts';
import { installCompiledResultShaping } from './result-shaping.ts';
import { corsHandler } from './cors.ts';
import { downloadRoutes } from './downloads.ts';
import { explorerRoutes } from './explorer.ts';
import { checkNesting, operationLimits, tokenLimitError } from './operation-limits.ts';
import {
  checkOperation,
  checkPersistedQueryId,
  completionErrors,
  httpOperation,
  ROUTER_VALIDATION_RULES,
} from './request-checks.ts';
import { useBankScalarInputs } from '../../platform/input-checks.ts';
import { clientAddress, createRateLimiter, tooManyRequests } from './rate-limit.ts';
import { startSubscriptionServer, type SubscriptionServer } from './subscriptions.ts';
import { createSubscriptionExecutor } from './subscription-executor.ts';
import { multipartSubscriptions } from './multipart-subscriptions.ts';
import { loadTrustedDocuments } from './trusted-documents.ts';
import { createRedisCache } from '../../platform/redis-cache.ts';
import type { EventBus } from '../../platform/event-bus.ts';
import type { GraphQLFormattedError } from 'graphql';
import type { RouterContext } from './context.ts';

/** The committed supergraph, composed by `npm run compose`. */
export const SUPERGRAPH_URL = new URL('../../schema/supergraph.graphql', import.meta.url);

export interface RouterOptions {
  config: Config;
  logger: Logger;
  /** Overrides the configured port (0 picks a free one, for tests). */
  port?: number;
  /** Overrides subgraph URLs (tests that start subgraphs on free ports). */
  subgraphUrls?: Partial<Record<SubgraphName, string>>;
  /** The bus on which subgraphs publish subscription events. */
  bus: EventBus;
  /**
   * Overrides where `/metrics` is served: a port of its own (0 picks a free
   * one), or null for the router's own port. Default: METRICS_PORT, or in
   * production the default metrics port, never the public one.
   */
  metricsPort?: number | null;
}

export interface RunningRouter {
  url: string;
  port: number;
  /** Where its `/metrics` is served. */
  metricsUrl: string;
  subscriptions: SubscriptionServer;
  close(): Promise<void>;
}

async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(new URL('/healthz', url), { signal: AbortSignal.timeout(1_000) });
    return response.ok;
  } catch {
    return false;
  }
}

export async function startRouter(options: RouterOptions): Promise<RunningRouter> {
  const { config } = options;
  const logger = options.logger.child({ component: 'router' });
  requireForService(config, 'router');
  // A manifest that cannot be used stops the start before anything listens.
  const { trustedDocuments: manifestPath, apqTtlSeconds } = config.router.persistedQueries;
  const trusted = manifestPath === undefined ? undefined : loadTrustedDocuments(manifestPath);
  if (trusted) logger.info({ operations: trusted.size }, "trusted documents: only the manifest's operations run");
  const metrics = metricsOf('router');
  metrics.useLogger(logger);
  const refusals = routerRefusals(metrics);
  const callerSecret = config.keys.routerCallerSecret as string;
  const tokenKey = config.keys.jwtPublicKey as string;
  const urls: Record<string, string> = { ...config.router.subgraphUrls, ...options.subgraphUrls };
  // Each subgraph's caller-header key, derived once.
  const callerKeys = Object.fromEntries(Object.keys(urls).map((name) => [name, callerKeyFor(callerSecret, name)]));
  const supergraphSdl = readFileSync(SUPERGRAPH_URL, 'utf8');

  const subgraphFetcher = createSubgraphFetcher();
  const composed = [...supergraphSdl.matchAll(/@join__graph\(name: "([a-z]+)"/g)].map((m) => m[1] as string);
  // Entities a subgraph marks public (identity's users' names and bankers' profiles), shared between signed-in users.
  const entityCache = new EntityCache();
  const dataSources = Object.fromEntries(
    composed.map((name) => [
      name,
      new CallerSigningDataSource(urls[name] as string, callerKeys[name] as string, {
        forwardsAccessToken: name === 'assistant',
        metrics,
        subgraph: name,
        fetcher: subgraphFetcher.fetcher,
        entityCache,
      }),
    ]),
  );
  // The answer's final walk over the operation, compiled (result-shaping.ts).
  installCompiledResultShaping(logger);
  const gateway = new ApolloGateway({
    supergraphSdl,
    buildService: ({ name, url }) =>
      dataSources[name] ?? new CallerSigningDataSource(url ?? '', callerKeyFor(callerSecret, name)),
    logger,
  });
  countQueryPlanCache(gateway, metrics);
  // Variables of the bank's scalars are parsed at the edge as the subgraphs parse them.
  gateway.onSchemaLoadOrUpdate(({ apiSchema }) => useBankScalarInputs(apiSchema));
  const exposeDetails = config.env === 'development';
  const format = (formatted: GraphQLFormattedError, error?: unknown) => {
    const limited = tokenLimitError(formatted);
    if (limited !== formatted) refusals.count('tokens');
    return formatError(limited, { exposeDetails }, error);
  };
  const limits = refusals.limits(operationLimits(config.router.limits));
  const rateLimiter = createRateLimiter(config.router.rateLimit, config.redisUrl, logger);
  /** Counts one operation (an HTTP request, a graphql-ws operation) of the caller against the rate limit. */
  const admit = refusals.admit((caller: Caller, req: IncomingMessage): Promise<void> =>
    rateLimiter.take(caller, clientAddress(req, config.router.rateLimit.trustedProxies)),
  );
  // Keys `bank:apq:<sha256>` (Apollo puts `apq:` after the prefix), kept APQ_TTL_SECONDS.
  const apqCache =
    trusted || config.redisUrl === undefined
      ? undefined
      : createRedisCache(config.redisUrl, { name: 'bank-router:apq', keyPrefix: 'bank:', logger });
  const apollo = new ApolloServer<RouterContext>({
    gateway,
    persistedQueries: { cache: trusted?.store ?? apqCache, ttl: apqTtlSeconds },
    parseOptions: { maxTokens: config.router.limits.maxTokens },
    stringifyResult,
    validationRules: [...ROUTER_VALIDATION_RULES],
    // Sandbox is the manual in development; production serves no landing page and no introspection.
    introspection: !config.isProduction,
    plugins: [
      requestLoggingPlugin<RouterContext>(logger, 'info'),
      operationMetricsPlugin<RouterContext>(metrics),
      ...(tracingEnabled() ? [operationSpanPlugin<RouterContext>()] : []),
      {
        async requestDidStart() {
          return {
            async didResolveOperation({ schema, document, request, contextValue }) {
              // Refused before anything runs, with HTTP 400. (Subscriptions never get here: multipart-subscriptions.ts takes them.)
              asRequestLevel(() =>
                checkOperation(limits, schema, document, request.operationName, request.variables, contextValue.caller),
              );
            },
            async willSendResponse({ response, contextValue }) {
              if (response.body.kind !== 'single') return;
              const result = response.body.singleResult;
              const completion = completionErrors(result.extensions, contextValue.logger);
              if (completion.errors.length === 0) return;
              response.body.singleResult = {
                ...result,
                errors: [...(result.errors ?? []), ...completion.errors.map((e) => format(e.toJSON(), e))],
                extensions: completion.extensions,
              };
            },
          };
        },
      },
      config.isProduction
        ? ApolloServerPluginLandingPageDisabled()
        : ApolloServerPluginLandingPageLocalDefault({ embed: true, includeCookies: false }),
    ],
    formatError: format,
    includeStacktraceInErrorResponses: exposeDetails,
    // The process owns shutdown (close HTTP, then Apollo, then the database): no handlers of Apollo's own.
    stopOnTerminationSignals: false,
    logger,
  });
  await apollo.start();
  await Promise.all([rateLimiter.ready(), apqCache?.ready()]);

  const subgraphUrls = composed.map((name) => urls[name] as string);
  const maxTokens = config.router.limits.maxTokens;
  const executor = createSubscriptionExecutor({
    supergraphSdl,
    dataSources,
    subgraphUrls: urls,
    callerKeys,
    bus: options.bus,
    logger,
    limits,
    maxTokens,
    admit,
    exposeDetails,
    trustedDocuments: trusted,
    refused: (limit) => refusals.count(limit),
    onEvent: (outcome) => refusals.event(outcome),
  });
  const multipart = multipartSubscriptions({ executor, tokenKey, maxTokens, logger });
  // Production never serves /metrics on the public port: it has a port of its own (metricsPortOf).
  const metricsPort = options.metricsPort === undefined ? metricsPortOf(config, 'router') : options.metricsPort;
  const metricsServer =
    metricsPort === undefined || metricsPort === null
      ? undefined
      : await startMetricsServer({ host: config.host, port: metricsPort, metrics, logger });
  const http = await startHttpServer({
    service: 'router',
    routes: {
      ...downloadRoutes({ subgraphUrls: urls, tokenKey, callerKeys, logger, admit }),
      ...explorerRoutes({ config, logger }),
      ...(metricsServer ? {} : { [METRICS_PATH]: metricsRoute(metrics, logger) }),
    },
    onBodyTooLarge: () => refusals.count('body_size'),
    async intercept({ req, res, body, requestId }) {
      // Before Apollo parses anything: a persisted query's id that cannot be one, an operation not in the trusted
      // documents, then nesting (Apollo's parser and validation recurse on it). An operation sent by id alone is
      // checked with the manifest's text.
      const refuse = (limit: RefusalLimit, error: unknown) => {
        refusals.count(limit);
        sendHttpError(res, error, logger);
        return true;
      };
      let operation = httpOperation(req, body);
      try {
        checkPersistedQueryId(operation);
      } catch (error) {
        sendHttpError(res, error, logger);
        return true;
      }
      try {
        if (trusted && operation) operation = trusted.resolve(operation);
      } catch (error) {
        return refuse('trusted_documents', error);
      }
      try {
        if (typeof operation?.query === 'string') checkNesting(operation.query);
      } catch (error) {
        return refuse('nesting', error);
      }
      return multipart.intercept({ req, res, operation, requestId });
    },
    cors: corsHandler(config.router.corsOrigins),
    host: config.host,
    port: options.port ?? config.router.port,
    logger,
    apollo,
    ready: async () => (await Promise.all(subgraphUrls.map(answers))).every(Boolean),
    async context({ req, requestId }) {
      const caller = asRequestLevel(() => callerFromAuthorization(tokenKey, req.headers.authorization));
      const accessToken = userAccessToken(caller, req.headers.authorization);
      await admit(caller, req).catch((error: unknown) => {
        throw error instanceof RateLimitedError ? tooManyRequests(error) : error;
      });
      return {
        caller,
        requestId,
        logger: logger.child({ requestId }),
        userAgent: clientText(req.headers['user-agent']),
        accessToken,
      };
    },
  }).catch(async (error: unknown) => {
    await metricsServer?.close();
    await apqCache?.close();
    throw error;
  });
  const subscriptions = startSubscriptionServer({
    server: http.server,
    logger,
    tokenKey,
    executor,
    async executeOperation({ document, variables, operationName, context }) {
      const response = await apollo.executeOperation(
        { query: document, variables, ...(operationName ? { operationName } : {}) },
        { contextValue: context },
      );
      if (response.body.kind !== 'single') throw new Error('incremental delivery is not supported over graphql-ws');
      return response.body.singleResult;
    },
  });
  const stopMeasuring = refusals.live(options.bus, () => ({
    ...subscriptions.stats(),
    multipart: multipart.count(),
  }));
  // Not waited for: the router starts while Redis is away (an erasure missed meanwhile goes with its max-age).
  const forgetting = forgetErasedUsers(options.bus, entityCache).catch((error: unknown) => {
    logger.warn({ err: error }, 'erasure events not followed: erased users leave the entity cache with its max-age');
    return async () => undefined;
  });
  logger.info({ url: http.url }, 'router listening');
  return {
    url: http.url,
    port: http.port,
    metricsUrl: metricsServer?.url ?? new URL(METRICS_PATH, http.url).toString(),
    subscriptions,
    async close() {
      multipart.stopAll();
      await subscriptions.close();
      await http.close();
      await metricsServer?.close();
      await rateLimiter.close();
      await apqCache?.close();
      await subgraphFetcher.close();
      // Not waited for either: a subscription still waiting for Redis would hold the shutdown.
      void forgetting.then((stop) => stop()).catch(() => undefined);
      stopMeasuring();
    },
  };
}
