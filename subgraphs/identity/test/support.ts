/**
 * Helpers for integration tests of the identity subgraph alone (no router)
 * on a real PostgreSQL: start it on a fresh database, call it as the router
 * would (with a router-signed caller header), and look at its tables.
 */
import jwt from 'jsonwebtoken';
import {
  ANONYMOUS,
  CALLER_HEADER,
  callerKeyFor,
  signCallerHeader,
  type Caller,
  type Role,
} from '../../../platform/caller.ts';
import { callerKeyOf, loadConfig, type Config } from '../../../platform/config.ts';
import { InProcessEventBus } from '../../../platform/event-bus.ts';
import { generateAes256Key } from '../../../platform/keys.ts';
import { createLogger } from '../../../platform/logger.ts';
import { startSubgraph, type RunningSubgraph } from '../../../platform/subgraph.ts';
import { createTestDatabases, type TestDatabases } from '../../../test/support/databases.ts';
import { TEST_ADMIN, testEnv } from '../../../test/support/stack.ts';
import { identity } from '../src/main.ts';

export { ANONYMOUS, TEST_ADMIN };

/** A JSON answer read loosely: tests check its shape with assertions, not with types. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
export type Json = any;

/** One GraphQL error as the subgraph formats it. */
export interface GqlError {
  message: string;
  path?: (string | number)[];
  extensions: Record<string, unknown> & { code?: string };
}

/** The parsed JSON body of a GraphQL answer. */
export interface GqlBody<T = Json> {
  data?: T | null;
  errors?: GqlError[];
}

export interface GqlResponse<T = Json> {
  status: number;
  body: GqlBody<T>;
}

/** A password that satisfies the rule for any of the emails used in tests. */
export const PASSWORD = 'correct horse battery staple';

/** Tables of the identity database. */
export type Table = 'users' | 'refresh_tokens' | 'audit_events' | 'login_throttle';

export interface IdentityHarness {
  config: Config;
  running: RunningSubgraph;
  url: string;
  bus: InProcessEventBus;
  /** POSTs an operation with the caller header signed by the router key (or `headers` to override). */
  post<T = Json>(
    query: string,
    variables?: Record<string, unknown>,
    caller?: Caller,
    headers?: Record<string, string | undefined>,
  ): Promise<GqlResponse<T>>;
  /** Like {@link post} but returns only the parsed body. */
  gql<T = Json>(query: string, variables?: Record<string, unknown>, caller?: Caller): Promise<GqlBody<T>>;
  /** The router-signed caller header for `query`. */
  sign(caller: Caller, query: string, variables?: Record<string, unknown>): string;
  /** Number of rows in `table`. */
  count(table: Table, where?: string, params?: unknown[]): Promise<number>;
  /** Rows counts of the tables a refused mutation must not touch. */
  counts(): Promise<Record<'users' | 'refresh_tokens' | 'audit_events', number>>;
  /** Raw SQL on the identity database. */
  sql<R = Record<string, unknown>>(text: string, params?: unknown[]): Promise<R[]>;
  close(): Promise<void>;
}

/** Starts the identity subgraph on a fresh database, port 0. */
export async function startIdentity(overrides: Record<string, string> = {}): Promise<IdentityHarness> {
  const databases: TestDatabases = await createTestDatabases(['identity']);
  let running: RunningSubgraph;
  const config = loadConfig(
    testEnv(databases.urls, { LOGIN_MAX_FAILURES: '3', LOGIN_LOCK_SECONDS: '60', ...overrides }),
  );
  const bus = new InProcessEventBus();
  try {
    running = await startSubgraph(identity, { config, logger: createLogger(config, 'test'), bus, port: 0 });
  } catch (error) {
    await databases.drop();
    throw error;
  }
  const callerKey = callerKeyOf(config, 'identity') as string;
  const sign = (caller: Caller, query: string, variables?: Record<string, unknown>) =>
    signCallerHeader(callerKey, caller, query, variables);

  const sql = async <R>(text: string, params: unknown[] = []): Promise<R[]> =>
    running.orm.em.getConnection().execute<R[]>(text, params);
  const count = async (table: Table, where?: string, params: unknown[] = []): Promise<number> => {
    const rows = await sql<{ n: number }>(
      `select count(*)::int as n from ${table}${where ? ` where ${where}` : ''}`,
      params,
    );
    return rows[0]!.n;
  };

  async function post<T>(
    query: string,
    variables: Record<string, unknown> = {},
    caller: Caller = ANONYMOUS,
    headers?: Record<string, string | undefined>,
  ): Promise<GqlResponse<T>> {
    const all: Record<string, string> = { 'content-type': 'application/json' };
    const callerHeader = headers && CALLER_HEADER in headers ? headers[CALLER_HEADER] : sign(caller, query, variables);
    if (callerHeader !== undefined) all[CALLER_HEADER] = callerHeader;
    for (const [k, v] of Object.entries(headers ?? {})) if (k !== CALLER_HEADER && v !== undefined) all[k] = v;
    const res = await fetch(running.url, { method: 'POST', headers: all, body: JSON.stringify({ query, variables }) });
    const text = await res.text();
    let body: GqlBody<T>;
    try {
      body = JSON.parse(text) as GqlBody<T>;
    } catch {
      throw new Error(`non-JSON answer (HTTP ${res.status}): ${text}`);
    }
    return { status: res.status, body };
  }

  return {
    config,
    running,
    url: running.url,
    bus,
    post,
    gql: async <T>(query: string, variables?: Record<string, unknown>, caller?: Caller) =>
      (await post<T>(query, variables, caller)).body,
    sign,
    count,
    counts: async () => ({
      users: await count('users'),
      refresh_tokens: await count('refresh_tokens'),
      audit_events: await count('audit_events'),
    }),
    sql,
    async close() {
      try {
        await running.close();
        await bus.close();
      } finally {
        await databases.drop();
      }
    },
  };
}

