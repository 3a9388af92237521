import { createHmac, createSecretKey } from 'node:crypto';
import { jest } from '@jest/globals';
import { GraphQLError } from 'graphql';
import jwt from 'jsonwebtoken';
import {
  ANONYMOUS,
  CALLER_HEADER,
  CALLER_HEADER_TTL_SECONDS,
  ROLES,
  authenticateCaller,
  callerKeyFor,
  hasRole,
  isRole,
  operationHash,
  requireRole,
  requireUser,
  signCallerHeader,
  signServiceHeader,
  verifyCallerHeader,
  type Caller,
} from './caller.ts';
import { generateAes256Key, generateEs256KeyPair } from './keys.ts';

/** The router's secret, and the key derived from it for the subgraph these headers go to. */
const SECRET = generateAes256Key();
const KEY = callerKeyFor(SECRET, 'banking');
const USER_ID = '0b7e2a51-93c4-4d1f-a6b8-2c5d7e9f1a3b';
const QUERY = 'query Me { me { id email } }';
const customer: Caller = { kind: 'user', userId: USER_ID, roles: ['CUSTOMER'] };

/** Runs `fn` and returns the GraphQLError it throws. */
function errorOf(fn: () => unknown): GraphQLError {
  try {
    fn();
  } catch (error) {
    if (error instanceof GraphQLError) return error;
    throw error;
  }
  throw new Error('expected a GraphQLError, nothing was thrown');
}

function expectUnauthenticated(fn: () => unknown, message: string): void {
  const error = errorOf(fn);
  expect(error.extensions).toEqual({ code: 'UNAUTHENTICATED' });
  expect(error.message).toBe(message);
}

const INVALID = 'The router signature on this request is invalid or expired.';
const base64url = (value: string) => Buffer.from(value).toString('base64url');

/** The claims the router puts in a header for `customer` and QUERY, valid for the usual TTL. */
function routerClaims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return {
    sub: USER_ID,
    roles: ['CUSTOMER'],
    op: operationHash(QUERY),
    iss: 'bank-router',
    aud: 'bank-subgraphs',
    iat: now,
    exp: now + CALLER_HEADER_TTL_SECONDS,
    ...overrides,
  };
}

const signHs256 = (claims: Record<string, unknown>, key = KEY) =>
  jwt.sign(claims, createSecretKey(Buffer.from(key, 'base64')), { algorithm: 'HS256' });
/** A header signed with the subgraph key by hand, with any JOSE header and any claims (jsonwebtoken refuses some). */
function signByHand(jose: Record<string, unknown>, claims: Record<string, unknown>, key = KEY): string {
  const signingInput = `${base64url(JSON.stringify(jose))}.${base64url(JSON.stringify(claims))}`;
  const signature = createHmac('sha256', createSecretKey(Buffer.from(key, 'base64'))).update(signingInput);
  return `${signingInput}.${signature.digest('base64url')}`;
}
const signEs256 = (claims: Record<string, unknown>, privateKey: string) =>
  jwt.sign(claims, privateKey, { algorithm: 'ES256' });

describe('constants', () => {
  it('names the header, the TTL and the roles of docs/architecture.md', () => {
    expect(CALLER_HEADER).toBe('x-bank-caller');
    expect(CALLER_HEADER_TTL_SECONDS).toBe(30);
    expect(ROLES).toEqual(['CUSTOMER', 'BUSINESS_OWNER', 'BANKER', 'RISK_OFFICER', 'ADMIN']);
  });

  it('hashes the operation text and its variables with SHA-256 in base64url', () => {
    // SHA-256 of "\\0{}": an empty operation with no variables.
    expect(operationHash('')).toBe('KKOhj2zWQGsIbp_9ofm4oT289EsPPzLLkDGhH9BTrPk');
    expect(operationHash('', {})).toBe(operationHash(''));
    expect(operationHash(QUERY)).not.toBe(operationHash(`${QUERY} `));
    expect(operationHash(QUERY, { id: 'a' })).not.toBe(operationHash(QUERY, { id: 'b' }));
  });

  it('refuses a header whose variables differ from the signed ones', () => {
    const header = signCallerHeader(KEY, customer, QUERY, { id: 'a' });
    expect(verifyCallerHeader(KEY, header, QUERY, { id: 'a' })).toEqual(customer);
    expect(() => verifyCallerHeader(KEY, header, QUERY, { id: 'b' })).toThrow(/does not match/);
  });

  it('recognises exactly the five roles', () => {
    expect(ROLES.every(isRole)).toBe(true);
    expect([isRole('admin'), isRole('SUPERUSER'), isRole(''), isRole(1), isRole(null)]).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
  });
});

