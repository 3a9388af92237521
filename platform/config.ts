/**
 * The one place that reads the environment.
 *
 * Every service (router, subgraphs, the embedded all-in-one start) gets its
 * settings from {@link loadConfig}, which parses the environment with zod,
 * reports every problem at once and returns one typed, frozen object. Nothing
 * else in the code base reads `process.env`.
 */
import { z } from 'zod';
import { oidcEnvSchema, parseOidcProviders, type OidcConfig } from './oidc-config.ts';
import { callerKeyFor } from './caller.ts';

/** The subgraphs of the supergraph, in port order. */
export const SUBGRAPH_NAMES = ['identity', 'banking', 'billing', 'lending', 'messaging', 'assistant'] as const;
export type SubgraphName = (typeof SUBGRAPH_NAMES)[number];

/** Default ports, as fixed in docs/architecture.md. */
export const DEFAULT_PORTS: Readonly<Record<'router' | SubgraphName, number>> = {
  router: 4000,
  identity: 4001,
  banking: 4002,
  billing: 4003,
  lending: 4004,
  messaging: 4005,
  assistant: 4006,
};

/**
 * The router's metrics port in production when METRICS_PORT is not set: its
 * public port never serves /metrics there. 9464 is the port the Prometheus
 * exporters of OpenTelemetry use.
 */
export const DEFAULT_ROUTER_METRICS_PORT = 9464;

/**
 * Development administrator used by the embedded default when `ADMIN_EMAIL`
 * and `ADMIN_PASSWORD` are not set. Documented in the README; production
 * refuses to start without real values.
 */
export const DEVELOPMENT_ADMIN = { email: 'admin@bank.local', password: 'bank-dev-superuser-2026' };

/** An integer variable; unset or blank (`PORT=` in an env file) means `fallback`. */
const integer = (min: number, max: number, fallback: number) =>
  z.preprocess(
    (value) => (value === undefined || (typeof value === 'string' && value.trim() === '') ? fallback : value),
    z.coerce.number().int().min(min).max(max),
  );
const port = (fallback: number) => integer(0, 65535, fallback);
const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v));
function hasScheme(value: string, schemes: readonly string[]): boolean {
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  return schemes.includes(url.protocol.replace(/:$/, '')) && url.hostname !== '';
}
const urlWithScheme = (schemes: readonly string[]) =>
  optionalString.pipe(
    z
      .string()
      .refine((u) => hasScheme(u, schemes), {
        message: `must be a URL starting with ${schemes.map((s) => `${s}://`).join(' or ')}`,
      })
      .optional(),
  );
const httpUrl = urlWithScheme(['http', 'https']);
const postgresUrl = urlWithScheme(['postgres', 'postgresql']);
const redisUrl = urlWithScheme(['redis', 'rediss']);
/** A 256-bit symmetric key, base64-encoded (`openssl rand -base64 32`). */
const aes256Key = optionalString.pipe(
  z
    .string()
    .refine((v) => /^[A-Za-z0-9+/]{43}=$/.test(v) && Buffer.from(v, 'base64').length === 32, {
      message: 'must be 32 random bytes, base64-encoded (openssl rand -base64 32)',
    })
    .optional(),
);
/** PEM values may arrive with literal `\n` (one-line env files): restore the newlines. */
const optionalPem = optionalString.transform((v) => v?.replace(/\\n/g, '\n'));

const upper = (name: SubgraphName) => name.toUpperCase();
/** The variable of a subgraph's own caller-header key (see {@link callerKeyOf}): `BANKING_CALLER_KEY`. */
export const callerKeyVariable = (name: SubgraphName) => `${upper(name)}_CALLER_KEY`;

/**
 * Browser origins allowed to call the router (`CORS_ORIGINS`): `*`, or a
 * comma-separated list of origins (`https://app.example.com,http://localhost:3000`),
 * each a scheme, host and optional port with nothing after.
 */
const corsOrigins = optionalString.pipe(
  z
    .string()
    .transform((v) =>
      v
        .split(',')
        .map((o) => o.trim())
        .filter(Boolean),
    )
    .refine((origins) => (origins.length === 1 && origins[0] === '*') || origins.every(isOrigin), {
      message: 'must be * or a comma-separated list of origins such as https://app.example.com',
    })
    .optional(),
);

function corsOriginsOf(configured: string[] | undefined, production: boolean): Config['router']['corsOrigins'] {
  if (configured === undefined) return production ? [] : 'local';
  return configured[0] === '*' ? '*' : configured;
}