/** A signed-in caller as the router would vouch for. */
export function user(userId: string, roles: readonly Role[]): Caller {
  return { kind: 'user', userId, roles };
}

/** Decodes (without verifying) a JWT payload. */
export function decodeJwt(token: string): Record<string, Json> {
  const payload = jwt.decode(token);
  if (payload === null || typeof payload === 'string') throw new Error('not a JWT with a JSON payload');
  return payload;
}

/** A caller-header key that is not identity's: another deployment's, for forged caller headers. */
export function foreignCallerKey(): string {
  return callerKeyFor(generateAes256Key(), 'identity');
}

/** The first error of a body, failing clearly when there is none. */
export function firstError(body: GqlBody): GqlError {
  const error = body.errors?.[0];
  if (!error) throw new Error(`expected an error, got ${JSON.stringify(body)}`);
  return error;
}

export const AUTH_FIELDS =
  'accessToken refreshToken expiresAt user { id email name roles businessProfile { businessName registrationNumber industry } bankerProfile { institution title bio } }';

export const REGISTER = `mutation Register($input: RegisterInput!) {
  register(input: $input) { ${AUTH_FIELDS} }
}`;

export const LOGIN = `mutation Login($email: String!, $password: String!) { login(email: $email, password: $password) { ${AUTH_FIELDS} } }`;

export const REFRESH = `mutation Refresh($t: String!) { refreshToken(refreshToken: $t) { ${AUTH_FIELDS} } }`;

export const LOGOUT = `mutation Logout($t: String!) { logout(refreshToken: $t) }`;

export interface Session {
  accessToken: string;
  refreshToken: string;
  expiresAt: string;
  user: {
    id: string;
    email: string | null;
    name: string;
    roles: Role[];
    businessProfile: { businessName: string; registrationNumber: string | null; industry: string | null } | null;
    bankerProfile: { institution: string; title: string | null; bio: string | null } | null;
  };
}

/** Registers a user (CUSTOMER by default) and returns the session; fails the test on error. */
export async function register(
  h: IdentityHarness,
  input: { email: string; role?: Role; name?: string; password?: string } & Record<string, unknown>,
): Promise<Session> {
  const body = await h.gql(REGISTER, {
    input: { password: PASSWORD, name: 'Test User', role: 'CUSTOMER', ...input },
  });
  if (body.errors) throw new Error(`register failed: ${JSON.stringify(body.errors)}`);
  return body.data.register as Session;
}

/** Signs in; fails the test on error. */
export async function login(h: IdentityHarness, email: string, password = PASSWORD): Promise<Session> {
  const body = await h.gql(LOGIN, { email, password });
  if (body.errors) throw new Error(`login failed: ${JSON.stringify(body.errors)}`);
  return body.data.login as Session;
}

/** The bootstrap ADMIN's session and caller. */
export async function adminCaller(h: IdentityHarness): Promise<{ session: Session; caller: Caller }> {
  const session = await login(h, TEST_ADMIN.email, TEST_ADMIN.password);
  return { session, caller: user(session.user.id, session.user.roles) };
}