describe('callerKeyFor', () => {
  it("derives 32 bytes per subgraph from the router's secret, the same each time", () => {
    expect(Buffer.from(KEY, 'base64')).toHaveLength(32);
    expect(callerKeyFor(SECRET, 'banking')).toBe(KEY);
    expect(callerKeyFor(Buffer.from(SECRET, 'base64').toString('base64'), 'banking')).toBe(KEY);
  });

  it('gives each subgraph and each secret a key of its own, none of them the secret', () => {
    const keys = ['identity', 'banking', 'billing', 'lending', 'messaging', 'assistant'].map((n) =>
      callerKeyFor(SECRET, n),
    );
    expect(new Set([...keys, SECRET, callerKeyFor(generateAes256Key(), 'banking')]).size).toBe(8);
  });

  it('is HKDF-SHA256, empty salt, info "bank caller header v1", NUL, the subgraph (RFC 5869)', () => {
    // Computed apart with Python's hmac module, for the secret of bytes 0 to 31: what a deployment tool computing
    // the subgraphs' keys itself must match.
    expect(callerKeyFor('AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=', 'banking')).toBe(
      'rDsauCyLzeVw6kIB81Wzg46mxiUJk3ZgsLXIkAufAsE=',
    );
  });
});

describe('signCallerHeader then verifyCallerHeader', () => {
  it('round-trips a user', () => {
    const user: Caller = { kind: 'user', userId: USER_ID, roles: ['BANKER', 'RISK_OFFICER'] };
    const header = signCallerHeader(KEY, user, QUERY);
    expect(verifyCallerHeader(KEY, header, QUERY)).toEqual(user);
  });

  it('round-trips the anonymous caller', () => {
    const header = signCallerHeader(KEY, ANONYMOUS, QUERY);
    expect(jwt.decode(header, { json: true })?.sub).toBeUndefined();
    expect(verifyCallerHeader(KEY, header, QUERY)).toEqual({ kind: 'anonymous' });
  });

  it('signs HS256 claims bound to the operation, expiring after the TTL', () => {
    const header = signCallerHeader(KEY, customer, QUERY);
    const decoded = jwt.decode(header, { complete: true });
    if (decoded === null || typeof decoded.payload === 'string') throw new Error('header did not decode');
    expect(decoded.header).toEqual({ alg: 'HS256', typ: 'JWT' });
    const iat = decoded.payload.iat ?? Number.NaN;
    expect(decoded.payload).toEqual({
      sub: USER_ID,
      roles: ['CUSTOMER'],
      op: operationHash(QUERY),
      iss: 'bank-router',
      aud: 'bank-subgraphs',
      iat,
      exp: iat + 30,
    });
  });

  it('accepts a header built by hand with the subgraph key (control for the forgeries below)', () => {
    expect(verifyCallerHeader(KEY, signHs256(routerClaims()), QUERY)).toEqual(customer);
  });

  it('keeps only known roles', () => {
    const header = signHs256(routerClaims({ roles: ['CUSTOMER', 'GOD', 'ADMIN', 3] }));
    expect(verifyCallerHeader(KEY, header, QUERY)).toEqual({
      kind: 'user',
      userId: USER_ID,
      roles: ['CUSTOMER', 'ADMIN'],
    });
  });

  it('treats roles that are not a list as no roles', () => {
    const header = signHs256(routerClaims({ roles: 'ADMIN' }));
    expect(verifyCallerHeader(KEY, header, QUERY)).toEqual({ kind: 'user', userId: USER_ID, roles: [] });
  });
});

