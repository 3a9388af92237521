import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { issueAccessToken, verifyAccessToken } from './access-token.ts';
import { callerKeyFor, signCallerHeader, verifyCallerHeader } from './caller.ts';
import {
  callerKeyOf,
  ConfigError,
  DEFAULT_PORTS,
  SUBGRAPH_NAMES,
  loadConfig,
  requireForService,
  withDatabaseUrls,
  type Config,
} from './config.ts';
import { generateAes256Key, generateEs256KeyPair, generateKeyConfig, withDevelopmentKeys } from './keys.ts';

/** Runs `fn` and returns the problems of the ConfigError it throws. */
function problemsOf(fn: () => unknown): readonly string[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError, nothing was thrown');
}

/** The variable names a ConfigError complains about. */
const variablesOf = (problems: readonly string[]) => problems.map((p) => p.slice(0, p.indexOf(':'))).sort();

const PRODUCTION_ADMIN = { ADMIN_EMAIL: 'ops@bank.example', ADMIN_PASSWORD: 'a-long-production-secret' };

describe('loadConfig defaults', () => {
  const config = loadConfig({});

  it('runs in development on the ports of docs/architecture.md', () => {
    expect(config.env).toBe('development');
    expect(config.isProduction).toBe(false);
    expect(config.router.port).toBe(4000);
    expect(Object.fromEntries(SUBGRAPH_NAMES.map((n) => [n, config.subgraphs[n].port]))).toEqual({
      identity: 4001,
      banking: 4002,
      billing: 4003,
      lending: 4004,
      messaging: 4005,
      assistant: 4006,
    });
    expect(DEFAULT_PORTS).toEqual({
      router: 4000,
      identity: 4001,
      banking: 4002,
      billing: 4003,
      lending: 4004,
      messaging: 4005,
      assistant: 4006,
    });
  });

  it('routes to the subgraphs on localhost at their ports', () => {
    expect(config.router.subgraphUrls).toEqual({
      identity: 'http://localhost:4001/graphql',
      banking: 'http://localhost:4002/graphql',
      billing: 'http://localhost:4003/graphql',
      lending: 'http://localhost:4004/graphql',
      messaging: 'http://localhost:4005/graphql',
      assistant: 'http://localhost:4006/graphql',
    });
  });

  it('uses the documented defaults for everything else', () => {
    expect(config.logLevel).toBe('info');
    expect(config.host).toBe('127.0.0.1');
    expect(config.dataDir).toBe('.data');
    expect(config.embeddedPostgresPort).toBe(5433);
    expect(config.databasePoolMax).toBe(10);
    expect(config.redisUrl).toBeUndefined();
    expect(config.admin).toBeUndefined();
    expect(config.auth).toEqual({
      accessTokenTtlSeconds: 900,
      refreshTokenTtlDays: 30,
      loginMaxFailures: 5,
      loginLockSeconds: 900,
      argon2: { memoryCost: 19456, timeCost: 2, parallelism: 1 },
      // On by default outside development: the default environment is development.
      staffMfaRequired: false,
      mfaChallengeTtlSeconds: 300,
      webauthn: {
        rpId: 'localhost',
        rpName: 'Bank',
        origins: ['http://localhost:4000'],
        requireUserVerification: false,
      },
    });
    expect(config.keys).toEqual({
      jwtPrivateKey: undefined,
      jwtPublicKey: undefined,
      routerCallerSecret: undefined,
    });
    for (const name of SUBGRAPH_NAMES) expect(config.subgraphs[name].databaseUrl).toBeUndefined();
    for (const name of SUBGRAPH_NAMES) expect(config.subgraphs[name].callerKey).toBeUndefined();
  });

  it("has the router's documented limits", () => {
    expect(config.router.limits).toEqual({
      maxTokens: 5000,
      maxDepth: 12,
      maxAliases: 100,
      maxDirectives: 50,
      maxCost: 50000,
    });
    expect(config.router.rateLimit).toEqual({ points: 600, windowSeconds: 60, trustedProxies: 0 });
  });

  it('is frozen', () => {
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reads the values it is given', () => {
    const custom = loadConfig({
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      ROUTER_PORT: '8080',
      BANKING_PORT: '9002',
      BILLING_URL: 'https://billing.internal/graphql',
      ACCESS_TOKEN_TTL_SECONDS: '300',
      ARGON2_MEMORY_KIB: '65536',
      ARGON2_ITERATIONS: '3',
      ...PRODUCTION_ADMIN,
    });
    expect(custom.env).toBe('test');
    expect(custom.logLevel).toBe('warn');
    expect(custom.router.port).toBe(8080);
    expect(custom.subgraphs.banking.port).toBe(9002);
    expect(custom.router.subgraphUrls.banking).toBe('http://localhost:9002/graphql');
    expect(custom.router.subgraphUrls.billing).toBe('https://billing.internal/graphql');
    expect(custom.auth.accessTokenTtlSeconds).toBe(300);
    expect(custom.auth.argon2).toEqual({ memoryCost: 65536, timeCost: 3, parallelism: 1 });
    expect(custom.admin).toEqual({ email: 'ops@bank.example', password: 'a-long-production-secret' });
  });
});

