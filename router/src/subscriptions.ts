/**
 * Subscriptions at the router, over graphql-ws on the same port and path as
 * HTTP. @apollo/gateway plans subscriptions but refuses to execute them; this
 * module executes them:
 *
 * 1. the connection is authenticated from `connectionParams.authorization`
 *    with the same rules as HTTP (a bad or expired token closes the socket
 *    with 4403 Forbidden);
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
 *
 * Queries and mutations sent over the socket run through the gateway as over
 * HTTP, so one socket serves everything.
 */
import type { IncomingMessage, Server } from 'node:http';
import { operationFromDocument, Supergraph, type Schema } from '@apollo/federation-internals';
import { buildOperationContext, executeQueryPlan, type GraphQLDataSource } from '@apollo/gateway';
import type { FetchNode, QueryPlan, SubscriptionNode } from '@apollo/query-planner';
import { QueryPlanner } from '@apollo/query-planner';
import {
  getOperationAST,
  GraphQLError,
  parse,
  print,
  validate,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type GraphQLSchema,
} from 'graphql';
import { CloseCode } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import jwt from 'jsonwebtoken';
import { WebSocketServer } from 'ws';
import { callerFromAuthorization } from '../../platform/access-token.ts';
import { ANONYMOUS, CALLER_HEADER, signCallerHeader, type Caller } from '../../platform/caller.ts';
import { BankError, ErrorCode, formatError } from '../../platform/errors.ts';
import type { EventBus, Unsubscribe } from '../../platform/event-bus.ts';
import { requestIdFrom, REQUEST_ID_HEADER, type Logger } from '../../platform/logger.ts';
import { SUBSCRIPTION_PATH, type SubscriptionResponse } from '../../platform/subscriptions.ts';
import type { RouterContext } from './context.ts';
import { tokenLimitError, type OperationLimitsChecker } from './operation-limits.ts';

/** Events waiting for a slow client, per subscription; past this the subscription ends with an error. */
export const MAX_PENDING_EVENTS = 1000;
const EVENT_SOURCE = '__subscription_event__';
const PLAN_CACHE_SIZE = 500;

/** What makes two subscribers the same for the owning subgraph: who they are, with which roles. */
function callerKey(caller: Caller): string {
  if (caller.kind === 'user') return `user:${caller.userId}:${[...caller.roles].sort().join(',')}`;
  return caller.kind === 'service' ? `service:${caller.service}` : 'anonymous';
}

export interface SubscriptionServerOptions {
  server: Server;
  supergraphSdl: string;
  /** The gateway's data sources by subgraph name (they sign the caller header). */
  dataSources: Record<string, GraphQLDataSource<RouterContext>>;
  subgraphUrls: Record<string, string>;
  tokenKey: string;
  signingKey: string;
  bus: EventBus;
  logger: Logger;
  /** The router's operation limits, and its token limit for the parser. */
  limits: OperationLimitsChecker;
  maxTokens: number;
  /** Counts one operation of the caller against the rate limit; throws RATE_LIMITED over it. */
  admit(caller: Caller, req: IncomingMessage): Promise<void>;
  exposeDetails: boolean;
  /** Runs a query or mutation through the gateway (as HTTP does). */
  executeOperation(
    document: DocumentNode,
    variables: Record<string, unknown>,
    context: RouterContext,
  ): Promise<ExecutionResult>;
}

export interface SubscriptionServer {
  /** Live subscriptions and bus listeners, for tests and metrics. */
  stats(): { sockets: number; subscriptions: number; topicListeners: number };
  close(): Promise<void>;
}

type SocketExtra = { caller: Caller } & Record<PropertyKey, unknown>;