function isOrigin(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === value;
  } catch {
    return false;
  }
}

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  HOST: z.string().min(1).default('127.0.0.1'),
  ROUTER_PORT: port(DEFAULT_PORTS.router),
  // Where a service serves /metrics instead of its own port (platform/metrics.ts); unset: its own port, except the
  // router in production (DEFAULT_ROUTER_METRICS_PORT).
  METRICS_PORT: z.preprocess(
    (value) => (typeof value === 'string' && value.trim() === '' ? undefined : value),
    z.coerce.number().int().min(0).max(65535).optional(),
  ),
  QUERY_MAX_TOKENS: integer(100, 1_000_000, 5_000),
  QUERY_MAX_DEPTH: integer(2, 100, 12),
  QUERY_MAX_ALIASES: integer(0, 1_000, 100),
  QUERY_MAX_DIRECTIVES: integer(0, 1_000, 50),
  QUERY_MAX_COST: integer(10, 100_000_000, 50_000),
  RATE_LIMIT_REQUESTS: integer(0, 10_000_000, 600),
  RATE_LIMIT_WINDOW_SECONDS: integer(1, 3_600, 60),
  TRUSTED_PROXY_HOPS: integer(0, 10, 0),
  CORS_ORIGINS: corsOrigins,
  // Automatic persisted queries (router/src/router.ts): how long an entry is kept, in Redis or in memory.
  APQ_TTL_SECONDS: integer(60, 2_592_000, 86_400),
  // Trusted documents (router/src/trusted-documents.ts): the manifest's path; unset, the mode is off.
  TRUSTED_DOCUMENTS: optionalString,
  ...Object.fromEntries(SUBGRAPH_NAMES.map((n) => [`${upper(n)}_PORT`, port(DEFAULT_PORTS[n])])),
  ...Object.fromEntries(SUBGRAPH_NAMES.map((n) => [`${upper(n)}_URL`, httpUrl])),
  DATABASE_URL: postgresUrl,
  ...Object.fromEntries(SUBGRAPH_NAMES.map((n) => [`${upper(n)}_DATABASE_URL`, postgresUrl])),
  // At least 2: migrations hold an advisory lock on one connection while running on another.
  DATABASE_POOL_MAX: integer(2, 500, 10),
  REDIS_URL: redisUrl,
  DATA_DIR: z.string().min(1).default('.data'),
  EMBEDDED_POSTGRES_PORT: port(5433),
  JWT_PRIVATE_KEY: optionalPem,
  JWT_PUBLIC_KEY: optionalPem,
  ROUTER_CALLER_SECRET: aes256Key,
  ...Object.fromEntries(SUBGRAPH_NAMES.map((n) => [callerKeyVariable(n), aes256Key])),
  SERVICE_SIGNING_PRIVATE_KEY: optionalPem,
  SERVICE_SIGNING_PUBLIC_KEY: optionalPem,
  DOCUMENT_ENCRYPTION_KEY: aes256Key,
  FACTOR_ENCRYPTION_KEY: aes256Key,
  ACCESS_TOKEN_TTL_SECONDS: integer(60, 3600, 900),
  REFRESH_TOKEN_TTL_DAYS: integer(1, 365, 30),
  ADMIN_EMAIL: optionalString.pipe(z.email().optional()),
  ADMIN_PASSWORD: optionalString,
  LOGIN_MAX_FAILURES: integer(1, 100, 5),
  LOGIN_LOCK_SECONDS: integer(1, 86_400, 900),
  // OWASP minimum for argon2id: 19 MiB, 2 passes.
  ARGON2_MEMORY_KIB: integer(19_456, 4_194_304, 19_456),
  ARGON2_ITERATIONS: integer(2, 100, 2),
  // Staff (ADMIN, RISK_OFFICER) must enrol a second factor before anything else; default: on outside development.
  STAFF_MFA_REQUIRED: z.enum(['true', 'false']).optional(),
  MFA_CHALLENGE_TTL_SECONDS: integer(30, 3_600, 300),
  WEBAUTHN_RP_ID: z.string().trim().min(1).default('localhost'),
  WEBAUTHN_RP_NAME: z.string().trim().min(1).default('Bank'),
  WEBAUTHN_ORIGINS: optionalString,
  // Step-up for payments (platform/step-up.ts).
  PAYMENT_STEP_UP: z.enum(['on', 'off']).default('on'),
  STEP_UP_THRESHOLD: z
    .string()
    .trim()
    .regex(/^\d{1,13}(\.\d{1,4})?$/, 'must be a non-negative decimal amount such as 1000.00')
    .default('1000.00'),
  STEP_UP_NEW_PAYEE: z.enum(['true', 'false']).default('true'),
  STEP_UP_AFTER_SECURITY_CHANGE_HOURS: integer(0, 720, 24),
  STEP_UP_PROOF_TTL_SECONDS: integer(30, 3_600, 300),
  // Passkeys must verify their user (PIN, biometrics); off by default: a passkey is the second factor after a password.
  WEBAUTHN_REQUIRE_USER_VERIFICATION: z.enum(['true', 'false']).default('false'),
  // Sign-in with an identity provider (platform/oidc-config.ts).
  ...oidcEnvSchema,
  OIDC_SIGN_IN_TTL_SECONDS: integer(60, 3600, 600),
  // The assistant (subgraphs/assistant): where it reaches the router as the customer, and how long a proposed payment waits.
  ROUTER_URL: httpUrl,
  ASSISTANT_ACTION_TTL_SECONDS: integer(30, 3_600, 300),
  // Traces (platform/tracing.ts): OTLP/HTTP export when an endpoint is set, none otherwise.
  OTEL_EXPORTER_OTLP_ENDPOINT: httpUrl,
  OTEL_SERVICE_NAME: optionalString,
});

