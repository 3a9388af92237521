/**
 * The router's own metrics (platform/metrics.ts serves them): operations
 * refused by each limit and by the rate limiter, query-plan cache hits, live
 * graphql-ws connections and subscriptions, subscription events.
 */
import type { ApolloGateway } from '@apollo/gateway';
import type { Counter } from 'prom-client';
import type { Caller } from '../../platform/caller.ts';
import { RateLimitedError } from '../../platform/errors.ts';
import type { EventBus } from '../../platform/event-bus.ts';
import type { ServiceMetrics } from '../../platform/metrics.ts';
import { QueryTooComplexError, type OperationLimitsChecker } from './operation-limits.ts';

/** What refuses an operation before it runs: the `limit` label of `bank_router_operations_refused_total`. */
export const REFUSAL_LIMITS = [
  'depth',
  'aliases',
  'directives',
  'tokens',
  'cost',
  'nesting',
  'body_size',
  'rate_limit',
  'trusted_documents',
] as const;
export type RefusalLimit = (typeof REFUSAL_LIMITS)[number];

/** The query-plan store of @apollo/gateway 2.x: a KeyValueCache (an LRU in memory, by default). */
interface PlanStore {
  get(key: string): Promise<unknown>;
}

/**
 * Counts query-plan cache hits and misses without forking the gateway.
 * @apollo/gateway 2.14 keeps its plans in `queryPlanStore` (an
 * InMemoryLRUCache keyed by the operation's hash and name) and looks each
 * operation up with `queryPlanStore.get(key)` before planning, planning only
 * when it answers nothing: so a `get` that answers a plan is a hit, one that
 * answers nothing a miss. Its `get` is wrapped in place, on the same object
 * (the gateway still clears and fills it itself). Should a later gateway
 * rename the store, nothing is counted and a warning says so.
 */
export function countQueryPlanCache(gateway: ApolloGateway, metrics: ServiceMetrics): void {
  const store = (gateway as unknown as { queryPlanStore?: PlanStore }).queryPlanStore;
  const counter = metrics.get('queryPlanCache');
  const hit = counter.labels('hit');
  const miss = counter.labels('miss');
  if (!store || typeof store.get !== 'function') {
    throw new Error('@apollo/gateway has no queryPlanStore: query-plan cache metrics need updating');
  }
  const get = store.get.bind(store);
  store.get = async (key) => {
    const plan = await get(key);
    (plan === undefined ? miss : hit).inc();
    return plan;
  };
}

/** The router's counters of refusals and events, and its live gauges. */
export function routerRefusals(metrics: ServiceMetrics) {
  const refused = metrics.get('operationsRefused');
  const children = new Map<string, Counter.Internal>(REFUSAL_LIMITS.map((limit) => [limit, refused.labels(limit)]));
  const events = metrics.get('subscriptionEvents');
  const delivered = events.labels('delivered');
  const dropped = events.labels('dropped');
  const count = (limit: RefusalLimit) => children.get(limit)?.inc();

  return {
    count,

    /** `checker`, counting what it refuses by limit (HTTP and graphql-ws alike). */
    limits(checker: OperationLimitsChecker): OperationLimitsChecker {
      return {
        check(schema, document, operationName, variables) {
          try {
            checker.check(schema, document, operationName, variables);
          } catch (error) {
            if (error instanceof QueryTooComplexError) {
              const limit = error.extensions.limit;
              if (typeof limit === 'string' && children.has(limit)) count(limit as RefusalLimit);
            }
            throw error;
          }
        },
      };
    },

    /** `admit`, counting the operations the rate limiter refuses. */
    admit<R>(admit: (caller: Caller, req: R) => Promise<void>): (caller: Caller, req: R) => Promise<void> {
      return async (caller, req) => {
        try {
          await admit(caller, req);
        } catch (error) {
          if (error instanceof RateLimitedError) count('rate_limit');
          throw error;
        }
      };
    },

    event(outcome: 'delivered' | 'dropped'): void {
      (outcome === 'delivered' ? delivered : dropped).inc();
    },

    /**
     * Reads the live gauges when scraped: open graphql-ws sockets, live
     * subscriptions by transport (the executor counts both; multipart knows
     * its own), whether the bus answers.
     */
    live(bus: EventBus, stats: () => { sockets: number; subscriptions: number; multipart: number }): () => void {
      const subscriptions = metrics.get('subscriptionsActive');
      const ws = subscriptions.labels('graphql-ws');
      const multipart = subscriptions.labels('multipart');
      const stops = [
        metrics.collect('wsConnections', () => {
          metrics.get('wsConnections').set(stats().sockets);
        }),
        metrics.collect('subscriptionsActive', () => {
          const now = stats();
          multipart.set(now.multipart);
          ws.set(Math.max(0, now.subscriptions - now.multipart));
        }),
        metrics.collect('eventBusConnected', () => {
          metrics.get('eventBusConnected').set(bus.isConnected() ? 1 : 0);
        }),
      ];
      return () => {
        for (const stop of stops) stop();
      };
    },
  };
}