export function startSubscriptionServer(options: SubscriptionServerOptions): SubscriptionServer {
  const { logger, bus } = options;
  const supergraph = Supergraph.build(options.supergraphSdl);
  const apiSchema: Schema = supergraph.apiSchema();
  const graphqlApiSchema: GraphQLSchema = apiSchema.toGraphQLJSSchema();
  const supergraphSchema = supergraph.schema.toGraphQLJSSchema();
  const planner = new QueryPlanner(supergraph);
  let subscriptions = 0;
  let topicListeners = 0;
  const stoppers = new Set<() => Promise<void>>();

  const formatted = (errors: readonly GraphQLError[]): GraphQLError[] =>
    errors.map((e) => {
      const shaped = formatError(e.toJSON(), { exposeDetails: options.exposeDetails });
      return new GraphQLError(shaped.message, { extensions: shaped.extensions ?? {} });
    });

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
        [CALLER_HEADER]: signCallerHeader(options.signingKey, context.caller, body.query, {
          variables: body.variables,
          event: body.event,
        }),
        [REQUEST_ID_HEADER]: context.requestId,
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
      (e) => new GraphQLError(e.message, { extensions: e.extensions ?? { code: ErrorCode.INTERNAL_SERVER_ERROR } }),
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

  /** Lets a subscription's consumer end it while it waits for an event. */
  interface Control {
    stopped: boolean;
    wake: (() => void) | undefined;
  }

  /**
   * The subscription as an async iterator whose `return()` (client
   * disconnect, `complete`, shutdown) ends it at once, even while it waits:
   * a plain async generator would only notice at its next yield.
   */
  function stoppable(args: ExecutionArgs, context: RouterContext): AsyncGenerator<ExecutionResult> {
    const control: Control = { stopped: false, wake: undefined };
    const generator = run(args, context, control);
    const stop = async () => {
      control.stopped = true;
      control.wake?.();
    };
    stoppers.add(stop);
    const iterator: AsyncGenerator<ExecutionResult> = {
      next: () => generator.next(),
      async return(value) {
        await stop();
        stoppers.delete(stop);
        return generator.return(value);
      },
      async throw(error) {
        await stop();
        stoppers.delete(stop);
        return generator.throw(error);
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

  async function* run(args: ExecutionArgs, context: RouterContext, control: Control): AsyncGenerator<ExecutionResult> {
    const document = args.document;
    const variables = (args.variableValues ?? {}) as Record<string, unknown>;
    const operationName = args.operationName ?? undefined;
    const { operationContext, plan } = planFor(document, operationName);
    const node = plan.node as SubscriptionNode;
    const primary: FetchNode = node.primary;
    // Subscribers with the same operation, variables and identity get the same result for an event.
    const eventKey = `${print(document)}|${operationName ?? ''}|${JSON.stringify(variables)}`;
    const primaryVariables = Object.fromEntries(
      (primary.variableUsages ?? []).filter((name) => name in variables).map((name) => [name, variables[name]]),
    );

    const check = await askSubgraph(primary.serviceName, context, {
      query: primary.operation,
      variables: primaryVariables,
      event: null,
    });
    if (check.errors?.length || !check.topics) {
      yield { errors: formatted(toErrors(check)) };
      return;
    }

    // Events arrive on the bus; the loop below drains them in order.
    const queue: unknown[] = [];
    let overflow = false;
    const unsubscribes: Unsubscribe[] = [];
    const listener = (event: unknown) => {
      if (queue.length >= MAX_PENDING_EVENTS) overflow = true;
      else queue.push(event);
      control.wake?.();
    };
    for (const topic of check.topics) {
      unsubscribes.push(await bus.subscribe(topic, listener));
      topicListeners += 1;
    }
    // Presence: owning subgraphs can tell that this user watches these topics live
    // (messaging sends no NEW_MESSAGE notification for a conversation being watched).
    const unwatches: Unsubscribe[] = [];
    if (context.caller.kind === 'user') {
      for (const topic of check.topics) unwatches.push(await bus.watch(context.caller.userId, topic));
    }
    subscriptions += 1;
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

    try {
      while (!control.stopped) {
        if (overflow) {
          yield {
            errors: [
              new GraphQLError('The client fell too far behind; subscribe again.', {
                extensions: { code: ErrorCode.RATE_LIMITED },
              }),
            ],
          };
          return;
        }
        const event = queue.shift();
        if (event === undefined) {
          await new Promise<void>((resolve) => (control.wake = resolve));
          control.wake = undefined;
          continue;
        }
        const result = await sharedResult(event, `${eventKey}|${callerKey(context.caller)}`, async () => {
          const answer = await askSubgraph(primary.serviceName, context, {
            query: primary.operation,
            variables: primaryVariables,
            event,
          });
          if (answer.errors?.length && !answer.data) return { errors: formatted(toErrors(answer)) };
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
          return executed.errors ? { ...executed, errors: formatted(executed.errors as GraphQLError[]) } : executed;
        });
        if (result) yield result;
      }
    } finally {
      for (const unsubscribe of unsubscribes) {
        await unsubscribe();
        topicListeners -= 1;
      }
      for (const unwatch of unwatches) await unwatch();
      // Counted as ended once everything it held is released (stats() never shows a half-ended one).
      subscriptions -= 1;
    }
  }

  const wss = new WebSocketServer({ server: options.server, path: '/graphql' });
  const disposable = useServer<Record<string, unknown>, SocketExtra>(
    {
      async onConnect(ctx) {
        const params = ctx.connectionParams ?? {};
        const raw = params.authorization ?? params.Authorization;
        try {
          const authorization = typeof raw === 'string' ? raw : undefined;
          ctx.extra.caller = callerFromAuthorization(options.tokenKey, authorization);
          // A socket lives no longer than its token: at expiry it closes with Forbidden, and the client reconnects with a fresh one.
          const exp = authorization
            ? (jwt.decode(authorization.replace(/^Bearer\s+/i, '')) as { exp?: number } | null)?.exp
            : undefined;
          if (exp !== undefined) {
            const timer = setTimeout(
              () => ctx.extra.socket.close(CloseCode.Forbidden, 'Forbidden: the access token expired'),
              exp * 1000 - Date.now(),
            );
            timer.unref();
            ctx.extra.socket.once('close', () => clearTimeout(timer));
          }
          return true;
        } catch {
          // Same rules as HTTP: a bad or expired token is refused with the protocol's Forbidden close code.
          return false;
        }
      },
      async onSubscribe(ctx, _id, payload) {
        try {
          await options.admit(ctx.extra.caller ?? ANONYMOUS, ctx.extra.request);
        } catch (error) {
          if (error instanceof BankError) return [error];
          throw error;
        }
        let document: DocumentNode;
        try {
          document = parse(payload.query, { maxTokens: options.maxTokens });
        } catch (error) {
          const { message, extensions } = tokenLimitError({
            message: (error as Error).message,
            extensions: { code: 'GRAPHQL_PARSE_FAILED' },
          });
          return [new GraphQLError(message, { extensions })];
        }
        const errors = validate(graphqlApiSchema, document);
        if (errors.length > 0) {
          return errors.map((e) => new GraphQLError(e.message, { extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }));
        }
        try {
          options.limits.check(graphqlApiSchema, document, payload.operationName, payload.variables ?? {});
        } catch (error) {
          if (error instanceof BankError) return [error];
          throw error;
        }
        if (!getOperationAST(document, payload.operationName ?? undefined)) {
          return [new BankError(ErrorCode.BAD_USER_INPUT, 'The document has no operation of that name.')];
        }
        const requestId = requestIdFrom(undefined);
        const caller: Caller = ctx.extra.caller ?? ANONYMOUS;
        const contextValue: RouterContext = { caller, requestId, logger: logger.child({ requestId }) };
        return {
          schema: graphqlApiSchema,
          document,
          variableValues: payload.variables ?? {},
          operationName: payload.operationName ?? null,
          contextValue,
        };
      },
      execute: (args) =>
        options.executeOperation(
          args.document,
          (args.variableValues ?? {}) as Record<string, unknown>,
          args.contextValue as RouterContext,
        ),
      subscribe: (args) => stoppable(args, args.contextValue as RouterContext),
    },
    wss,
  );

  return {
    stats: () => ({ sockets: wss.clients.size, subscriptions, topicListeners }),
    async close() {
      // Ends every subscription (releasing its bus topics), then closes the sockets with 1001 Going Away.
      await Promise.all([...stoppers].map((stop) => stop()));
      // A client that stopped reading never completes the close handshake: cut it after a second
      // instead of waiting ws's 30 s.
      const cut = setTimeout(() => {
        for (const socket of wss.clients) socket.terminate();
      }, 1_000);
      try {
        await disposable.dispose();
      } finally {
        clearTimeout(cut);
      }
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