type ParsedEnv = z.infer<typeof envSchema>;

/** Keys as PEM strings (symmetric ones in base64). Absent keys are generated in development (see `keys.ts`). */
export interface KeyConfig {
  /** identity signs access tokens with it (ES256). */
  jwtPrivateKey: string | undefined;
  /** the router verifies access tokens with it. */
  jwtPublicKey: string | undefined;
  /**
   * the router's secret (base64 of 32 bytes), from which it derives each subgraph's caller-header key
   * (platform/caller.ts's `callerKeyFor`); the router alone holds it, each subgraph its own key (`callerKeyOf`).
   */
  routerCallerSecret: string | undefined;
  /** internal services (billing, lending, identity) sign their calls to other subgraphs with it (ES256). */
  serviceSigningPrivateKey: string | undefined;
  /** subgraphs that accept service calls (all but identity) verify them with it. */
  serviceSigningPublicKey: string | undefined;
  /** lending encrypts loan documents at rest with it (AES-256-GCM; base64 of 32 bytes). */
  documentEncryptionKey: string | undefined;
  /** identity encrypts TOTP secrets at rest with it (AES-256-GCM; base64 of 32 bytes). */
  factorEncryptionKey: string | undefined;
}

/** The validated configuration shared by every service. */
export interface Config {
  env: 'development' | 'test' | 'production';
  isProduction: boolean;
  logLevel: ParsedEnv['LOG_LEVEL'];
  host: string;
  router: {
    port: number;
    subgraphUrls: Record<SubgraphName, string>;
    /** Limits on operations (router/src/operation-limits.ts). */
    limits: { maxTokens: number; maxDepth: number; maxAliases: number; maxDirectives: number; maxCost: number };
    /** Operations per caller and window (router/src/rate-limit.ts); 0 turns it off. */
    rateLimit: { points: number; windowSeconds: number; trustedProxies: number };
    /**
     * Browser origins allowed to call the router (router/src/cors.ts): a list,
     * `*` for any, or `local` (any port of localhost, 127.0.0.1 and [::1]: the
     * default outside production; production allows none unless configured).
     */
    corsOrigins: readonly string[] | '*' | 'local';
    /**
     * Persisted queries: automatic ones (APQ) are kept `apqTtlSeconds` (in Redis with REDIS_URL, else in memory);
     * `trustedDocuments` is the path of the manifest of the only operations the router runs (unset: any operation).
     */
    persistedQueries: { apqTtlSeconds: number; trustedDocuments: string | undefined };
  };
  /** `callerKey`: <NAME>_CALLER_KEY, the subgraph's own caller-header key (see {@link callerKeyOf}). */
  subgraphs: Record<SubgraphName, { port: number; databaseUrl: string | undefined; callerKey: string | undefined }>;
  /**
   * METRICS_PORT: the port on which the service serves /metrics alone (not on its own port); undefined serves
   * it on the service's own port, but see {@link metricsPortOf}.
   */
  metricsPort: number | undefined;
  databasePoolMax: number;
  redisUrl: string | undefined;
  dataDir: string;
  embeddedPostgresPort: number;
  keys: KeyConfig;
  auth: {
    accessTokenTtlSeconds: number;
    refreshTokenTtlDays: number;
    loginMaxFailures: number;
    loginLockSeconds: number;
    argon2: { memoryCost: number; timeCost: number; parallelism: number };
    /** ADMIN and RISK_OFFICER sessions can do nothing but enrol until a second factor is on. */
    staffMfaRequired: boolean;
    /** How long a sign-in waits for its second factor. */
    mfaChallengeTtlSeconds: number;
    /** WebAuthn relying party: its id (a registrable domain), display name and the origins allowed to answer. */
    webauthn: { rpId: string; rpName: string; origins: readonly string[]; requireUserVerification: boolean };
  };
  /** Step-up for payments (platform/step-up.ts). */
  stepUp: {
    enabled: boolean;
    /** Payments above this amount (in the payment's currency) need a second factor. */
    threshold: string;
    /** Payments to a payee the payer never paid need a second factor. */
    newPayee: boolean;
    /** Payments within this many hours of a password, role or factor change need a second factor (0: never). */
    afterSecurityChangeHours: number;
    /** How long a confirmation is good for. */
    proofTtlSeconds: number;
  };
  /** The first administrator; undefined means the development default applies. */
  admin: { email: string; password: string } | undefined;
  /** Sign-in with an identity provider; no providers means the feature is off. */
  oidc: OidcConfig;
  /** The assistant subgraph. */
  assistant: {
    /**
     * The router's GraphQL URL, which the assistant calls with the customer's own access token (the only way it reads
     * or moves anything). Mutable so that a stack on random ports can set it once the router listens.
     */
    routerUrl: string;
    /** How long a payment the assistant proposed can be confirmed. */
    actionTtlSeconds: number;
  };
  /** Traces (platform/tracing.ts); no endpoint means no tracing at all. */
  tracing: {
    /** OTLP/HTTP base URL; spans go to `<endpoint>/v1/traces`. */
    endpoint: string | undefined;
    /** The `service.name` of this process's spans; default: the process's role (see bin/). */
    serviceName: string | undefined;
  };
}

