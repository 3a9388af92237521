/**
 * Subscriptions at the router, whatever carries them (graphql-ws in
 * subscriptions.ts, multipart HTTP in multipart-subscriptions.ts).
 * @apollo/gateway plans subscriptions but refuses to execute them; this
 * module executes them:
 *
 * 1. an operation from a client is admitted the same way on every transport
 *    ({@link SubscriptionExecutor.prepare}): the trusted documents (when
 *    the mode is on), rate limit, parse within the
 *    token limit, validation with the router's rules, the operation's
 *    checks (request-checks.ts) and its variables coerced;
 * 2. a subscription is planned by the query planner over the same supergraph:
 *    a `Subscription` node with the primary fetch (to the owning subgraph) and
 *    the rest;
 * 3. the owning subgraph is asked whether this caller may subscribe and which
 *    bus topics carry its events (platform/subscriptions.ts);
 * 4. for each event on those topics, the owning subgraph turns it into the
 *    primary fetch's data for this caller (or skips it), then the plan's
 *    `rest` runs through `executeQueryPlan`, with the primary fetch answered
 *    by a data source that returns that data: fields of every other subgraph
 *    resolve exactly as in a query.
 */
import type { IncomingMessage } from 'node:http';
import { operationFromDocument, Supergraph, type Schema } from '@apollo/federation-internals';
import { buildOperationContext, executeQueryPlan, type GraphQLDataSource } from '@apollo/gateway';
import type { FetchNode, QueryPlan, SubscriptionNode } from '@apollo/query-planner';
import { QueryPlanner } from '@apollo/query-planner';
import {
  getOperationAST,
  getVariableValues,
  GraphQLError,
  parse,
  print,
  specifiedRules,
  validate,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLFormattedError,
  type GraphQLSchema,
  type OperationTypeNode,
} from 'graphql';
import { CALLER_HEADER, signCallerHeader, type Caller } from '../../platform/caller.ts';
import { BankError, ErrorCode, formatError } from '../../platform/errors.ts';
import { isRecord } from '../../platform/http-server.ts';
import type { EventBus, Unsubscribe } from '../../platform/event-bus.ts';
import { useBankScalarInputs } from '../../platform/input-checks.ts';
import { requestIdFrom, REQUEST_ID_HEADER, type Logger } from '../../platform/logger.ts';
import { SUBSCRIPTION_PATH, type SubscriptionResponse } from '../../platform/subscriptions.ts';
import { inSpan, SpanKind, traceHeaders } from '../../platform/tracing.ts';
import type { RouterContext } from './context.ts';
import { checkNesting, tokenLimitError, type OperationLimitsChecker } from './operation-limits.ts';
import { checkOperation, completionErrors, ROUTER_VALIDATION_RULES } from './request-checks.ts';
import type { TrustedDocuments } from './trusted-documents.ts';

/** Events waiting for a slow client, per subscription; past this the subscription ends with an error. */
export const MAX_PENDING_EVENTS = 1000;
const EVENT_SOURCE = '__subscription_event__';
const PLAN_CACHE_SIZE = 500;

/** What makes two subscribers the same for the owning subgraph: who they are, with which roles. */
function callerKey(caller: Caller): string {
  if (caller.kind === 'user') return `user:${caller.userId}:${[...caller.roles].sort().join(',')}`;
  return caller.kind === 'service' ? `service:${caller.service}` : 'anonymous';
}

/**
 * An error as it goes on the wire: graphql-ws serializes errors with
 * `toJSON()`, which here returns the error exactly as the router formatted
 * it (code, path, locations and all).
 */
export class FormattedGraphQLError extends GraphQLError {
  readonly formatted: GraphQLFormattedError;
  constructor(formatted: GraphQLFormattedError) {
    super(formatted.message, { extensions: formatted.extensions ?? {} });
    this.formatted = formatted;
  }
  override toJSON(): GraphQLFormattedError {
    return this.formatted;
  }
}

/** An operation sent by a client, as any transport receives it. */
export interface OperationRequest {
  query?: unknown;
  variables?: unknown;
  operationName?: unknown;
  /** A persisted query's id (`persistedQuery.sha256Hash`), for the trusted documents. */
  extensions?: unknown;
}

/** An admitted operation, ready to run. */
export interface PreparedOperation {
  document: DocumentNode;
  variables: Record<string, unknown>;
  operationName: string | undefined;
  kind: OperationTypeNode;
  context: RouterContext;
}

