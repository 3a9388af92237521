/**
 * The whole supergraph for an end-to-end test: every implemented subgraph
 * and the router, started with the same `startStack` as `npm start`, on free
 * ports, over fresh databases and fresh keys.
 */
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print, type GraphQLError } from 'graphql';
import { ClientError, GraphQLClient } from 'graphql-request';
import { startStack, type RunningStack } from '../../bin/stack.ts';
import { IMPLEMENTED_SUBGRAPHS } from '../../bin/subgraphs.ts';
import { callerKeyOf, loadConfig, type Config } from '../../platform/config.ts';
import { CALLER_HEADER, signCallerHeader, type Caller } from '../../platform/caller.ts';
import type { SubgraphName } from '../../platform/config.ts';
import type { EventBus } from '../../platform/event-bus.ts';
import { keyEnvironment } from '../../platform/keys.ts';
import { createLogger } from '../../platform/logger.ts';
import { createTestDatabases } from './databases.ts';

export const TEST_ADMIN = { email: 'admin@test.bank', password: 'test-superuser-password-1' };

/** Environment of a test configuration: fresh keys, quiet logs, the cheapest argon2 the rules allow, a rate limit out of the way. */
export function testEnv(
  databaseUrls: Record<string, string>,
  overrides: Record<string, string> = {},
): Record<string, string> {
  return {
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    HOST: '127.0.0.1',
    ...keyEnvironment(),
    ADMIN_EMAIL: TEST_ADMIN.email,
    ADMIN_PASSWORD: TEST_ADMIN.password,
    DATABASE_POOL_MAX: '5',
    // Tests and benchmarks send many operations as one user or from one address: the limiter
    // runs, but far above them (test/router-rate-limit.test.ts tests the limit itself).
    RATE_LIMIT_REQUESTS: '1000000',
    // Staff here are made by the tests; test/identity-mfa.test.ts turns the enrolment rule on and tests it.
    STAFF_MFA_REQUIRED: 'false',
    // Suites move money between made-up customers without second factors; test/payments-step-up.test.ts
    // tests step-up (on by default, and always in production, which refuses it off).
    ...(overrides.NODE_ENV === 'production' ? {} : { PAYMENT_STEP_UP: 'off' }),
    ...Object.fromEntries(Object.entries(databaseUrls).map(([n, url]) => [`${n.toUpperCase()}_DATABASE_URL`, url])),
    ...overrides,
  };
}

export interface GraphQLResult<T> {
  data?: T | null;
  errors?: readonly (Pick<GraphQLError, 'message' | 'path'> & { extensions: Record<string, unknown> })[];
}

export interface TestStack {
  config: Config;
  stack: RunningStack;
  routerUrl: string;
  /** Runs an operation through the router, optionally as the holder of `token`. */
  request<T, V extends Record<string, unknown>>(
    document: TypedDocumentNode<T, V>,
    variables: V,
    token?: string,
  ): Promise<GraphQLResult<T>>;
  close(): Promise<void>;
}

export interface TestStackOptions {
  /**
   * The stack's event bus (for example a RedisEventBus with a key prefix of
   * the test's own); the stack closes it. Default: the configured one.
   */
  bus?: EventBus;
  /** Seeds the demo data, as `npm start` does (test/demo-data.test.ts). */
  seedDemoData?: boolean;
}

export async function startTestStack(
  overrides: Record<string, string> = {},
  options: TestStackOptions = {},
): Promise<TestStack> {
  const databases = await createTestDatabases(IMPLEMENTED_SUBGRAPHS);
  const config = loadConfig(testEnv(databases.urls, overrides));
  const logger = createLogger(config, 'test');
  let stack: RunningStack;
  try {
    stack = await startStack({
      config,
      logger,
      randomPorts: true,
      seedDemoData: options.seedDemoData ?? false,
      ...(options.bus ? { bus: options.bus } : {}),
    });
  } catch (error) {
    await databases.drop();
    throw error;
  }
  return {
    config,
    stack,
    routerUrl: stack.routerUrl,
    async request<T, V extends Record<string, unknown>>(
      document: TypedDocumentNode<T, V>,
      variables: V,
      token?: string,
    ) {
      const client = new GraphQLClient(stack.routerUrl, {
        errorPolicy: 'all',
        headers: token ? { authorization: `Bearer ${token}` } : {},
      });
      try {
        const response = await client.rawRequest<T, V>(print(document), variables);
        return { data: response.data, errors: response.errors as GraphQLResult<T>['errors'] };
      } catch (error) {
        // Non-2xx answers (a refused token is a 401) still carry a GraphQL body.
        if (error instanceof ClientError) {
          return { data: error.response.data as T | null, errors: error.response.errors as GraphQLResult<T>['errors'] };
        }
        throw error;
      }
    },
    async close() {
      await stack.close();
      await databases.drop();
    },
  };
}

/** A GraphQL response as JSON, for operations written inline (not in test/operations). */
export interface JsonResponse {
  data?: Record<string, unknown> | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: { code?: string } & Record<string, unknown> }[];
}

/** POSTs an inline operation to a router URL, optionally as the holder of `token`. */
export async function postGraphQL(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  token?: string,
): Promise<JsonResponse> {
  const { status: _status, ...body } = await postGraphQLWithStatus(url, query, variables, token);
  return body;
}

/** {@link postGraphQL} with the HTTP status, and extra request headers (a `user-agent`, say). */
export async function postGraphQLWithStatus(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  token?: string,
  headers: Record<string, string> = {},
): Promise<JsonResponse & { status: number }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...headers,
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, ...((await response.json()) as JsonResponse) };
}

/**
 * Calls one subgraph of a test stack directly, as the router would for
 * `caller` (a router-signed caller header): to test paths a client cannot
 * shape through the router, such as `_entities` representations.
 */
export async function callSubgraph(
  bank: TestStack,
  subgraph: SubgraphName,
  caller: Caller,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<JsonResponse> {
  return (await callSubgraphWithHeaders(bank, subgraph, caller, query, variables)).body;
}

/** {@link callSubgraph} with the answer's HTTP headers (its `cache-control`, say). */
export async function callSubgraphWithHeaders(
  bank: TestStack,
  subgraph: SubgraphName,
  caller: Caller,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<{ headers: Headers; body: JsonResponse }> {
  const running = bank.stack.subgraphs[subgraph];
  if (!running) throw new Error(`${subgraph} is not running`);
  const response = await fetch(running.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      [CALLER_HEADER]: signCallerHeader(callerKeyOf(bank.config, subgraph) as string, caller, query, variables),
    },
    body: JSON.stringify({ query, variables }),
  });
  return { headers: response.headers, body: (await response.json()) as JsonResponse };
}