/** Thrown when the environment is invalid; lists every problem. */
export class ConfigError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** Builds a database URL for `name` on the server of `serverUrl`. */
function databaseOn(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * Parses and validates the environment.
 *
 * @param env the variables to read; defaults to the process environment and
 *   is the only read of it in the code base.
 * @throws ConfigError listing every invalid or missing variable.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = envSchema.safeParse(env);
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const e = parsed.data as ParsedEnv & Record<string, unknown>;
  const oidc = parseOidcProviders(e.OIDC_PROVIDERS, env, e.NODE_ENV === 'production');
  if (oidc.problems.length > 0) throw new ConfigError(oidc.problems);
  const value = <T>(key: string): T => e[key] as T;
  const subgraphs = Object.fromEntries(
    SUBGRAPH_NAMES.map((n) => {
      const own = value<string | undefined>(`${upper(n)}_DATABASE_URL`);
      const databaseUrl = own ?? (e.DATABASE_URL ? databaseOn(e.DATABASE_URL, n) : undefined);
      return [
        n,
        {
          port: value<number>(`${upper(n)}_PORT`),
          databaseUrl,
          callerKey: value<string | undefined>(callerKeyVariable(n)),
        },
      ];
    }),
  ) as Config['subgraphs'];
  const subgraphUrls = Object.fromEntries(
    SUBGRAPH_NAMES.map((n) => [
      n,
      value<string | undefined>(`${upper(n)}_URL`) ?? `http://localhost:${subgraphs[n].port}/graphql`,
    ]),
  ) as Record<SubgraphName, string>;

  return Object.freeze({
    env: e.NODE_ENV,
    isProduction: e.NODE_ENV === 'production',
    logLevel: e.LOG_LEVEL,
    host: e.HOST,
    router: {
      port: e.ROUTER_PORT,
      subgraphUrls,
      limits: {
        maxTokens: e.QUERY_MAX_TOKENS,
        maxDepth: e.QUERY_MAX_DEPTH,
        maxAliases: e.QUERY_MAX_ALIASES,
        maxDirectives: e.QUERY_MAX_DIRECTIVES,
        maxCost: e.QUERY_MAX_COST,
      },
      rateLimit: {
        points: e.RATE_LIMIT_REQUESTS,
        windowSeconds: e.RATE_LIMIT_WINDOW_SECONDS,
        trustedProxies: e.TRUSTED_PROXY_HOPS,
      },
      corsOrigins: corsOriginsOf(e.CORS_ORIGINS, e.NODE_ENV === 'production'),
      persistedQueries: { apqTtlSeconds: e.APQ_TTL_SECONDS, trustedDocuments: e.TRUSTED_DOCUMENTS },
    },
    subgraphs,
    metricsPort: e.METRICS_PORT,
    databasePoolMax: e.DATABASE_POOL_MAX,
    redisUrl: e.REDIS_URL,
    dataDir: e.DATA_DIR,
    embeddedPostgresPort: e.EMBEDDED_POSTGRES_PORT,
    keys: {
      jwtPrivateKey: e.JWT_PRIVATE_KEY,
      jwtPublicKey: e.JWT_PUBLIC_KEY,
      routerCallerSecret: e.ROUTER_CALLER_SECRET,
      serviceSigningPrivateKey: e.SERVICE_SIGNING_PRIVATE_KEY,
      serviceSigningPublicKey: e.SERVICE_SIGNING_PUBLIC_KEY,
      documentEncryptionKey: e.DOCUMENT_ENCRYPTION_KEY,
      factorEncryptionKey: e.FACTOR_ENCRYPTION_KEY,
    },
    auth: {
      accessTokenTtlSeconds: e.ACCESS_TOKEN_TTL_SECONDS,
      refreshTokenTtlDays: e.REFRESH_TOKEN_TTL_DAYS,
      loginMaxFailures: e.LOGIN_MAX_FAILURES,
      loginLockSeconds: e.LOGIN_LOCK_SECONDS,
      argon2: { memoryCost: e.ARGON2_MEMORY_KIB, timeCost: e.ARGON2_ITERATIONS, parallelism: 1 },
      staffMfaRequired:
        e.STAFF_MFA_REQUIRED === undefined ? e.NODE_ENV !== 'development' : e.STAFF_MFA_REQUIRED === 'true',
      mfaChallengeTtlSeconds: e.MFA_CHALLENGE_TTL_SECONDS,
      webauthn: {
        rpId: e.WEBAUTHN_RP_ID,
        rpName: e.WEBAUTHN_RP_NAME,
        origins: (e.WEBAUTHN_ORIGINS ?? `http://${e.WEBAUTHN_RP_ID}:${e.ROUTER_PORT}`)
          .split(',')
          .map((o) => o.trim())
          .filter(Boolean),
        requireUserVerification: e.WEBAUTHN_REQUIRE_USER_VERIFICATION === 'true',
      },
    },
    stepUp: {
      enabled: e.PAYMENT_STEP_UP === 'on',
      threshold: e.STEP_UP_THRESHOLD,
      newPayee: e.STEP_UP_NEW_PAYEE === 'true',
      afterSecurityChangeHours: e.STEP_UP_AFTER_SECURITY_CHANGE_HOURS,
      proofTtlSeconds: e.STEP_UP_PROOF_TTL_SECONDS,
    },
    admin:
      e.ADMIN_EMAIL !== undefined && e.ADMIN_PASSWORD !== undefined
        ? { email: e.ADMIN_EMAIL, password: e.ADMIN_PASSWORD }
        : undefined,
    oidc: {
      providers: oidc.providers,
      createUsers: e.OIDC_CREATE_USERS,
      signInTtlSeconds: e.OIDC_SIGN_IN_TTL_SECONDS,
    },
    assistant: {
      routerUrl: e.ROUTER_URL ?? `http://localhost:${e.ROUTER_PORT}/graphql`,
      actionTtlSeconds: e.ASSISTANT_ACTION_TTL_SECONDS,
    },
    tracing: { endpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT, serviceName: e.OTEL_SERVICE_NAME },
  });
}

