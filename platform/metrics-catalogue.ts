/**
 * Every metric the bank's services export, in one list: names, help, labels
 * and which services carry them. Services create their metrics from here
 * (platform/metrics.ts); the dashboards and alert rules (deploy/observability)
 * may name only these and prom-client's default process metrics, which a
 * test checks. Names follow Prometheus conventions: `_total` counters,
 * `_seconds` and base units, and bounded labels only (never a user id, an
 * account number or anything a client chooses freely).
 */

/** Which services carry a metric. */
export type MetricScope = 'all' | 'router' | 'subgraphs' | 'banking' | 'billing' | 'lending' | 'identity';

export interface MetricDefinition {
  name: string;
  type: 'counter' | 'gauge' | 'histogram';
  help: string;
  labels: readonly string[];
  scope: MetricScope;
  /** Histogram buckets, in the metric's unit. */
  buckets?: readonly number[];
}

/** Latency buckets in seconds: 1 ms to 10 s. */
export const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

const define = <T extends Record<string, MetricDefinition>>(metrics: T): T => metrics;

export const METRICS = define({
  // Every service: the GraphQL operations it serves (the router: clients' operations; a subgraph: the router's fetches).
  graphqlOperations: {
    name: 'bank_graphql_operations_total',
    type: 'counter',
    help: 'GraphQL operations served, by type, name (bounded: unnamed is "anonymous", an invalid name or one over the cap "other") and outcome ("ok" or the first error code).',
    labels: ['operation_type', 'operation_name', 'outcome'],
    scope: 'all',
  },
  graphqlOperationDuration: {
    name: 'bank_graphql_operation_duration_seconds',
    type: 'histogram',
    help: 'Time to serve a GraphQL operation, from request to response.',
    labels: ['operation_type', 'operation_name'],
    scope: 'all',
    buckets: LATENCY_BUCKETS,
  },
  eventBusConnected: {
    name: 'bank_event_bus_connected',
    type: 'gauge',
    help: 'Whether the event bus (Redis when REDIS_URL is set) answers: 1 or 0.',
    labels: [],
    scope: 'all',
  },

  // Router.
  subgraphFetchDuration: {
    name: 'bank_router_subgraph_fetch_duration_seconds',
    type: 'histogram',
    help: 'Time of one fetch from the router to a subgraph.',
    labels: ['subgraph'],
    scope: 'router',
    buckets: LATENCY_BUCKETS,
  },
  subgraphFetchErrors: {
    name: 'bank_router_subgraph_fetch_errors_total',
    type: 'counter',
    help: 'Subgraph fetches that failed: "network" (no answer), "http" (a non-2xx status) or "graphql" (errors in the answer).',
    labels: ['subgraph', 'reason'],
    scope: 'router',
  },
  entityCache: {
    name: 'bank_router_entity_cache_fetches_total',
    type: 'counter',
    help: 'Entity fetches the router answered from its entity cache ("hit"), and those whose public answer it kept ("stored"), by subgraph.',
    labels: ['subgraph', 'result'],
    scope: 'router',
  },
  queryPlanCache: {
    name: 'bank_router_query_plan_cache_requests_total',
    type: 'counter',
    help: 'Query-plan lookups, by result: "hit" or "miss".',
    labels: ['result'],
    scope: 'router',
  },
  operationsRefused: {
    name: 'bank_router_operations_refused_total',
    type: 'counter',
    help: 'Operations refused before execution, by the limit that refused them (depth, aliases, directives, tokens, cost, nesting, body_size, rate_limit, trusted_documents).',
    labels: ['limit'],
    scope: 'router',
  },
  wsConnections: {
    name: 'bank_router_graphql_ws_connections',
    type: 'gauge',
    help: 'Open graphql-ws connections.',
    labels: [],
    scope: 'router',
  },
  subscriptionsActive: {
    name: 'bank_router_subscriptions_active',
    type: 'gauge',
    help: 'Live subscriptions, by transport ("graphql-ws" or "multipart").',
    labels: ['transport'],
    scope: 'router',
  },
  subscriptionEvents: {
    name: 'bank_router_subscription_events_total',
    type: 'counter',
    help: 'Subscription events, by outcome: "delivered" to a client or "dropped" (not resolved, or the client was gone).',
    labels: ['outcome'],
    scope: 'router',
  },

  // Subgraphs.
  rootFieldDuration: {
    name: 'bank_graphql_root_field_duration_seconds',
    type: 'histogram',
    help: 'Time to resolve a root field (Query, Mutation, _entities) in a subgraph.',
    labels: ['parent_type', 'field'],
    scope: 'subgraphs',
    buckets: LATENCY_BUCKETS,
  },
  dbPoolConnections: {
    name: 'bank_db_pool_connections',
    type: 'gauge',
    help: 'Database connections of this instance, by state: "in_use", "idle", or "waiting" (requests waiting for one).',
    labels: ['state'],
    scope: 'subgraphs',
  },
  dbPoolMax: {
    name: 'bank_db_pool_max_connections',
    type: 'gauge',
    help: 'Largest number of database connections this instance may open (DATABASE_POOL_MAX).',
    labels: [],
    scope: 'subgraphs',
  },
  dbLockWait: {
    name: 'bank_db_lock_wait_seconds',
    type: 'histogram',
    help: 'Time spent waiting for row locks taken with SELECT ... FOR UPDATE, by lock (for example "accounts").',
    labels: ['lock'],
    scope: 'subgraphs',
    buckets: LATENCY_BUCKETS,
  },
  dbTransactionFailures: {
    name: 'bank_db_transaction_failures_total',
    type: 'counter',
    help: 'Database transactions rolled back by PostgreSQL, by reason: "deadlock", "serialization", "lock_timeout" or "other".',
    labels: ['reason'],
    scope: 'subgraphs',
  },
  outboxBacklog: {
    name: 'bank_outbox_backlog_events',
    type: 'gauge',
    help: 'Domain events written to the outbox and not yet relayed to the bus.',
    labels: [],
    scope: 'subgraphs',
  },
  outboxOldestAge: {
    name: 'bank_outbox_oldest_event_age_seconds',
    type: 'gauge',
    help: 'Age of the oldest event not yet relayed (0 when none): the relay lag.',
    labels: [],
    scope: 'subgraphs',
  },
  outboxRelayed: {
    name: 'bank_outbox_events_relayed_total',
    type: 'counter',
    help: 'Domain events relayed from the outbox to the bus.',
    labels: [],
    scope: 'subgraphs',
  },
  consumerLag: {
    name: 'bank_event_consumer_lag_events',
    type: 'gauge',
    help: 'Events on the durable stream not yet handled by a consumer group.',
    labels: ['group'],
    scope: 'subgraphs',
  },
  consumerFailures: {
    name: 'bank_event_consumer_failures_total',
    type: 'counter',
    help: 'Event handler runs that failed (the event is delivered again), by consumer group.',
    labels: ['group'],
    scope: 'subgraphs',
  },
  sagas: {
    name: 'bank_sagas',
    type: 'gauge',
    help: 'Sagas (bill payments, loan payouts and repayments with their banking holds) by state: "pending" (in flight), "completed", "failed".',
    labels: ['saga', 'state'],
    scope: 'subgraphs',
  },
  sagaRecoveries: {
    name: 'bank_saga_recoveries_total',
    type: 'counter',
    help: 'Sagas picked up by a recovery job after being left in flight, by outcome: "completed", "failed" or "retry".',
    labels: ['saga', 'outcome'],
    scope: 'subgraphs',
  },
  jobRuns: {
    name: 'bank_job_runs_total',
    type: 'counter',
    help: 'Runs of a background job, by job and outcome ("ok" or "failed").',
    labels: ['job', 'outcome'],
    scope: 'subgraphs',
  },
  jobDuration: {
    name: 'bank_job_duration_seconds',
    type: 'histogram',
    help: 'Time of one run of a background job.',
    labels: ['job'],
    scope: 'subgraphs',
    buckets: LATENCY_BUCKETS,
  },

  // What a risk team watches.
  ledgerTransactions: {
    name: 'bank_ledger_transactions_total',
    type: 'counter',
    help: 'Ledger transactions posted, by kind (transfer, bill_payment, loan_payout, repayment, ...) and currency.',
    labels: ['kind', 'currency'],
    scope: 'banking',
  },
  ledgerPostedAmount: {
    name: 'bank_ledger_posted_minor_units_total',
    type: 'counter',
    help: 'Money posted by ledger transactions, in minor units of the currency (cents), by kind and currency.',
    labels: ['kind', 'currency'],
    scope: 'banking',
  },
  paymentRefusals: {
    name: 'bank_payment_refusals_total',
    type: 'counter',
    help: 'Payments refused, by error code (INSUFFICIENT_FUNDS, ACCOUNT_NOT_ACTIVE, CURRENCY_MISMATCH, IDEMPOTENCY_KEY_REUSED, IDEMPOTENCY_IN_PROGRESS, STEP_UP_REQUIRED, ...).',
    labels: ['code'],
    scope: 'subgraphs',
  },
  signInFailures: {
    name: 'bank_sign_in_failures_total',
    type: 'counter',
    help: 'Sign-ins refused, by reason ("password", "locked", "second_factor").',
    labels: ['reason'],
    scope: 'identity',
  },
  signInLocks: {
    name: 'bank_sign_in_locks_total',
    type: 'counter',
    help: 'Sign-in locks set after too many failures.',
    labels: [],
    scope: 'identity',
  },
  stepUps: {
    name: 'bank_step_ups_total',
    type: 'counter',
    help: 'Step-up (second factor for a payment) events, by outcome: "required", "confirmed", "refused".',
    labels: ['outcome'],
    scope: 'all',
  },
});

export type MetricKey = keyof typeof METRICS;