describe('verifyCallerHeader refuses with UNAUTHENTICATED', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it.each([undefined, ''])('a missing header (%p)', (header) => {
    expectUnauthenticated(
      () => verifyCallerHeader(KEY, header, QUERY),
      'Subgraphs only answer requests that come through the router.',
    );
  });

  it('a header signed for another subgraph: a subgraph cannot speak for the router to the others', () => {
    const identityKey = callerKeyFor(SECRET, 'identity');
    const header = signCallerHeader(identityKey, { kind: 'user', userId: USER_ID, roles: ['ADMIN'] }, QUERY);
    expect(verifyCallerHeader(identityKey, header, QUERY)).toEqual({ kind: 'user', userId: USER_ID, roles: ['ADMIN'] });
    expectUnauthenticated(() => verifyCallerHeader(KEY, header, QUERY), INVALID);
  });

  it("a header signed with another deployment's key for the same subgraph", () => {
    const header = signCallerHeader(callerKeyFor(generateAes256Key(), 'banking'), customer, QUERY);
    expectUnauthenticated(() => verifyCallerHeader(KEY, header, QUERY), INVALID);
  });

  it("a header signed with the router's secret itself instead of the subgraph's key", () => {
    expectUnauthenticated(() => verifyCallerHeader(KEY, signCallerHeader(SECRET, customer, QUERY), QUERY), INVALID);
  });

  it('a header captured for another operation', () => {
    const header = signCallerHeader(KEY, customer, QUERY);
    expectUnauthenticated(
      () => verifyCallerHeader(KEY, header, 'mutation { closeAccount(id: "x") { id } }'),
      'The router signature on this request does not match its operation.',
    );
  });

  it('a header without an operation hash', () => {
    const { op: _op, ...claims } = routerClaims();
    expectUnauthenticated(
      () => verifyCallerHeader(KEY, signHs256(claims), QUERY),
      'The router signature on this request does not match its operation.',
    );
  });

  it('a header once its TTL has passed (fake clock)', () => {
    const start = new Date('2026-03-01T12:00:00Z');
    jest.useFakeTimers({ now: start });
    const header = signCallerHeader(KEY, customer, QUERY);

    jest.setSystemTime(start.getTime() + (CALLER_HEADER_TTL_SECONDS - 1) * 1000);
    expect(verifyCallerHeader(KEY, header, QUERY)).toEqual(customer);

    jest.setSystemTime(start.getTime() + (CALLER_HEADER_TTL_SECONDS + 1) * 1000);
    expectUnauthenticated(() => verifyCallerHeader(KEY, header, QUERY), INVALID);
  });

  it('a header whose exp is in the past (signed with the subgraph key)', () => {
    const now = Math.floor(Date.now() / 1000);
    const header = signHs256(routerClaims({ iat: now - 60, exp: now - 30 }));
    expectUnauthenticated(() => verifyCallerHeader(KEY, header, QUERY), INVALID);
  });

  it('an unsigned header (alg: none)', () => {
    const header = `${base64url(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${base64url(JSON.stringify(routerClaims()))}.`;
    expectUnauthenticated(() => verifyCallerHeader(KEY, header, QUERY), INVALID);
  });

  it("an ES256 header with the claims of the router, signed with a key pair (the services' algorithm)", () => {
    const services = generateEs256KeyPair();
    expectUnauthenticated(
      () => verifyCallerHeader(KEY, signEs256(routerClaims(), services.privateKey), QUERY),
      INVALID,
    );
  });

  it('a header without an expiry, even with the right key (jsonwebtoken alone would take it)', () => {
    const { exp: _exp, ...claims } = routerClaims();
    expect(jwt.verify(signHs256(claims), createSecretKey(Buffer.from(KEY, 'base64')))).toMatchObject({ op: claims.op });
    expectUnauthenticated(() => verifyCallerHeader(KEY, signHs256(claims), QUERY), INVALID);
  });

  it('a header valid for longer than the router makes them, or with no iat (jsonwebtoken alone would take them)', () => {
    const now = Math.floor(Date.now() / 1000);
    const jose = { alg: 'HS256', typ: 'JWT' };
    const { iat: _iat, ...noIat } = routerClaims();
    const infinite = signByHand(jose, routerClaims()).split('.')[1]!;
    const decoded = Buffer.from(infinite, 'base64url')
      .toString('utf8')
      .replace(/"exp":\d+/, '"exp":1e400');
    const signingInput = `${base64url(JSON.stringify(jose))}.${base64url(decoded)}`;
    const mac = createHmac('sha256', createSecretKey(Buffer.from(KEY, 'base64'))).update(signingInput);
    for (const header of [
      signHs256(routerClaims({ exp: now + CALLER_HEADER_TTL_SECONDS + 1 })),
      signHs256(routerClaims({ iat: now - 3600, exp: now + 10 })),
      signByHand(jose, noIat),
      `${signingInput}.${mac.digest('base64url')}`,
    ]) {
      expect(jwt.verify(header, createSecretKey(Buffer.from(KEY, 'base64')))).toMatchObject({ iss: 'bank-router' });
      expectUnauthenticated(() => verifyCallerHeader(KEY, header, QUERY), INVALID);
    }
  });

  it('a header not valid before a time to come, or with an iat that is not a number', () => {
    const now = Math.floor(Date.now() / 1000);
    expectUnauthenticated(() => verifyCallerHeader(KEY, signHs256(routerClaims({ nbf: now + 10 })), QUERY), INVALID);
    const jose = { alg: 'HS256', typ: 'JWT' };
    expectUnauthenticated(
      () => verifyCallerHeader(KEY, signByHand(jose, routerClaims({ iat: 'now' })), QUERY),
      INVALID,
    );
    expect(verifyCallerHeader(KEY, signByHand(jose, routerClaims()), QUERY)).toEqual(customer);
    expect(verifyCallerHeader(KEY, signHs256(routerClaims({ nbf: now })), QUERY)).toEqual(customer);
  });

  it("a header whose JOSE header is not the router's as the router writes it, even HS256 with the right key", () => {
    for (const jose of [{ typ: 'JWT', alg: 'HS256' }, { alg: 'HS256' }, { alg: 'HS256', typ: 'JWT', kid: 'x' }]) {
      expectUnauthenticated(() => verifyCallerHeader(KEY, signByHand(jose, routerClaims()), QUERY), INVALID);
    }
  });

  it('a header with its signature cut, lengthened or in another encoding', () => {
    const header = signCallerHeader(KEY, customer, QUERY);
    const dot = header.lastIndexOf('.');
    const signature = header.slice(dot + 1);
    const hex = Buffer.from(signature, 'base64url').toString('hex');
    for (const forged of [signature.slice(0, -1), `${signature}A`, `${signature}=`, hex, `${signature}.${signature}`]) {
      expectUnauthenticated(() => verifyCallerHeader(KEY, `${header.slice(0, dot)}.${forged}`, QUERY), INVALID);
    }
  });

  it('a header from another issuer, even with the right key', () => {
    const header = signHs256(routerClaims({ iss: 'bank-identity' }));
    expectUnauthenticated(() => verifyCallerHeader(KEY, header, QUERY), INVALID);
  });

  it('a header for another audience, even with the right key', () => {
    const header = signHs256(routerClaims({ aud: 'bank-api' }));
    expectUnauthenticated(() => verifyCallerHeader(KEY, header, QUERY), INVALID);
  });

  it('a client access token passed off as the caller header', () => {
    const identity = generateEs256KeyPair();
    const accessToken = signEs256(routerClaims({ iss: 'bank-identity', aud: 'bank-api' }), identity.privateKey);
    expectUnauthenticated(() => verifyCallerHeader(KEY, accessToken, QUERY), INVALID);
  });

  it('a header whose payload was changed after signing', () => {
    const [head, payload, signature] = signCallerHeader(KEY, customer, QUERY).split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    const tampered = `${head}.${base64url(JSON.stringify({ ...claims, roles: ['ADMIN'] }))}.${signature}`;
    expectUnauthenticated(() => verifyCallerHeader(KEY, tampered, QUERY), INVALID);
  });

  it('a garbage header', () => {
    expectUnauthenticated(() => verifyCallerHeader(KEY, 'not-a-jwt', QUERY), INVALID);
  });
});