/**
 * Checks what one service needs before it starts. Production refuses to run
 * without real keys and databases; development fills keys in from `.data/`.
 *
 * @throws ConfigError listing everything missing for that service.
 */
export function requireForService(
  config: Config,
  service: 'router' | SubgraphName,
  /** `alone`: the service runs in a process of its own (bin/service.ts), where a subgraph holds only its own key. */
  options: { alone?: boolean } = {},
): void {
  const problems: string[] = [];
  const need = (present: unknown, name: string) => {
    if (present === undefined) problems.push(`${name}: is required for the ${service} service`);
  };
  if (service === 'router') {
    need(config.keys.jwtPublicKey, 'JWT_PUBLIC_KEY');
    need(config.keys.routerCallerSecret, 'ROUTER_CALLER_SECRET');
  } else {
    need(callerKeyOf(config, service), callerKeyVariable(service));
    // A subgraph holding the router's secret could speak for the router to every other subgraph.
    if (options.alone && config.isProduction && config.keys.routerCallerSecret !== undefined) {
      problems.push(
        `ROUTER_CALLER_SECRET: belongs to the router alone; give the ${service} service ${callerKeyVariable(service)} instead`,
      );
    }
    need(config.subgraphs[service].databaseUrl, `DATABASE_URL or ${upper(service)}_DATABASE_URL`);
    if (service === 'identity') need(config.keys.jwtPrivateKey, 'JWT_PRIVATE_KEY');
    // Identity creates the first administrator; in production it must be a real one, never the development default.
    if (service === 'identity' && config.isProduction && config.admin === undefined) {
      problems.push('ADMIN_EMAIL and ADMIN_PASSWORD: are required for the identity service in production');
    }
    // Banking accepts holds from the billing and lending sagas, signed with the service key; every subgraph but
    // identity answers identity's data-rights calls (exports, erasure checks), signed the same way.
    if (service !== 'identity') need(config.keys.serviceSigningPublicKey, 'SERVICE_SIGNING_PUBLIC_KEY');
    // Banking and billing check identity's step-up proofs for payments.
    if (service === 'banking' || service === 'billing') need(config.keys.jwtPublicKey, 'JWT_PUBLIC_KEY');
    // Payments without strong customer authentication are for development and tests only.
    if ((service === 'banking' || service === 'billing') && config.isProduction && !config.stepUp.enabled) {
      problems.push(`PAYMENT_STEP_UP: cannot be off for the ${service} service in production`);
    }
    // Billing and lending call banking as services, identity calls the others; lending encrypts loan documents.
    if (service === 'billing' || service === 'lending' || service === 'identity') {
      need(config.keys.serviceSigningPrivateKey, 'SERVICE_SIGNING_PRIVATE_KEY');
    }
    if (service === 'lending') need(config.keys.documentEncryptionKey, 'DOCUMENT_ENCRYPTION_KEY');
    if (service === 'identity') need(config.keys.factorEncryptionKey, 'FACTOR_ENCRYPTION_KEY');
  }
  if (problems.length > 0) throw new ConfigError(problems);
}