describe('loadConfig refuses an invalid environment', () => {
  it('reports every problem at once', () => {
    let thrown: unknown;
    try {
      loadConfig({ ROUTER_PORT: '70000', DATABASE_URL: 'not a url', LOG_LEVEL: 'loud' });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    const error = thrown as ConfigError;
    expect(error.name).toBe('ConfigError');
    expect(variablesOf(error.problems)).toEqual(['DATABASE_URL', 'LOG_LEVEL', 'ROUTER_PORT']);
    for (const variable of ['ROUTER_PORT', 'DATABASE_URL', 'LOG_LEVEL']) {
      expect(error.message).toContain(`  - ${variable}: `);
    }
    expect(error.message.startsWith('Invalid configuration:\n')).toBe(true);
  });

  it.each(['70000', '65536', '-1', '4000.5', 'abc'])('an invalid port %p', (value) => {
    expect(variablesOf(problemsOf(() => loadConfig({ IDENTITY_PORT: value })))).toEqual(['IDENTITY_PORT']);
  });

  it.each(['not a url', 'http://', '://no-scheme'])('an invalid URL %p', (value) => {
    expect(variablesOf(problemsOf(() => loadConfig({ BANKING_URL: value, REDIS_URL: value })))).toEqual([
      'BANKING_URL',
      'REDIS_URL',
    ]);
  });

  it.each(['loud', 'INFO', 'verbose'])('an invalid LOG_LEVEL %p', (value) => {
    expect(problemsOf(() => loadConfig({ LOG_LEVEL: value }))).toEqual([
      'LOG_LEVEL: Invalid option: expected one of "fatal"|"error"|"warn"|"info"|"debug"|"trace"|"silent"',
    ]);
  });

  it('an unknown NODE_ENV', () => {
    expect(variablesOf(problemsOf(() => loadConfig({ NODE_ENV: 'staging' })))).toEqual(['NODE_ENV']);
  });

  it('an access token TTL outside 60..3600 seconds', () => {
    expect(variablesOf(problemsOf(() => loadConfig({ ACCESS_TOKEN_TTL_SECONDS: '59' })))).toEqual([
      'ACCESS_TOKEN_TTL_SECONDS',
    ]);
    expect(variablesOf(problemsOf(() => loadConfig({ ACCESS_TOKEN_TTL_SECONDS: '3601' })))).toEqual([
      'ACCESS_TOKEN_TTL_SECONDS',
    ]);
  });

  it('limits out of range (a depth under 2, a negative rate, a window of 0)', () => {
    expect(
      variablesOf(
        problemsOf(() =>
          loadConfig({ QUERY_MAX_DEPTH: '1', RATE_LIMIT_REQUESTS: '-1', RATE_LIMIT_WINDOW_SECONDS: '0' }),
        ),
      ),
    ).toEqual(['QUERY_MAX_DEPTH', 'RATE_LIMIT_REQUESTS', 'RATE_LIMIT_WINDOW_SECONDS']);
    const custom = loadConfig({ QUERY_MAX_COST: '1000', RATE_LIMIT_REQUESTS: '0', TRUSTED_PROXY_HOPS: '2' });
    expect(custom.router.limits.maxCost).toBe(1000);
    expect(custom.router.rateLimit).toEqual({ points: 0, windowSeconds: 60, trustedProxies: 2 });
  });

  it('persisted queries: APQ kept a day by default, 60 s to 30 days; trusted documents off unless a path is set', () => {
    expect(loadConfig({}).router.persistedQueries).toEqual({ apqTtlSeconds: 86_400, trustedDocuments: undefined });
    expect(loadConfig({ TRUSTED_DOCUMENTS: ' ' }).router.persistedQueries.trustedDocuments).toBeUndefined();
    expect(
      loadConfig({ APQ_TTL_SECONDS: '3600', TRUSTED_DOCUMENTS: 'web/persisted-query-manifest.json' }).router
        .persistedQueries,
    ).toEqual({ apqTtlSeconds: 3600, trustedDocuments: 'web/persisted-query-manifest.json' });
    expect(variablesOf(problemsOf(() => loadConfig({ APQ_TTL_SECONDS: '59' })))).toEqual(['APQ_TTL_SECONDS']);
    expect(variablesOf(problemsOf(() => loadConfig({ APQ_TTL_SECONDS: '2592001' })))).toEqual(['APQ_TTL_SECONDS']);
  });

  it('an invalid ADMIN_EMAIL', () => {
    expect(variablesOf(problemsOf(() => loadConfig({ ADMIN_EMAIL: 'not-an-email' })))).toEqual(['ADMIN_EMAIL']);
  });

  it('argon2 memory below the OWASP minimum of 19456 KiB', () => {
    expect(problemsOf(() => loadConfig({ ARGON2_MEMORY_KIB: '19455' }))).toEqual([
      'ARGON2_MEMORY_KIB: Too small: expected number to be >=19456',
    ]);
    expect(loadConfig({ ARGON2_MEMORY_KIB: '19456' }).auth.argon2.memoryCost).toBe(19456);
  });

  it('argon2 with fewer than 2 iterations', () => {
    expect(variablesOf(problemsOf(() => loadConfig({ ARGON2_ITERATIONS: '1' })))).toEqual(['ARGON2_ITERATIONS']);
  });

  it('production without ADMIN_EMAIL and ADMIN_PASSWORD loads: only identity needs them (requireForService)', () => {
    expect(loadConfig({ NODE_ENV: 'production' }).admin).toBeUndefined();
    expect(loadConfig({ NODE_ENV: 'production', ADMIN_EMAIL: ' ', ADMIN_PASSWORD: '' }).admin).toBeUndefined();
  });

  it('production with ADMIN_EMAIL and ADMIN_PASSWORD', () => {
    const config = loadConfig({ NODE_ENV: 'production', ...PRODUCTION_ADMIN });
    expect(config.isProduction).toBe(true);
    expect(config.admin).toEqual({ email: 'ops@bank.example', password: 'a-long-production-secret' });
  });
});

describe('database URLs', () => {
  it('derives one database per subgraph from DATABASE_URL, replacing the path by the subgraph name', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://bank:s3cret@db.internal:5432/bank' });
    expect(Object.fromEntries(SUBGRAPH_NAMES.map((n) => [n, config.subgraphs[n].databaseUrl]))).toEqual({
      identity: 'postgres://bank:s3cret@db.internal:5432/identity',
      banking: 'postgres://bank:s3cret@db.internal:5432/banking',
      billing: 'postgres://bank:s3cret@db.internal:5432/billing',
      lending: 'postgres://bank:s3cret@db.internal:5432/lending',
      messaging: 'postgres://bank:s3cret@db.internal:5432/messaging',
      assistant: 'postgres://bank:s3cret@db.internal:5432/assistant',
    });
  });

  it('keeps the query string of DATABASE_URL', () => {
    const config = loadConfig({ DATABASE_URL: 'postgresql://u:p@db:6432/postgres?sslmode=require' });
    expect(config.subgraphs.lending.databaseUrl).toBe('postgresql://u:p@db:6432/lending?sslmode=require');
  });

  it('lets <NAME>_DATABASE_URL override the derived one', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgres://u:p@db:5432/bank',
      BILLING_DATABASE_URL: 'postgres://billing:pw@billing-db:5432/invoices',
    });
    expect(config.subgraphs.billing.databaseUrl).toBe('postgres://billing:pw@billing-db:5432/invoices');
    expect(config.subgraphs.identity.databaseUrl).toBe('postgres://u:p@db:5432/identity');
  });

  it('uses <NAME>_DATABASE_URL alone when DATABASE_URL is not set', () => {
    const config = loadConfig({ IDENTITY_DATABASE_URL: 'postgres://u:p@db:5432/people', DATABASE_URL: '' });
    expect(config.subgraphs.identity.databaseUrl).toBe('postgres://u:p@db:5432/people');
    expect(config.subgraphs.banking.databaseUrl).toBeUndefined();
  });

  it('withDatabaseUrls fills in only the databases that are missing', () => {
    const config = loadConfig({ MESSAGING_DATABASE_URL: 'postgres://u:p@db:5432/mail' });
    const filled = withDatabaseUrls(config, (name) => `postgres://embedded:5433/${name}`);
    expect(filled.subgraphs.messaging.databaseUrl).toBe('postgres://u:p@db:5432/mail');
    expect(filled.subgraphs.identity).toEqual({ port: 4001, databaseUrl: 'postgres://embedded:5433/identity' });
    expect(config.subgraphs.identity.databaseUrl).toBeUndefined();
  });
});

