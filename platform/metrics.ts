/**
 * Prometheus metrics of one service (prom-client), from the catalogue
 * (metrics-catalogue.ts): one registry per service, labelled
 * `service=<name>`, never prom-client's global registry (under `npm start`
 * and in tests every service shares one process), with the default process
 * metrics, the catalogue's metrics of the service's scope, and the
 * `/metrics` endpoint that serves them.
 *
 * Counters and histograms are updated where things happen; gauges of
 * database or bus state are computed when scraped (prom-client `collect`),
 * each by one small query, and a failing one leaves its last value rather
 * than failing the scrape.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { defaultFieldResolver, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { SubgraphName } from './config.ts';
import { ErrorCode, PROTOCOL_ERROR_CODES } from './errors.ts';
import type { Logger } from './logger.ts';
import { METRICS, type MetricDefinition, type MetricKey, type MetricScope } from './metrics-catalogue.ts';
import { listen } from './http-server.ts';

/** The services that export metrics. */
export type ServiceName = 'router' | SubgraphName;

/** The path of the endpoint, on whichever port serves it. */
export const METRICS_PATH = '/metrics';

/** Does a metric of `scope` belong to `service`? */
export function inScope(scope: MetricScope, service: ServiceName): boolean {
  if (scope === 'all') return true;
  if (scope === 'router') return service === 'router';
  if (scope === 'subgraphs') return service !== 'router';
  return scope === service;
}

type Defined = typeof METRICS;
/** The prom-client type of catalogue entry `K`. */
export type MetricOf<K extends MetricKey> = Defined[K]['type'] extends 'counter'
  ? Counter
  : Defined[K]['type'] extends 'gauge'
    ? Gauge
    : Histogram;

/** Most distinct operation names one process labels; later ones are "other". */
export const MAX_OPERATION_NAMES = 200;
const OPERATION_NAME = /^[_A-Za-z][_0-9A-Za-z]{0,63}$/;

/**
 * Bounds the operation names clients choose: a valid GraphQL name of at most
 * 64 characters, among the first `max` distinct ones seen; anything else is
 * "other", no name "anonymous". A client sending random names costs at most
 * `max` series.
 */
export function operationNameBound(max = MAX_OPERATION_NAMES): (name: string | null | undefined) => string {
  const seen = new Set<string>();
  return (name) => {
    if (name === null || name === undefined || name === '') return 'anonymous';
    if (seen.has(name)) return name;
    if (seen.size >= max || !OPERATION_NAME.test(name)) return 'other';
    seen.add(name);
    return name;
  };
}

/** Codes an outcome may carry: the error catalogue and Apollo's protocol codes; anything else is "other". */
const OUTCOME_CODES: ReadonlySet<string> = new Set<string>([...Object.values(ErrorCode), ...PROTOCOL_ERROR_CODES]);

/** The outcome of a result: "ok", or the first error's catalogued code ("other" when it has none). */
export function outcomeOf(errors: readonly { extensions?: Record<string, unknown> }[] | undefined): string {
  const first = errors?.[0];
  if (first === undefined) return 'ok';
  const code = first.extensions?.code;
  return typeof code === 'string' && OUTCOME_CODES.has(code) ? code : 'other';
}

const OPERATION_TYPES = new Set(['query', 'mutation', 'subscription']);

/** A scrape-time reading of one gauge (or of several, set together). */
export type Collector = () => Promise<void> | void;

/** How long one scrape-time reading may take before the scrape goes on without it. */
const COLLECT_TIMEOUT_MS = 2_000;

export class ServiceMetrics {
  readonly service: ServiceName;
  readonly registry: Registry;
  readonly #metrics = new Map<MetricKey, Counter | Gauge | Histogram>();
  readonly #collectors = new Map<MetricKey, Collector>();
  readonly #boundName = operationNameBound();
  /** Label children of operations, by type and bounded name (and outcome): made once, reused. */
  readonly #operations = new Map<
    string,
    { duration: Histogram.Internal<string>; outcomes: Map<string, Counter.Internal> }
  >();
  #logger: Logger | undefined;