export interface SubscriptionExecutorOptions {
  supergraphSdl: string;
  /** The gateway's data sources by subgraph name (they sign the caller header). */
  dataSources: Record<string, GraphQLDataSource<RouterContext>>;
  subgraphUrls: Record<string, string>;
  /** Each subgraph's caller-header key, by name. */
  callerKeys: Readonly<Record<string, string>>;
  bus: EventBus;
  logger: Logger;
  /** The router's operation limits, and its token limit for the parser. */
  limits: OperationLimitsChecker;
  maxTokens: number;
  /** Counts one operation of the caller against the rate limit; throws RATE_LIMITED over it. */
  admit(caller: Caller, req: IncomingMessage): Promise<void>;
  exposeDetails: boolean;
  /** With the trusted-documents mode on: the only operations to run (trusted-documents.ts). */
  trustedDocuments?: TrustedDocuments | undefined;
  /** Counts an operation refused before it is parsed, by what refused it ("trusted_documents", "nesting", "tokens"). */
  refused?: (limit: 'trusted_documents' | 'nesting' | 'tokens') => void;
  /** Counts each subscription event: delivered to the subscriber, or dropped (not for it, or it fell behind). */
  onEvent?: (outcome: 'delivered' | 'dropped') => void;
}

export interface SubscriptionExecutor {
  /** The API schema (graphql-js) operations are validated against. */
  schema: GraphQLSchema;
  /** Formats errors for the wire (the router's formatError). */
  format(errors: readonly GraphQLError[]): GraphQLError[];
  /**
   * Admits a client's operation, or answers why not (formatted errors).
   * `requestId` is the HTTP request's, when it came as one; else a new one.
   * `accessToken` is the signed-in user's (see RouterContext.accessToken).
   */
  prepare(
    request: OperationRequest,
    caller: Caller,
    req: IncomingMessage,
    options?: { requestId?: string; accessToken?: string | undefined },
  ): Promise<PreparedOperation | GraphQLError[]>;
  /**
   * Starts a subscription: the owning subgraph's answer to "may this caller
   * subscribe" (an error result), or its events. Ending the iterator
   * (`return()`: the client left, completed, or the router stops) releases
   * its bus topics at once, even while it waits for an event.
   */
  subscribe(operation: PreparedOperation): Promise<ExecutionResult | AsyncGenerator<ExecutionResult>>;
  /** Live subscriptions and bus listeners, for tests and metrics. */
  stats(): { subscriptions: number; topicListeners: number };
  /** Ends every subscription (the transports then close their connections). */
  stopAll(): Promise<void>;
}