describe('PEM keys', () => {
  it('restores literal \\n in one-line PEM values', () => {
    const pair = generateEs256KeyPair();
    const oneLine = (pem: string) => pem.replace(/\n/g, '\\n');
    expect(oneLine(pair.privateKey)).not.toContain('\n');

    const config = loadConfig({ JWT_PRIVATE_KEY: oneLine(pair.privateKey), JWT_PUBLIC_KEY: oneLine(pair.publicKey) });
    expect(config.keys.jwtPrivateKey).toBe(pair.privateKey);
    expect(config.keys.jwtPublicKey).toBe(pair.publicKey);

    const { token } = issueAccessToken(config.keys.jwtPrivateKey ?? '', { userId: 'u-1', roles: ['CUSTOMER'] }, 60);
    expect(verifyAccessToken(config.keys.jwtPublicKey ?? '', token).userId).toBe('u-1');
  });

  it('keeps PEM values that already have newlines', () => {
    const pair = generateEs256KeyPair();
    expect(loadConfig({ SERVICE_SIGNING_PUBLIC_KEY: pair.publicKey }).keys.serviceSigningPublicKey).toBe(
      pair.publicKey,
    );
  });

  it('treats blank keys as absent', () => {
    expect(loadConfig({ JWT_PRIVATE_KEY: '   ' }).keys.jwtPrivateKey).toBeUndefined();
  });
});

