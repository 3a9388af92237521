/**
 * How the router talks to a subgraph: plain HTTP, plus the router-signed
 * caller header (see platform/caller.ts) and the request id, on every fetch
 * of every query plan.
 */
import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { parseCacheControlHeader } from '@apollo/gateway/dist/datasources/parseCacheControlHeader.js';
import type { Fetcher } from '@apollo/utils.fetcher';
import { GraphQLError } from 'graphql';
import type { Counter, Histogram } from 'prom-client';
import { CALLER_HEADER, signCallerHeader, USER_TOKEN_HEADER } from '../../platform/caller.ts';
import { isRecord } from '../../platform/http-server.ts';
import { CLIENT_AGENT_HEADER, REQUEST_ID_HEADER } from '../../platform/logger.ts';
import type { ServiceMetrics } from '../../platform/metrics.ts';
import { inSpan, SpanKind, traceHeaders } from '../../platform/tracing.ts';
import type { RouterContext } from './context.ts';
import type { EntityCache } from './entity-cache.ts';

/** Errors built from a non-2xx answer ({@link CallerSigningDataSource.errorFromResponse}): "http" failures. */
const httpFailures = new WeakSet<Error>();

type SubgraphResponse = Awaited<ReturnType<RemoteGraphQLDataSource['process']>>;

interface CacheHint {
  maxAge: number;
  scope?: 'PUBLIC' | 'PRIVATE';
}

/** A subgraph answer's `cache-control` header as a cache hint, as the gateway reads it: none is `max-age=0`. */
function cacheHintOf(header: string | null): CacheHint {
  const parsed = parseCacheControlHeader(header ?? undefined);
  const hint: CacheHint = { maxAge: 0 };
  const maxAge = parsed['max-age'];
  if (typeof maxAge === 'string' && /^[0-9]+$/.test(maxAge)) hint.maxAge = Number(maxAge);
  if (parsed.private === true) hint.scope = 'PRIVATE';
  if (parsed.public === true) hint.scope = 'PUBLIC';
  return hint;
}

export class CallerSigningDataSource extends RemoteGraphQLDataSource<RouterContext> {
  readonly #callerKey: string;
  readonly #forwardsAccessToken: boolean;
  readonly #subgraph: string;
  readonly #entityCache: EntityCache | undefined;
  readonly #measured:
    | {
        duration: Histogram.Internal<string>;
        failed: Record<'network' | 'http' | 'graphql', Counter.Internal>;
        shared: Record<'hit' | 'stored', Counter.Internal>;
      }
    | undefined;