export function createSubscriptionExecutor(options: SubscriptionExecutorOptions): SubscriptionExecutor {
  const { logger, bus } = options;
  const supergraph = Supergraph.build(options.supergraphSdl);
  const apiSchema: Schema = supergraph.apiSchema();
  const graphqlApiSchema: GraphQLSchema = apiSchema.toGraphQLJSSchema();
  useBankScalarInputs(graphqlApiSchema);
  const supergraphSchema = supergraph.schema.toGraphQLJSSchema();
  const planner = new QueryPlanner(supergraph);
  const rules = [...specifiedRules, ...ROUTER_VALIDATION_RULES];
  let subscriptions = 0;
  let topicListeners = 0;
  const stoppers = new Set<() => Promise<void>>();
  /** Subscriptions still joining their bus topics: `stopAll` waits for them, then stops them too. */
  const joining = new Set<Promise<unknown>>();
  let stopping = false;

  const formatOne = (error: GraphQLError): GraphQLError => {
    if (error instanceof FormattedGraphQLError) return error;
    return new FormattedGraphQLError(
      formatError(tokenLimitError(error.toJSON()), { exposeDetails: options.exposeDetails }, error),
    );
  };
  const format = (errors: readonly GraphQLError[]) => errors.map(formatOne);

  /** POSTs to the owning subgraph's subscription endpoint, signed for this caller. */
  async function askSubgraph(
    subgraph: string,
    context: RouterContext,
    body: { query: string; variables: Record<string, unknown>; event: unknown },
  ): Promise<SubscriptionResponse> {
    const url = new URL(SUBSCRIPTION_PATH, options.subgraphUrls[subgraph]);
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [CALLER_HEADER]: signCallerHeader(options.callerKeys[subgraph] as string, context.caller, body.query, {
          variables: body.variables,
          event: body.event,
        }),
        [REQUEST_ID_HEADER]: context.requestId,
        ...traceHeaders(),
      },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    }).catch((error: unknown) => error as Error);
    if (response instanceof Error || !response.headers.get('content-type')?.includes('application/json')) {
      // The owning subgraph is down or answered something else: this event (or check) fails, the subscription lives on.
      logger.error({ err: response instanceof Error ? response : undefined, subgraph }, 'subscription call failed');
      return { errors: [{ message: 'Internal server error.', extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } }] };
    }
    return (await response.json()) as SubscriptionResponse;
  }

  function toErrors(response: SubscriptionResponse): GraphQLError[] {
    return (response.errors ?? []).map(
      (e) =>
        new FormattedGraphQLError({
          message: e.message,
          ...(e.path ? { path: e.path } : {}),
          extensions: e.extensions ?? { code: ErrorCode.INTERNAL_SERVER_ERROR },
        }),
    );
  }

  /** Operation contexts and plans by operation text: subscribers usually send the same few documents. */
  const plans = new Map<string, { operationContext: ReturnType<typeof buildOperationContext>; plan: QueryPlan }>();
  function planFor(document: DocumentNode, operationName: string | undefined) {
    const key = `${operationName ?? ''}|${print(document)}`;
    let entry = plans.get(key);
    if (!entry) {
      entry = {
        operationContext: buildOperationContext({
          schema: graphqlApiSchema,
          operationDocument: document,
          operationName,
        }),
        plan: planner.buildQueryPlan(operationFromDocument(apiSchema, document, { operationName })),
      };
      if (plans.size >= PLAN_CACHE_SIZE) plans.delete(plans.keys().next().value as string);
      plans.set(key, entry);
    }
    return entry;
  }

  /**
   * One event's result per (operation, variables, caller), computed once and
   * shared by every subscriber it fits: a message to 1,000 subscribers costs
   * one subgraph call and one plan execution per distinct subscriber identity,
   * not 1,000. Keyed by the event object, so it is forgotten with the event.
   */
  const resultsByEvent = new WeakMap<object, Map<string, Promise<ExecutionResult | null>>>();
  function sharedResult(
    event: unknown,
    key: string,
    compute: () => Promise<ExecutionResult | null>,
  ): Promise<ExecutionResult | null> {
    if (event === null || typeof event !== 'object') return compute();
    let results = resultsByEvent.get(event);
    if (!results) {
      results = new Map();
      resultsByEvent.set(event, results);
    }
    let result = results.get(key);
    if (!result) {
      result = compute();
      results.set(key, result);
    }
    return result;
  }

  async function prepare(
    sent: OperationRequest,
    caller: Caller,
    req: IncomingMessage,
    {
      requestId = requestIdFrom(undefined),
      accessToken,
    }: { requestId?: string; accessToken?: string | undefined } = {},
  ): Promise<PreparedOperation | GraphQLError[]> {
    let request = sent;
    try {
      // Before anything else, as over HTTP: an operation not in the manifest costs one hash.
      if (options.trustedDocuments) request = options.trustedDocuments.resolve(sent);
    } catch (error) {
      if (!(error instanceof BankError)) throw error;
      options.refused?.('trusted_documents');
      return format([error]);
    }
    try {
      await options.admit(caller, req);
    } catch (error) {
      if (error instanceof BankError) return format([error]);
      throw error;
    }
    if (typeof request.query !== 'string' || request.query.trim() === '') {
      return format([new GraphQLError('The request has no query.', { extensions: { code: 'BAD_REQUEST' } })]);
    }
    const operationName =
      typeof request.operationName === 'string' && request.operationName !== '' ? request.operationName : undefined;
    const variables = isRecord(request.variables) ? request.variables : {};
    if (request.variables !== undefined && request.variables !== null && !isRecord(request.variables)) {
      return format([
        new GraphQLError('The variables must be an object.', { extensions: { code: ErrorCode.BAD_USER_INPUT } }),
      ]);
    }
    let document: DocumentNode;
    try {
      checkNesting(request.query);
      document = parse(request.query, { maxTokens: options.maxTokens });
    } catch (error) {
      if (error instanceof BankError) {
        options.refused?.('nesting');
        return format([error]);
      }
      const { message, extensions } = tokenLimitError({
        message: (error as Error).message,
        extensions: { code: 'GRAPHQL_PARSE_FAILED' },
      });
      if (extensions?.code === ErrorCode.QUERY_TOO_COMPLEX) options.refused?.('tokens');
      return format([new GraphQLError(message, { extensions })]);
    }
    let invalid: readonly GraphQLError[];
    try {
      invalid = validate(graphqlApiSchema, document, rules);
    } catch (error) {
      // graphql's single-field-subscription rule evaluates @include/@skip without variables and throws
      // when one uses a variable: the document cannot be validated as sent.
      invalid = [
        new GraphQLError(error instanceof Error ? error.message : 'The document cannot be validated.', {
          extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
        }),
      ];
    }
    if (invalid.length > 0) {
      // As Apollo answers over HTTP: the input rules' BAD_USER_INPUT, graphql's own GRAPHQL_VALIDATION_FAILED.
      return format(
        invalid.map((e) =>
          e.extensions.code === ErrorCode.BAD_USER_INPUT
            ? e
            : new GraphQLError(e.message, {
                nodes: e.nodes ?? null,
                extensions: { ...e.extensions, code: 'GRAPHQL_VALIDATION_FAILED' },
              }),
        ),
      );
    }
    try {
      checkOperation(options.limits, graphqlApiSchema, document, operationName, variables, caller);
    } catch (error) {
      if (error instanceof GraphQLError) return format([error]);
      throw error;
    }
    const operation = getOperationAST(document, operationName);
    if (!operation) throw new Error('checked above');
    // The gateway coerces a query's variables itself; a subscription's are coerced here, the same way.
    if (operation.operation === 'subscription') {
      const coerced = getVariableValues(graphqlApiSchema, operation.variableDefinitions ?? [], variables);
      if (coerced.errors) {
        return format(
          coerced.errors.map(
            (e) =>
              new GraphQLError(e.message, { nodes: e.nodes ?? null, extensions: { code: ErrorCode.BAD_USER_INPUT } }),
          ),
        );
      }
    }
    return {
      document,
      variables,
      operationName,
      kind: operation.operation,
      context: { caller, requestId, logger: logger.child({ requestId }), accessToken },
    };
  }

  async function subscribe(operation: PreparedOperation): Promise<ExecutionResult | AsyncGenerator<ExecutionResult>> {
    const { document, variables, operationName, context } = operation;
    const { operationContext, plan } = planFor(document, operationName);
    const node = plan.node as SubscriptionNode;
    const primary: FetchNode = node.primary;
    const primaryVariables = Object.fromEntries(
      (primary.variableUsages ?? [])
        .filter((name) => Object.hasOwn(variables, name))
        .map((name) => [name, variables[name]]),
    );

    const check = await askSubgraph(primary.serviceName, context, {
      query: primary.operation,
      variables: primaryVariables,
      event: null,
    });
    if (check.errors?.length || !check.topics) return { errors: toErrors(check) };

    // Events arrive on the bus; the generator below drains them in order.
    const queue: unknown[] = [];
    const control = { stopped: false, overflow: false, wake: undefined as (() => void) | undefined };
    const listener = (event: unknown) => {
      if (queue.length >= MAX_PENDING_EVENTS) {
        control.overflow = true;
        options.onEvent?.('dropped');
      } else queue.push(event);
      control.wake?.();
    };
    const unsubscribes: Unsubscribe[] = [];
    const unwatches: Unsubscribe[] = [];
    let released: Promise<void> | undefined;
    // Counted as ended once everything it held is released (stats() never shows a half-ended one).
    const release = () =>
      (released ??= (async () => {
        for (const unsubscribe of unsubscribes) {
          await unsubscribe();
          topicListeners -= 1;
        }
        for (const unwatch of unwatches) await unwatch();
        subscriptions -= 1;
      })());
    subscriptions += 1;
    const topics = check.topics;
    const join = (async () => {
      for (const topic of topics) {
        unsubscribes.push(await bus.subscribe(topic, listener));
        topicListeners += 1;
      }
      // Presence: owning subgraphs can tell that this user watches these topics live
      // (messaging sends no NEW_MESSAGE notification for a conversation being watched).
      if (context.caller.kind === 'user') {
        for (const topic of topics) unwatches.push(await bus.watch(context.caller.userId, topic));
      }
    })();
    joining.add(join);
    try {
      await join;
    } catch (error) {
      joining.delete(join);
      // The bus cannot be reached (Redis down): this subscription is refused, the connection lives on.
      logger.error({ err: error }, 'subscription: bus unavailable');
      await release();
      return {
        errors: format([
          new BankError(
            ErrorCode.SERVICE_UNAVAILABLE,
            'Live updates are unavailable right now; subscribe again shortly.',
          ),
        ]),
      };
    }

    // Stopping ends the event loop and releases what the subscription holds, without waiting for
    // its consumer (a client that stopped reading never asks for the next event).
    const stop = () => {
      control.stopped = true;
      control.wake?.();
      return release();
    };
    stoppers.add(stop);
    joining.delete(join);
    // The router began stopping while this one joined its topics: it ends now too.
    if (stopping) void stop();

    // Subscribers with the same operation, variables and identity get the same result for an event.
    const eventKey = `${print(document)}|${operationName ?? ''}|${JSON.stringify(variables)}|${callerKey(context.caller)}`;
    const restPlan = (data: Record<string, unknown>) => {
      const source: GraphQLDataSource<RouterContext> = { process: async () => ({ data }) };
      const fetch: FetchNode = { ...primary, serviceName: EVENT_SOURCE };
      return {
        plan: {
          kind: 'QueryPlan',
          node: node.rest ? { kind: 'Sequence', nodes: [fetch, node.rest] } : fetch,
        } satisfies QueryPlan,
        serviceMap: { ...options.dataSources, [EVENT_SOURCE]: source },
      };
    };
    // One event's delivery joins the trace of the operation that wrote the event (its `traceparent`).
    const resultFor = (event: unknown): Promise<ExecutionResult | null> =>
      inSpan(
        'subscription event',
        {
          kind: SpanKind.CONSUMER,
          service: 'router',
          detached: true,
          traceparent: isRecord(event) && typeof event.traceparent === 'string' ? event.traceparent : undefined,
          attributes: { 'bank.subgraph': primary.serviceName },
        },
        () => deliver(event),
      );
    const deliver = async (event: unknown): Promise<ExecutionResult | null> => {
      const answer = await askSubgraph(primary.serviceName, context, {
        query: primary.operation,
        variables: primaryVariables,
        event,
      });
      if (answer.errors?.length && !answer.data) return { errors: toErrors(answer) };
      if (!answer.data) return null; // not for this subscriber
      const { plan: eventPlan, serviceMap } = restPlan(answer.data);
      const executed = await executeQueryPlan(
        eventPlan,
        serviceMap,
        {
          request: { query: '', variables, operationName },
          context,
          logger,
          metrics: {},
        } as unknown as Parameters<typeof executeQueryPlan>[2],
        operationContext,
        supergraphSchema,
        apiSchema,
      );
      const completion = completionErrors(executed.extensions, context.logger);
      const errors = format([...((executed.errors ?? []) as GraphQLError[]), ...completion.errors]);
      return { data: executed.data ?? null, ...(errors.length > 0 ? { errors } : {}) };
    };

    async function* events(): AsyncGenerator<ExecutionResult> {
      try {
        while (!control.stopped) {
          if (control.overflow) {
            yield {
              errors: format([
                new GraphQLError('The client fell too far behind; subscribe again.', {
                  extensions: { code: ErrorCode.RATE_LIMITED },
                }),
              ]),
            };
            return;
          }
          const event = queue.shift();
          if (event === undefined) {
            await new Promise<void>((resolve) => (control.wake = resolve));
            control.wake = undefined;
            continue;
          }
          const result = await sharedResult(event, eventKey, () => resultFor(event));
          options.onEvent?.(result ? 'delivered' : 'dropped');
          if (result) yield result;
        }
      } finally {
        stoppers.delete(stop);
        await release();
      }
    }

    // `return()` ends it at once, even while it waits: a plain async generator would only notice at its next yield.
    const generator = events();
    const iterator: AsyncGenerator<ExecutionResult> = {
      next: () => generator.next(),
      async return(value) {
        void stop(); // starts the release, awaited below once the generator has ended
        stoppers.delete(stop);
        const done = await generator.return(value);
        await release();
        return done;
      },
      async throw(error) {
        void stop(); // starts the release, awaited below once the generator has ended
        stoppers.delete(stop);
        const done = await generator.throw(error);
        await release();
        return done;
      },
      [Symbol.asyncIterator]() {
        return iterator;
      },
      async [Symbol.asyncDispose]() {
        await iterator.return(undefined);
      },
    };
    return iterator;
  }

  return {
    schema: graphqlApiSchema,
    format,
    prepare,
    subscribe,
    stats: () => ({ subscriptions, topicListeners }),
    async stopAll() {
      stopping = true;
      // A subscription counted but still joining its topics registers its stop once joined.
      await Promise.allSettled([...joining]);
      await Promise.all([...stoppers].map((stop) => stop()));
    },
  };
}