describe('requireForService', () => {
  const keys = generateKeyConfig();
  const withKeys = (config: Config, overrides: Partial<Config['keys']> = {}): Config => ({
    ...config,
    keys: { ...keys, ...overrides },
  });
  const bare = loadConfig({});
  const withDatabase = loadConfig({ DATABASE_URL: 'postgres://u:p@db:5432/bank' });

  it('in production, identity alone needs ADMIN_EMAIL and ADMIN_PASSWORD (the first administrator)', () => {
    const production = loadConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgres://u:p@db:5432/bank' });
    expect(problemsOf(() => requireForService(withKeys(production), 'identity'))).toEqual([
      'ADMIN_EMAIL and ADMIN_PASSWORD: are required for the identity service in production',
    ]);
    for (const service of ['router', 'banking', 'billing', 'lending', 'messaging'] as const) {
      expect(() => requireForService(withKeys(production), service)).not.toThrow();
    }
    const withAdmin = loadConfig({
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://u:p@db:5432/bank',
      ...PRODUCTION_ADMIN,
    });
    expect(() => requireForService(withKeys(withAdmin), 'identity')).not.toThrow();
  });

  it('refuses the router without its keys, listing both', () => {
    expect(problemsOf(() => requireForService(bare, 'router'))).toEqual([
      'JWT_PUBLIC_KEY: is required for the router service',
      'ROUTER_CALLER_SECRET: is required for the router service',
    ]);
  });

  it('starts the router with its keys and no database', () => {
    expect(() => requireForService(withKeys(bare), 'router')).not.toThrow();
  });

  it('refuses a subgraph without a database', () => {
    expect(problemsOf(() => requireForService(withKeys(bare), 'banking'))).toEqual([
      'DATABASE_URL or BANKING_DATABASE_URL: is required for the banking service',
    ]);
  });

  it('refuses a subgraph without its caller key (nor the router secret to derive it from)', () => {
    expect(
      problemsOf(() => requireForService(withKeys(withDatabase, { routerCallerSecret: undefined }), 'lending')),
    ).toEqual(['LENDING_CALLER_KEY: is required for the lending service']);
  });

  it("checks the router's headers with the subgraph's own key, else one derived from the router secret", () => {
    const secret = generateAes256Key();
    const own = generateAes256Key();
    const given = loadConfig({ DATABASE_URL: 'postgres://u:p@db:5432/bank', LENDING_CALLER_KEY: own });
    expect(given.subgraphs.lending.callerKey).toBe(own);
    expect(callerKeyOf(given, 'lending')).toBe(own);
    expect(callerKeyOf(given, 'banking')).toBeUndefined();
    expect(() => requireForService(withKeys(given, { routerCallerSecret: undefined }), 'lending')).not.toThrow();
    const derived = loadConfig({ ROUTER_CALLER_SECRET: secret });
    expect(callerKeyOf(derived, 'banking')).toBe(callerKeyFor(secret, 'banking'));
    expect(callerKeyOf(derived, 'lending')).toBe(callerKeyFor(secret, 'lending'));
  });

  it('in production, a subgraph in a process of its own holds its own caller key and never the router secret', () => {
    const secret = generateAes256Key();
    const production = loadConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgres://u:p@db:5432/bank' });
    const alone = { alone: true };
    expect(problemsOf(() => requireForService(withKeys(production), 'banking', alone))).toEqual([
      'ROUTER_CALLER_SECRET: belongs to the router alone; give the banking service BANKING_CALLER_KEY instead',
    ]);
    const own = withKeys(
      loadConfig({
        NODE_ENV: 'production',
        DATABASE_URL: 'postgres://u:p@db:5432/bank',
        BANKING_CALLER_KEY: callerKeyFor(secret, 'banking'),
      }),
      { routerCallerSecret: undefined },
    );
    expect(() => requireForService(own, 'banking', alone)).not.toThrow();
    // All services in one process (`npm start` in production): the subgraphs derive their keys from the secret.
    expect(() => requireForService(withKeys(production), 'banking')).not.toThrow();
    // Outside production a subgraph alone may derive its key from the development secret in .data/.
    expect(() => requireForService(withKeys(withDatabase), 'banking', alone)).not.toThrow();
  });

  it('refuses a caller key or secret that is not 32 bytes in base64', () => {
    const short = Buffer.alloc(16).toString('base64');
    expect(variablesOf(problemsOf(() => loadConfig({ ROUTER_CALLER_SECRET: short, BANKING_CALLER_KEY: 'x' })))).toEqual(
      ['BANKING_CALLER_KEY', 'ROUTER_CALLER_SECRET'],
    );
  });

  it('refuses lending without the service signing key and the document key', () => {
    expect(
      problemsOf(() =>
        requireForService(
          withKeys(withDatabase, { serviceSigningPrivateKey: undefined, documentEncryptionKey: undefined }),
          'lending',
        ),
      ),
    ).toEqual([
      'SERVICE_SIGNING_PRIVATE_KEY: is required for the lending service',
      'DOCUMENT_ENCRYPTION_KEY: is required for the lending service',
    ]);
  });

  it('refuses a DOCUMENT_ENCRYPTION_KEY that is not 32 bytes in base64', () => {
    for (const value of ['short', Buffer.alloc(16).toString('base64'), `${Buffer.alloc(32).toString('base64')}x`]) {
      expect(variablesOf(problemsOf(() => loadConfig({ DOCUMENT_ENCRYPTION_KEY: value })))).toEqual([
        'DOCUMENT_ENCRYPTION_KEY',
      ]);
    }
    expect(
      loadConfig({ DOCUMENT_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64') }).keys.documentEncryptionKey,
    ).toBe(Buffer.alloc(32, 7).toString('base64'));
  });

  it('refuses identity without JWT_PRIVATE_KEY', () => {
    expect(
      problemsOf(() => requireForService(withKeys(withDatabase, { jwtPrivateKey: undefined }), 'identity')),
    ).toEqual(['JWT_PRIVATE_KEY: is required for the identity service']);
  });

  it('lists everything a bare identity is missing', () => {
    expect(problemsOf(() => requireForService(bare, 'identity'))).toEqual([
      'IDENTITY_CALLER_KEY: is required for the identity service',
      'DATABASE_URL or IDENTITY_DATABASE_URL: is required for the identity service',
      'JWT_PRIVATE_KEY: is required for the identity service',
      'SERVICE_SIGNING_PRIVATE_KEY: is required for the identity service',
      'FACTOR_ENCRYPTION_KEY: is required for the identity service',
    ]);
  });

  it('requires a second factor of staff outside development unless turned off', () => {
    expect(loadConfig({ NODE_ENV: 'test' }).auth.staffMfaRequired).toBe(true);
    expect(loadConfig({ NODE_ENV: 'production', ...PRODUCTION_ADMIN }).auth.staffMfaRequired).toBe(true);
    expect(loadConfig({ NODE_ENV: 'development' }).auth.staffMfaRequired).toBe(false);
    expect(loadConfig({ NODE_ENV: 'development', STAFF_MFA_REQUIRED: 'true' }).auth.staffMfaRequired).toBe(true);
    expect(loadConfig({ NODE_ENV: 'test', STAFF_MFA_REQUIRED: 'false' }).auth.staffMfaRequired).toBe(false);
    expect(variablesOf(problemsOf(() => loadConfig({ STAFF_MFA_REQUIRED: 'yes' })))).toEqual(['STAFF_MFA_REQUIRED']);
  });

  it('refuses identity without the service signing key, and the other subgraphs without its public half (data rights)', () => {
    expect(
      problemsOf(() => requireForService(withKeys(withDatabase, { serviceSigningPrivateKey: undefined }), 'identity')),
    ).toEqual(['SERVICE_SIGNING_PRIVATE_KEY: is required for the identity service']);
    for (const name of ['banking', 'billing', 'lending', 'messaging'] as const) {
      expect(
        problemsOf(() => requireForService(withKeys(withDatabase, { serviceSigningPublicKey: undefined }), name)),
      ).toEqual([`SERVICE_SIGNING_PUBLIC_KEY: is required for the ${name} service`]);
    }
    expect(() =>
      requireForService(withKeys(withDatabase, { serviceSigningPublicKey: undefined }), 'identity'),
    ).not.toThrow();
  });

  it('does not ask other subgraphs for the access token private key', () => {
    expect(() =>
      requireForService(withKeys(withDatabase, { jwtPrivateKey: undefined, jwtPublicKey: undefined }), 'messaging'),
    ).not.toThrow();
  });

  it('starts every subgraph that has its key and database', () => {
    for (const name of SUBGRAPH_NAMES) expect(() => requireForService(withKeys(withDatabase), name)).not.toThrow();
  });
});

describe('withDevelopmentKeys', () => {
  let dataDir: string;

  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'bank-keys-'));
  });

  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  const modeOf = async (file: string) => (await stat(file)).mode & 0o777;

  it('generates the four PEMs and the symmetric keys on first call, secrets readable by the owner only', async () => {
    const config = await withDevelopmentKeys(loadConfig({ DATA_DIR: dataDir }));
    const keysDir = path.join(dataDir, 'keys');

    expect((await readdir(keysDir)).sort()).toEqual([
      'document-encryption.key',
      'factor-encryption.key',
      'jwt.private.pem',
      'jwt.public.pem',
      'router-caller.key',
      'service-signing.private.pem',
      'service-signing.public.pem',
    ]);
    expect(await modeOf(path.join(keysDir, 'jwt.private.pem'))).toBe(0o600);
    expect(await modeOf(path.join(keysDir, 'router-caller.key'))).toBe(0o600);
    expect(await modeOf(path.join(keysDir, 'service-signing.private.pem'))).toBe(0o600);
    expect(await modeOf(path.join(keysDir, 'document-encryption.key'))).toBe(0o600);
    expect(await modeOf(keysDir)).toBe(0o700);
    expect(config.keys.documentEncryptionKey).toBe(
      await readFile(path.join(keysDir, 'document-encryption.key'), 'utf8'),
    );
    expect(Buffer.from(config.keys.documentEncryptionKey ?? '', 'base64')).toHaveLength(32);

    expect(config.keys.jwtPrivateKey).toBe(await readFile(path.join(keysDir, 'jwt.private.pem'), 'utf8'));
    expect(config.keys.jwtPublicKey).toBe(await readFile(path.join(keysDir, 'jwt.public.pem'), 'utf8'));
    expect(config.keys.routerCallerSecret).toBe(await readFile(path.join(keysDir, 'router-caller.key'), 'utf8'));
    expect(Buffer.from(config.keys.routerCallerSecret ?? '', 'base64')).toHaveLength(32);
    expect(config.keys.jwtPrivateKey).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(config.keys.jwtPublicKey).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    expect(config.keys.jwtPublicKey).not.toBe(config.keys.serviceSigningPublicKey);
  });

  it('generates working pairs', async () => {
    const { keys } = await withDevelopmentKeys(loadConfig({ DATA_DIR: dataDir }));
    const { token } = issueAccessToken(keys.jwtPrivateKey ?? '', { userId: 'u-1', roles: ['ADMIN'] }, 60);
    expect(verifyAccessToken(keys.jwtPublicKey ?? '', token)).toEqual({
      kind: 'user',
      userId: 'u-1',
      roles: ['ADMIN'],
    });
    const key = callerKeyFor(keys.routerCallerSecret ?? '', 'banking');
    const header = signCallerHeader(key, { kind: 'anonymous' }, '{ a }');
    expect(verifyCallerHeader(key, header, '{ a }')).toEqual({ kind: 'anonymous' });
  });

  it('returns the same keys on a second call', async () => {
    const first = await withDevelopmentKeys(loadConfig({ DATA_DIR: dataDir }));
    const second = await withDevelopmentKeys(loadConfig({ DATA_DIR: dataDir }));
    expect(second.keys).toEqual(first.keys);
  });

  it('keeps keys given in the environment and fills in only the missing ones', async () => {
    const given = generateEs256KeyPair();
    const config = await withDevelopmentKeys(
      loadConfig({ DATA_DIR: dataDir, JWT_PRIVATE_KEY: given.privateKey, JWT_PUBLIC_KEY: given.publicKey }),
    );
    expect(config.keys.jwtPrivateKey).toBe(given.privateKey);
    expect(config.keys.jwtPublicKey).toBe(given.publicKey);
    expect(config.keys.routerCallerSecret).toBe(
      await readFile(path.join(dataDir, 'keys', 'router-caller.key'), 'utf8'),
    );
  });

  it('returns the config unchanged, writing nothing, when every key is given', async () => {
    const keys = generateKeyConfig();
    const config = loadConfig({
      DATA_DIR: dataDir,
      JWT_PRIVATE_KEY: keys.jwtPrivateKey,
      JWT_PUBLIC_KEY: keys.jwtPublicKey,
      ROUTER_CALLER_SECRET: keys.routerCallerSecret,
      SERVICE_SIGNING_PRIVATE_KEY: keys.serviceSigningPrivateKey,
      SERVICE_SIGNING_PUBLIC_KEY: keys.serviceSigningPublicKey,
      DOCUMENT_ENCRYPTION_KEY: keys.documentEncryptionKey,
      FACTOR_ENCRYPTION_KEY: keys.factorEncryptionKey,
    });
    expect(await withDevelopmentKeys(config)).toBe(config);
    expect(await readdir(dataDir)).toEqual([]);
  });

  it('in production returns the config unchanged and writes no files', async () => {
    const config = loadConfig({ NODE_ENV: 'production', DATA_DIR: dataDir, ...PRODUCTION_ADMIN });
    const result = await withDevelopmentKeys(config);
    expect(result).toBe(config);
    expect(result.keys.jwtPrivateKey).toBeUndefined();
    expect(await readdir(dataDir)).toEqual([]);
  });
});