  constructor(service: ServiceName) {
    this.service = service;
    this.registry = new Registry();
    this.registry.setDefaultLabels({ service });
    collectDefaultMetrics({ register: this.registry });
    for (const [key, definition] of Object.entries(METRICS) as [MetricKey, MetricDefinition][]) {
      if (!inScope(definition.scope, service)) continue;
      this.#metrics.set(key, this.#create(key, definition));
    }
  }

  /** Where failed scrape-time readings are reported (the service's logger, once it has one). */
  useLogger(logger: Logger): void {
    this.#logger = logger;
  }

  #create(key: MetricKey, definition: MetricDefinition): Counter | Gauge | Histogram {
    const common = {
      name: definition.name,
      help: definition.help,
      labelNames: [...definition.labels],
      registers: [this.registry],
    };
    if (definition.type === 'counter') return new Counter(common);
    if (definition.type === 'histogram') {
      return new Histogram({ ...common, buckets: [...(definition.buckets ?? [])] });
    }
    const collectors = this.#collectors;
    const report = (error: unknown) =>
      this.#logger?.warn({ err: error, metric: definition.name }, 'metrics: a scrape-time reading failed');
    return new Gauge({
      ...common,
      async collect() {
        const collector = collectors.get(key);
        if (!collector) return;
        let timer: NodeJS.Timeout | undefined;
        try {
          await Promise.race([
            collector(),
            new Promise((_, reject) => {
              timer = setTimeout(() => reject(new Error('timed out')), COLLECT_TIMEOUT_MS);
            }),
          ]);
        } catch (error) {
          report(error);
        } finally {
          clearTimeout(timer);
        }
      },
    });
  }

  /** The catalogue's metric `key`; throws when it is not in this service's scope (a programming error). */
  get<K extends MetricKey>(key: K): MetricOf<K> {
    const metric = this.#metrics.get(key);
    if (!metric) throw new Error(`metric ${METRICS[key].name} is not exported by the ${this.service} service`);
    return metric as MetricOf<K>;
  }

  /** Whether this service exports `key`. */
  has(key: MetricKey): boolean {
    return this.#metrics.has(key);
  }

  /**
   * Reads gauge `key` when scraped (replacing any earlier reader). The reader
   * may set other gauges too (one query for two); a reader that throws or
   * takes over 2 s leaves the values as they were. Returns the function that
   * stops it (a no-op once another reader replaced it: a service started
   * again in the same process, as tests do, keeps its own).
   */
  collect(key: MetricKey, collector: Collector): () => void {
    if (METRICS[key].type !== 'gauge') throw new Error(`metric ${METRICS[key].name} is not a gauge`);
    this.get(key);
    this.#collectors.set(key, collector);
    return () => {
      if (this.#collectors.get(key) === collector) this.#collectors.delete(key);
    };
  }

  /** Counts one GraphQL operation served and its duration. */
  observeOperation(type: string | undefined, name: string | null | undefined, outcome: string, seconds: number): void {
    const operationType = type !== undefined && OPERATION_TYPES.has(type) ? type : 'unknown';
    const operationName = this.#boundName(name);
    const key = `${operationType} ${operationName}`;
    let children = this.#operations.get(key);
    if (!children) {
      children = {
        duration: this.get('graphqlOperationDuration').labels(operationType, operationName),
        outcomes: new Map(),
      };
      this.#operations.set(key, children);
    }
    let counter = children.outcomes.get(outcome);
    if (!counter) {
      counter = this.get('graphqlOperations').labels(operationType, operationName, outcome);
      children.outcomes.set(outcome, counter);
    }
    counter.inc();
    children.duration.observe(seconds);
  }

  /** The exposition text of every metric of this service. */
  async scrape(): Promise<string> {
    return this.registry.metrics();
  }
}

