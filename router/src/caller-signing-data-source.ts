/**
 * How the router talks to a subgraph: plain HTTP, plus the router-signed
 * caller header (see platform/caller.ts) and the request id, on every fetch
 * of every query plan.
 */
import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { Fetcher } from '@apollo/utils.fetcher';
import { GraphQLError } from 'graphql';
import type { Counter, Histogram } from 'prom-client';
import { CALLER_HEADER, signCallerHeader, USER_TOKEN_HEADER } from '../../platform/caller.ts';
import { isRecord } from '../../platform/http-server.ts';
import { CLIENT_AGENT_HEADER, REQUEST_ID_HEADER } from '../../platform/logger.ts';
import type { ServiceMetrics } from '../../platform/metrics.ts';
import { inSpan, SpanKind, traceHeaders } from '../../platform/tracing.ts';
import type { RouterContext } from './context.ts';

/** Errors built from a non-2xx answer ({@link CallerSigningDataSource.errorFromResponse}): "http" failures. */
const httpFailures = new WeakSet<Error>();

export class CallerSigningDataSource extends RemoteGraphQLDataSource<RouterContext> {
  readonly #callerKey: string;
  readonly #forwardsAccessToken: boolean;
  readonly #subgraph: string;
  readonly #measured:
    | { duration: Histogram.Internal<string>; failed: Record<'network' | 'http' | 'graphql', Counter.Internal> }
    | undefined;

  /**
   * `callerKey`: this subgraph's caller-header key (platform/caller.ts's `callerKeyFor`).
   * `forwardsAccessToken`: this subgraph (the assistant, alone) also receives the user's own access token.
   * `subgraph`: its name, on the fetch's span and, with `metrics`, on its timing and failures.
   * `fetcher`: how it sends requests (the router's keep-alive pools, subgraph-fetcher.ts); default the gateway's.
   */
  constructor(
    url: string,
    callerKey: string,
    options: { forwardsAccessToken?: boolean; metrics?: ServiceMetrics; subgraph?: string; fetcher?: Fetcher } = {},
  ) {
    super({ url, ...(options.fetcher ? { fetcher: options.fetcher } : {}) });
    this.#callerKey = callerKey;
    this.#forwardsAccessToken = options.forwardsAccessToken ?? false;
    this.#subgraph = options.subgraph ?? 'subgraph';
    const { metrics, subgraph } = options;
    if (metrics && subgraph) {
      const errors = metrics.get('subgraphFetchErrors');
      this.#measured = {
        duration: metrics.get('subgraphFetchDuration').labels(subgraph),
        failed: {
          network: errors.labels(subgraph, 'network'),
          http: errors.labels(subgraph, 'http'),
          graphql: errors.labels(subgraph, 'graphql'),
        },
      };
    }
  }

  /**
   * Each fetch in a client span (when tracing), whose context goes to the subgraph as `traceparent`;
   * timed, and its failures counted, when measured.
   */
  override process(
    options: GraphQLDataSourceProcessOptions<RouterContext>,
  ): ReturnType<RemoteGraphQLDataSource<RouterContext>['process']> {
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
    if (!measured) return super.process(options);
    const started = performance.now();
    try {
      const response = await super.process(options);
      if (response.errors?.length) measured.failed.graphql.inc();
      return response;
    } catch (error) {
      measured.failed[error instanceof Error && httpFailures.has(error) ? 'http' : 'network'].inc();
      throw error;
    } finally {
      measured.duration.observe((performance.now() - started) / 1000);
    }
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