describe('review fixes', () => {
  it('reports every problem of the environment at once', () => {
    const problems = problemsOf(() =>
      loadConfig({ NODE_ENV: 'production', ROUTER_PORT: 'abc', DATABASE_POOL_MAX: '1' }),
    );
    expect(variablesOf(problems)).toEqual(['DATABASE_POOL_MAX', 'ROUTER_PORT']);
  });

  it('treats a blank number as unset, so the default applies', () => {
    const config = loadConfig({ ROUTER_PORT: '', ACCESS_TOKEN_TTL_SECONDS: ' ' });
    expect(config.router.port).toBe(4000);
    expect(config.auth.accessTokenTtlSeconds).toBe(900);
  });

  it.each([
    ['BANKING_URL', 'localhost:4002'],
    ['BANKING_URL', 'ftp://banking:4002/graphql'],
    ['DATABASE_URL', 'mysql://db:3306'],
    ['REDIS_URL', 'http://redis:6379'],
  ])('refuses %s=%p (wrong scheme)', (name, value) => {
    expect(variablesOf(problemsOf(() => loadConfig({ [name]: value })))).toEqual([name]);
  });

  it('two processes creating development keys at once agree on one pair', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'bank-keys-race-'));
    try {
      const configs = await Promise.all(
        Array.from({ length: 8 }, () => withDevelopmentKeys(loadConfig({ DATA_DIR: dataDir }))),
      );
      const first = configs[0]!.keys;
      for (const config of configs) expect(config.keys).toEqual(first);
      const token = issueAccessToken(first.jwtPrivateKey!, { userId: 'u', roles: [] }, 60);
      expect(verifyAccessToken(first.jwtPublicKey!, token.token).userId).toBe('u');
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

describe('the assistant', () => {
  it('reaches the router on its port by default, and proposed payments wait five minutes', () => {
    const config = loadConfig({ ROUTER_PORT: '4100' });
    expect(config.assistant).toEqual({ routerUrl: 'http://localhost:4100/graphql', actionTtlSeconds: 300 });
  });

  it('takes ROUTER_URL and ASSISTANT_ACTION_TTL_SECONDS, and refuses a TTL outside 30 to 3,600 s', () => {
    const config = loadConfig({ ROUTER_URL: 'http://router:4000/graphql', ASSISTANT_ACTION_TTL_SECONDS: '120' });
    expect(config.assistant).toEqual({ routerUrl: 'http://router:4000/graphql', actionTtlSeconds: 120 });
    expect(() => loadConfig({ ASSISTANT_ACTION_TTL_SECONDS: '5' })).toThrow(/ASSISTANT_ACTION_TTL_SECONDS/);
    expect(() => loadConfig({ ROUTER_URL: 'ftp://router' })).toThrow(/ROUTER_URL/);
  });
});

describe('traces', () => {
  it('are off without an endpoint; take an http(s) endpoint and a service name; refuse anything else', () => {
    expect(loadConfig({}).tracing).toEqual({ endpoint: undefined, serviceName: undefined });
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: '', OTEL_SERVICE_NAME: ' ' }).tracing).toEqual({
      endpoint: undefined,
      serviceName: undefined,
    });
    const config = loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SERVICE_NAME: 'bank-eu' });
    expect(config.tracing).toEqual({ endpoint: 'http://collector:4318', serviceName: 'bank-eu' });
    for (const endpoint of ['collector:4318', 'grpc://collector:4317', 'http://']) {
      expect(variablesOf(problemsOf(() => loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint })))).toEqual([
        'OTEL_EXPORTER_OTLP_ENDPOINT',
      ]);
    }
  });
});