describe('authenticateCaller: the router or an internal service', () => {
  const services = generateEs256KeyPair();
  const keys = { router: KEY, service: services.publicKey };
  const SERVICE_INVALID = 'The service signature on this request is invalid or expired.';

  it("takes the router's header and the services' header, each for what it says", () => {
    expect(authenticateCaller(keys, signCallerHeader(KEY, customer, QUERY), QUERY)).toEqual(customer);
    expect(authenticateCaller(keys, signServiceHeader(services.privateKey, 'billing', QUERY), QUERY)).toEqual({
      kind: 'service',
      service: 'billing',
    });
  });

  it('refuses a service header where no service calls are accepted', () => {
    const header = signServiceHeader(services.privateKey, 'billing', QUERY);
    expectUnauthenticated(() => authenticateCaller({ router: KEY }, header, QUERY), INVALID);
  });

  it('refuses a service header signed with another key, or for another operation', () => {
    const other = generateEs256KeyPair();
    const header = signServiceHeader(other.privateKey, 'lending', QUERY);
    expectUnauthenticated(() => authenticateCaller(keys, header, QUERY), SERVICE_INVALID);
    expectUnauthenticated(
      () => authenticateCaller(keys, signServiceHeader(services.privateKey, 'lending', QUERY), '{ other }'),
      'The service signature on this request does not match its operation.',
    );
  });

  it('refuses a service header issued over 30 s ago, or without iat, whatever its exp says', () => {
    const now = Math.floor(Date.now() / 1000);
    const claims = { svc: 'billing', op: operationHash(QUERY), iss: 'bank-service', aud: 'bank-subgraphs' };
    const fresh = signEs256({ ...claims, iat: now, exp: now + 30 }, services.privateKey);
    expect(authenticateCaller(keys, fresh, QUERY)).toEqual({ kind: 'service', service: 'billing' });
    for (const header of [
      signEs256({ ...claims, iat: now - 31 }, services.privateKey),
      signEs256({ ...claims, iat: now - 3600, exp: now + 3600 }, services.privateKey),
      jwt.sign({ ...claims, exp: now + 30 }, services.privateKey, { algorithm: 'ES256', noTimestamp: true }),
    ]) {
      expectUnauthenticated(() => authenticateCaller(keys, header, QUERY), SERVICE_INVALID);
    }
  });

  it('refuses a service header naming no known service', () => {
    const header = signEs256(
      { svc: 'router', op: operationHash(QUERY), iss: 'bank-service', aud: 'bank-subgraphs', exp: routerClaims().exp },
      services.privateKey,
    );
    expectUnauthenticated(
      () => authenticateCaller(keys, header, QUERY),
      'The service signature names no known service.',
    );
  });

  it("refuses a service's claims under the subgraph's own key: a subgraph cannot make itself a service", () => {
    const claims = { svc: 'billing', op: operationHash(QUERY), iss: 'bank-service', aud: 'bank-subgraphs' };
    expectUnauthenticated(
      () => authenticateCaller(keys, signHs256({ ...claims, exp: routerClaims().exp }), QUERY),
      INVALID,
    );
  });

  it("refuses the router's claims signed with the service key", () => {
    const header = signEs256(routerClaims({ roles: ['ADMIN'] }), services.privateKey);
    expectUnauthenticated(() => authenticateCaller(keys, header, QUERY), SERVICE_INVALID);
  });

  it.each(['not-a-jwt', '.', 'e30.e30.', `${base64url('{"alg":')}.x.y`, `${base64url('null')}.x.y`])(
    'refuses a header that is not a JWT (%p)',
    (header) => {
      expectUnauthenticated(() => authenticateCaller(keys, header, QUERY), INVALID);
    },
  );
});