  /**
   * `callerKey`: this subgraph's caller-header key (platform/caller.ts's `callerKeyFor`).
   * `forwardsAccessToken`: this subgraph (the assistant, alone) also receives the user's own access token.
   * `subgraph`: its name, on the fetch's span and, with `metrics`, on its timing and failures.
   * `fetcher`: how it sends requests (the router's keep-alive pools, subgraph-fetcher.ts); default the gateway's.
   * `entityCache`: keeps the entities this subgraph marks public, for signed-in users (entity-cache.ts).
   */
  constructor(
    url: string,
    callerKey: string,
    options: {
      forwardsAccessToken?: boolean;
      metrics?: ServiceMetrics;
      subgraph?: string;
      fetcher?: Fetcher;
      entityCache?: EntityCache;
    } = {},
  ) {
    super({ url, ...(options.fetcher ? { fetcher: options.fetcher } : {}) });
    this.#callerKey = callerKey;
    this.#forwardsAccessToken = options.forwardsAccessToken ?? false;
    this.#subgraph = options.subgraph ?? 'subgraph';
    this.#entityCache = options.entityCache;
    const { metrics, subgraph } = options;
    if (metrics && subgraph) {
      const errors = metrics.get('subgraphFetchErrors');
      const shared = metrics.get('entityCache');
      this.#measured = {
        duration: metrics.get('subgraphFetchDuration').labels(subgraph),
        failed: {
          network: errors.labels(subgraph, 'network'),
          http: errors.labels(subgraph, 'http'),
          graphql: errors.labels(subgraph, 'graphql'),
        },
        shared: { hit: shared.labels(subgraph, 'hit'), stored: shared.labels(subgraph, 'stored') },
      };
    }
  }

  /**
   * Each fetch in a client span (when tracing), whose context goes to the subgraph as `traceparent`;
   * timed, and its failures counted, when measured. An entity fetch the entity cache holds every
   * entity of is answered from it instead.
   */
  override process(
    options: GraphQLDataSourceProcessOptions<RouterContext>,
  ): ReturnType<RemoteGraphQLDataSource<RouterContext>['process']> {
    const shared = this.#entityCacheFor(options)?.lookup(
      this.#subgraph,
      options.request.query ?? '',
      options.request.variables,
    );
    if (shared) {
      // Answered here: no fetch, so no fetch span and no fetch timing.
      this.#cachePolicy(options)?.restrict({ maxAge: shared.maxAgeSeconds, scope: 'PUBLIC' });
      this.#measured?.shared.hit.inc();
      return Promise.resolve({ data: { _entities: shared.entities } });
    }
    return inSpan(
      `fetch ${this.#subgraph}`,
      { kind: SpanKind.CLIENT, attributes: { 'bank.subgraph': this.#subgraph } },
      () => this.#measuredProcess(options),
    );
  }

  async #measuredProcess(
    options: GraphQLDataSourceProcessOptions<RouterContext>,
  ): ReturnType<RemoteGraphQLDataSource<RouterContext>['process']> {
    const measured = this.#measured;
    if (!measured) return this.#send(options);
    const started = performance.now();
    try {
      const response = await this.#send(options);
      if (response.errors?.length) measured.failed.graphql.inc();
      return response;
    } catch (error) {
      measured.failed[error instanceof Error && httpFailures.has(error) ? 'http' : 'network'].inc();
      throw error;
    } finally {
      measured.duration.observe((performance.now() - started) / 1000);
    }
  }

  /**
   * One fetch as {@link RemoteGraphQLDataSource.process} sends it (a JSON
   * POST with the headers {@link willSendRequest} sets, the answer's cache
   * hint given to the operation's cache policy), without its node-fetch
   * `Request` and `Headers`, built for every fetch and read by nothing here
   * (bench/subgraph-fetch.ts: about a sixth of the router's CPU per fetch).
   * Automatic persisted queries to subgraphs (`apq`, off) still take the
   * gateway's path.
   */
  async #send(options: GraphQLDataSourceProcessOptions<RouterContext>): Promise<SubgraphResponse> {
    if (this.apq) return super.process(options);
    const { request } = options;
    if (!request.query) throw new Error('Missing query');
    const headers = new Headers(request.http ? [...request.http.headers] : undefined);
    headers.set('content-type', 'application/json');
    request.http = { method: 'POST', url: this.url, headers };
    this.willSendRequest(options);
    const { http: _http, ...operation } = request;
    const response = await this.fetcher(this.url, {
      method: 'POST',
      headers: Object.fromEntries(headers),
      body: JSON.stringify(operation),
    });
    if (!response.ok) throw await this.errorFromResponse(response);
    const body = await this.parseBody(response);
    if (!isRecord(body)) throw new Error(`Expected JSON response body, but received: ${String(body)}`);
    const policy = this.#cachePolicy(options);
    const cache = this.#entityCacheFor(options);
    if (policy || cache) {
      const hint = cacheHintOf(response.headers.get('cache-control'));
      // As the gateway does: a subgraph's answer without a cache hint makes the whole operation uncacheable.
      policy?.restrict(hint);
      if (cache && hint.scope === 'PUBLIC' && hint.maxAge > 0 && body.errors === undefined && isRecord(body.data)) {
        if (cache.store(this.#subgraph, request.query, request.variables, body.data._entities, hint.maxAge)) {
          this.#measured?.shared.stored.inc();
        }
      }
    }
    return { ...body, http: response } as SubgraphResponse;
  }

  /** The entity cache for this fetch: shared entities are kept from, and given to, signed-in users alone. */
  #entityCacheFor(options: GraphQLDataSourceProcessOptions<RouterContext>): EntityCache | undefined {
    const { context } = options;
    return this.#entityCache && 'caller' in context && context.caller?.kind === 'user' ? this.#entityCache : undefined;
  }

  /** The client operation's cache policy, which each fetch's hint restricts, when the gateway follows hints. */
  #cachePolicy(
    options: GraphQLDataSourceProcessOptions<RouterContext>,
  ): { restrict(hint: CacheHint): void } | undefined {
    if (!this.honorSubgraphCacheControlHeader || !('incomingRequestContext' in options)) return undefined;
    const policy = options.incomingRequestContext.overallCachePolicy;
    return policy && 'restrict' in policy ? policy : undefined;
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<RouterContext>): void {
    const headers = request.http?.headers;
    if (!headers) return;
    // Requests the gateway makes on its own (no client context) act anonymously.
    const caller = 'caller' in context && context.caller ? context.caller : { kind: 'anonymous' as const };
    headers.set(CALLER_HEADER, signCallerHeader(this.#callerKey, caller, request.query ?? '', request.variables));
    if ('requestId' in context && typeof context.requestId === 'string')
      headers.set(REQUEST_ID_HEADER, context.requestId);
    if ('userAgent' in context && typeof context.userAgent === 'string')
      headers.set(CLIENT_AGENT_HEADER, context.userAgent);
    if (this.#forwardsAccessToken && 'accessToken' in context && typeof context.accessToken === 'string')
      headers.set(USER_TOKEN_HEADER, context.accessToken);
    for (const [name, value] of Object.entries(traceHeaders())) headers.set(name, value);
  }

  /**
   * A subgraph refuses a whole request with a non-2xx status and a GraphQL
   * body (Apollo answers 400 for variables that do not coerce, such as an
   * amount sent as a number). Keep its first error's message and catalogued
   * code instead of the gateway's generic "400: Bad Request", which would
   * reach the client as an INTERNAL_SERVER_ERROR, and never expose the
   * subgraph's URL.
   */
  override async errorFromResponse(
    response: Parameters<RemoteGraphQLDataSource['errorFromResponse']>[0],
  ): Promise<GraphQLError> {
    const error = await super.errorFromResponse(response);
    const body = (error.extensions.response as { body?: unknown } | undefined)?.body;
    const first: unknown = isRecord(body) && Array.isArray(body.errors) ? body.errors[0] : undefined;
    let answered = new GraphQLError(error.message, { extensions: { code: error.extensions.code } });
    if (isRecord(first) && typeof first.message === 'string' && isRecord(first.extensions)) {
      const { code } = first.extensions;
      if (typeof code === 'string') answered = new GraphQLError(first.message, { extensions: first.extensions });
    }
    httpFailures.add(answered);
    return answered;
  }
}