/**
 * The key with which `subgraph` checks the router's caller header: its own
 * (<NAME>_CALLER_KEY, as each subgraph is given in production), else derived
 * from the router's secret, which a process holds only when the router runs
 * in it too (`npm start`, tests).
 */
export function callerKeyOf(config: Config, subgraph: SubgraphName): string | undefined {
  const secret = config.keys.routerCallerSecret;
  return config.subgraphs[subgraph].callerKey ?? (secret === undefined ? undefined : callerKeyFor(secret, subgraph));
}

/**
 * Where `service` serves /metrics: on a port of its own (a number), or on its
 * own port (undefined). The router in production always has one: its public
 * port never shows the metrics.
 */
export function metricsPortOf(config: Config, service: 'router' | SubgraphName): number | undefined {
  if (config.metricsPort !== undefined) return config.metricsPort;
  return service === 'router' && config.isProduction ? DEFAULT_ROUTER_METRICS_PORT : undefined;
}

/** Returns `config` with the database of each subgraph that has none taken from `urlFor`. */
export function withDatabaseUrls(config: Config, urlFor: (name: SubgraphName) => string): Config {
  const subgraphs = Object.fromEntries(
    SUBGRAPH_NAMES.map((n) => [
      n,
      { ...config.subgraphs[n], databaseUrl: config.subgraphs[n].databaseUrl ?? urlFor(n) },
    ]),
  ) as Config['subgraphs'];
  return Object.freeze({ ...config, subgraphs });
}

/** Returns `config` with the URLs of some subgraphs replaced (services started on random ports). */
export function withSubgraphUrls(config: Config, urls: Partial<Record<SubgraphName, string>>): Config {
  return Object.freeze({
    ...config,
    router: { ...config.router, subgraphUrls: { ...config.router.subgraphUrls, ...urls } },
    assistant: { ...config.assistant },
  });
}