describe('requireUser, requireRole and hasRole', () => {
  const banker: Caller = { kind: 'user', userId: USER_ID, roles: ['BANKER', 'RISK_OFFICER'] };

  it('requireUser returns a signed-in caller', () => {
    expect(requireUser(banker)).toBe(banker);
  });

  it('requireUser refuses the anonymous caller with UNAUTHENTICATED', () => {
    expectUnauthenticated(() => requireUser(ANONYMOUS), 'You must be signed in to do this.');
  });

  it('requireRole returns a caller holding any of the roles', () => {
    expect(requireRole(banker, 'RISK_OFFICER')).toBe(banker);
    expect(requireRole(banker, 'ADMIN', 'BANKER')).toBe(banker);
  });

  it('requireRole refuses a caller without the roles with FORBIDDEN', () => {
    const error = errorOf(() => requireRole(customer, 'BANKER', 'ADMIN'));
    expect(error.extensions).toEqual({ code: 'FORBIDDEN' });
    expect(error.message).toBe('This needs one of the roles: BANKER, ADMIN.');
  });

  it('requireRole refuses a user without any role with FORBIDDEN', () => {
    const error = errorOf(() => requireRole({ kind: 'user', userId: USER_ID, roles: [] }, 'CUSTOMER'));
    expect(error.extensions['code']).toBe('FORBIDDEN');
  });

  it('requireRole refuses the anonymous caller with UNAUTHENTICATED, not FORBIDDEN', () => {
    expectUnauthenticated(() => requireRole(ANONYMOUS, 'CUSTOMER'), 'You must be signed in to do this.');
  });

  it('hasRole answers for users and is false for the anonymous caller', () => {
    expect(hasRole(banker, 'BANKER')).toBe(true);
    expect(hasRole(banker, 'ADMIN')).toBe(false);
    expect(hasRole(ANONYMOUS, 'CUSTOMER')).toBe(false);
  });
});