const byService = new Map<ServiceName, ServiceMetrics>();

/**
 * The metrics of `service` in this process, made on first use. A service
 * runs once per process (one per process in production, each once under
 * `npm start`), so code deep in a service (the ledger, the sign-in lock)
 * reaches its metrics by name instead of having them threaded through.
 */
export function metricsOf(service: ServiceName): ServiceMetrics {
  let metrics = byService.get(service);
  if (!metrics) {
    metrics = new ServiceMetrics(service);
    byService.set(service, metrics);
  }
  return metrics;
}

/**
 * An Apollo Server plugin counting every operation: type, bounded name,
 * outcome (the first error of the response a client sees) and duration.
 */
export function operationMetricsPlugin<TContext extends BaseContext>(
  metrics: ServiceMetrics,
): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      const started = performance.now();
      return {
        async willSendResponse({ operation, operationName, request, response, errors }) {
          const sent = response.body.kind === 'single' ? response.body.singleResult.errors : undefined;
          metrics.observeOperation(
            operation?.operation,
            operationName ?? request.operationName,
            outcomeOf(sent ?? errors),
            (performance.now() - started) / 1000,
          );
        },
      };
    },
  };
}

/**
 * Times every root field of a subgraph (Query, including `_entities`, and
 * Mutation) by wrapping its resolver once, at start: no per-field hook on
 * the fields below, which Apollo's `willResolveField` would cost on every
 * field of every request.
 */
export function timeRootFields(schema: GraphQLSchema, metrics: ServiceMetrics): void {
  const histogram = metrics.get('rootFieldDuration');
  for (const type of [schema.getQueryType(), schema.getMutationType()]) {
    if (!type) continue;
    for (const field of Object.values(type.getFields())) {
      const resolve: GraphQLFieldResolver<unknown, unknown> = field.resolve ?? defaultFieldResolver;
      const child = histogram.labels(type.name, field.name);
      field.resolve = (source, args, context, info) => {
        const started = performance.now();
        const done = () => child.observe((performance.now() - started) / 1000);
        let result: unknown;
        try {
          result = resolve(source, args, context, info);
        } catch (error) {
          done();
          throw error;
        }
        if (result instanceof Promise) {
          return result.finally(done);
        }
        done();
        return result;
      };
    }
  }
}

/** Answers `GET /metrics` with the exposition text of `metrics`. */
export function metricsRoute(metrics: ServiceMetrics, logger: Logger) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.statusCode = 405;
      res.setHeader('allow', 'GET, HEAD');
      res.end();
      return;
    }
    try {
      const text = await metrics.scrape();
      res.statusCode = 200;
      res.setHeader('content-type', metrics.registry.contentType);
      res.setHeader('cache-control', 'no-store');
      res.end(req.method === 'HEAD' ? undefined : text);
    } catch (error) {
      logger.error({ err: error }, 'metrics: scrape failed');
      res.statusCode = 500;
      res.end();
    }
  };
}

/** A listening metrics server; `close()` stops it. */
export interface MetricsServer {
  port: number;
  url: string;
  close(): Promise<void>;
}

/**
 * Serves `/metrics` alone on its own port (METRICS_PORT): the router's in
 * production, so that the public port never shows it; Prometheus scrapes the
 * internal one.
 */
export async function startMetricsServer(options: {
  host: string;
  port: number;
  metrics: ServiceMetrics;
  logger: Logger;
}): Promise<MetricsServer> {
  const route = metricsRoute(options.metrics, options.logger);
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path === METRICS_PATH) {
      void route(req, res);
      return;
    }
    res.statusCode = 404;
    res.end();
  });
  const { port, shownHost } = await listen(server, options.port, options.host);
  return {
    port,
    url: `http://${shownHost}:${port}${METRICS_PATH}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
