import { jest } from '@jest/globals';
import { createHmac, createSecretKey, generateKeyPairSync } from 'node:crypto';
import { GraphQLError } from 'graphql';
import jwt from 'jsonwebtoken';
import {
  ACCESS_TOKEN_AUDIENCE,
  ACCESS_TOKEN_ISSUER,
  callerFromAuthorization,
  issueAccessToken,
  verifyAccessToken,
} from './access-token.ts';
import { generateEs256KeyPair } from './keys.ts';

const keys = generateEs256KeyPair();
const USER_ID = '6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

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

function expectRefused(fn: () => unknown, reason: 'TOKEN_INVALID' | 'TOKEN_EXPIRED'): void {
  const error = errorOf(fn);
  expect(error.extensions['code']).toBe('UNAUTHENTICATED');
  expect(error.extensions['reason']).toBe(reason);
}

const base64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

/** Builds a JWT by hand, so no library can refuse to forge it. */
function handMadeToken(header: object, payload: object, sign: (signingInput: string) => string): string {
  const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`;
  return `${signingInput}.${sign(signingInput)}`;
}

/** Claims exactly as identity would put them in a token for USER_ID, valid for 15 minutes. */
function validClaims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return {
    sub: USER_ID,
    roles: ['CUSTOMER'],
    iss: ACCESS_TOKEN_ISSUER,
    aud: ACCESS_TOKEN_AUDIENCE,
    iat: now,
    exp: now + 900,
    ...overrides,
  };
}

describe('issueAccessToken then verifyAccessToken', () => {
  it('round-trips the subject and roles, and expires ttl seconds after now', () => {
    const now = new Date(Math.floor(Date.now() / 1000) * 1000);
    const issued = issueAccessToken(keys.privateKey, { userId: USER_ID, roles: ['CUSTOMER', 'BANKER'] }, 900, now);

    expect(issued.expiresAt.getTime()).toBe(now.getTime() + 900_000);
    expect(verifyAccessToken(keys.publicKey, issued.token)).toEqual({
      kind: 'user',
      userId: USER_ID,
      roles: ['CUSTOMER', 'BANKER'],
    });
  });

  it('signs ES256 with the pinned issuer, audience, expiry and a unique jti', () => {
    const now = new Date(Math.floor(Date.now() / 1000) * 1000);
    const first = issueAccessToken(keys.privateKey, { userId: USER_ID, roles: [] }, 60, now);
    const second = issueAccessToken(keys.privateKey, { userId: USER_ID, roles: [] }, 60, now);
    const decoded = jwt.decode(first.token, { complete: true });
    if (decoded === null || typeof decoded.payload === 'string') throw new Error('token did not decode');

    expect(decoded.header).toEqual({ alg: 'ES256', typ: 'JWT' });
    const iat = now.getTime() / 1000;
    expect(decoded.payload).toEqual({
      sub: USER_ID,
      roles: [],
      iss: 'bank-identity',
      aud: 'bank-api',
      iat,
      exp: iat + 60,
      jti: expect.stringMatching(UUID),
    });
    expect(jwt.decode(second.token, { json: true })?.jti).not.toBe(decoded.payload.jti);
  });

  it('keeps only known roles from the token', () => {
    const token = jwt.sign(validClaims({ roles: ['CUSTOMER', 'ROOT', 7, 'ADMIN'] }), keys.privateKey, {
      algorithm: 'ES256',
    });
    expect(verifyAccessToken(keys.publicKey, token)).toEqual({
      kind: 'user',
      userId: USER_ID,
      roles: ['CUSTOMER', 'ADMIN'],
    });
  });

  it('accepts a token built by hand with the right key (control for the forgeries below)', () => {
    const token = jwt.sign(validClaims(), keys.privateKey, { algorithm: 'ES256' });
    expect(verifyAccessToken(keys.publicKey, token)).toEqual({ kind: 'user', userId: USER_ID, roles: ['CUSTOMER'] });
  });
});

describe('verifyAccessToken refuses with UNAUTHENTICATED', () => {
  it('an expired token, with reason TOKEN_EXPIRED', () => {
    const twoHoursAgo = new Date(Date.now() - 2 * 3600 * 1000);
    const { token, expiresAt } = issueAccessToken(
      keys.privateKey,
      { userId: USER_ID, roles: ['CUSTOMER'] },
      900,
      twoHoursAgo,
    );
    expect(expiresAt.getTime()).toBeLessThan(Date.now());

    const error = errorOf(() => verifyAccessToken(keys.publicKey, token));
    expect(error.message).toBe('The access token has expired; refresh it.');
    expect(error.extensions).toEqual({ code: 'UNAUTHENTICATED', reason: 'TOKEN_EXPIRED' });
  });

  it('an unsigned token (alg: none)', () => {
    const token = handMadeToken({ alg: 'none', typ: 'JWT' }, validClaims(), () => '');
    expectRefused(() => verifyAccessToken(keys.publicKey, token), 'TOKEN_INVALID');
  });

  it('an unsigned token made by jsonwebtoken itself', () => {
    const token = jwt.sign(validClaims(), '', { algorithm: 'none' });
    expectRefused(() => verifyAccessToken(keys.publicKey, token), 'TOKEN_INVALID');
  });

  it('an HS256 token keyed with the public key (algorithm confusion)', () => {
    const token = handMadeToken({ alg: 'HS256', typ: 'JWT' }, validClaims({ roles: ['ADMIN'] }), (input) =>
      createHmac('sha256', keys.publicKey).update(input).digest('base64url'),
    );
    // The forgery is a well-formed HS256 token: a verifier that trusted the header would accept it.
    const publicKeyAsSecret = createSecretKey(Buffer.from(keys.publicKey));
    expect(jwt.verify(token, publicKeyAsSecret, { algorithms: ['HS256'] })).toMatchObject({ roles: ['ADMIN'] });

    const error = errorOf(() => verifyAccessToken(keys.publicKey, token));
    expect(error.extensions).toEqual({ code: 'UNAUTHENTICATED', reason: 'TOKEN_INVALID' });
    expect(error.message).toBe('The access token is invalid.');
  });

  it('a token signed by another ES256 key', () => {
    const other = generateEs256KeyPair();
    const { token } = issueAccessToken(other.privateKey, { userId: USER_ID, roles: ['ADMIN'] }, 900);
    expect(verifyAccessToken(other.publicKey, token).userId).toBe(USER_ID);
    expectRefused(() => verifyAccessToken(keys.publicKey, token), 'TOKEN_INVALID');
  });

  it('an RS256 token', () => {
    const rsa = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    const token = jwt.sign(validClaims(), rsa.privateKey, { algorithm: 'RS256' });
    expectRefused(() => verifyAccessToken(keys.publicKey, token), 'TOKEN_INVALID');
    // Even given the matching RSA public key, the pinned algorithm refuses it.
    expectRefused(() => verifyAccessToken(rsa.publicKey, token), 'TOKEN_INVALID');
  });

  it('an ES384 token', () => {
    const p384 = generateKeyPairSync('ec', {
      namedCurve: 'P-384',
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    const token = jwt.sign(validClaims(), p384.privateKey, { algorithm: 'ES384' });
    expectRefused(() => verifyAccessToken(p384.publicKey, token), 'TOKEN_INVALID');
  });

  it('a token from another issuer', () => {
    const token = jwt.sign(validClaims({ iss: 'bank-router' }), keys.privateKey, { algorithm: 'ES256' });
    expectRefused(() => verifyAccessToken(keys.publicKey, token), 'TOKEN_INVALID');
  });

  it('a token without an issuer', () => {
    const { iss: _iss, ...claims } = validClaims();
    const token = jwt.sign(claims, keys.privateKey, { algorithm: 'ES256' });
    expectRefused(() => verifyAccessToken(keys.publicKey, token), 'TOKEN_INVALID');
  });

  it('a token for another audience', () => {
    const token = jwt.sign(validClaims({ aud: 'bank-subgraphs' }), keys.privateKey, { algorithm: 'ES256' });
    expectRefused(() => verifyAccessToken(keys.publicKey, token), 'TOKEN_INVALID');
  });

  it('a token whose payload was changed after signing', () => {
    const { token } = issueAccessToken(keys.privateKey, { userId: USER_ID, roles: ['CUSTOMER'] }, 900);
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    expect(claims['roles']).toEqual(['CUSTOMER']);
    const tampered = `${header}.${base64url(JSON.stringify({ ...claims, roles: ['ADMIN'] }))}.${signature}`;

    expectRefused(() => verifyAccessToken(keys.publicKey, tampered), 'TOKEN_INVALID');
  });

  it('a token without a subject', () => {
    const { sub: _sub, ...claims } = validClaims();
    const token = jwt.sign(claims, keys.privateKey, { algorithm: 'ES256' });
    expectRefused(() => verifyAccessToken(keys.publicKey, token), 'TOKEN_INVALID');
  });

  it('a token whose subject is not a string', () => {
    const token = jwt.sign(validClaims({ sub: 42 }), keys.privateKey, { algorithm: 'ES256' });
    expectRefused(() => verifyAccessToken(keys.publicKey, token), 'TOKEN_INVALID');
  });

  it('a token without roles', () => {
    const { roles: _roles, ...claims } = validClaims();
    const token = jwt.sign(claims, keys.privateKey, { algorithm: 'ES256' });
    expectRefused(() => verifyAccessToken(keys.publicKey, token), 'TOKEN_INVALID');
  });

  it('a token that is not yet valid', () => {
    const token = jwt.sign(validClaims({ nbf: Math.floor(Date.now() / 1000) + 600 }), keys.privateKey, {
      algorithm: 'ES256',
    });
    expectRefused(() => verifyAccessToken(keys.publicKey, token), 'TOKEN_INVALID');
  });

  it.each(['garbage', '', 'a.b.c', 'eyJhbGciOiJFUzI1NiJ9..', '..'])('the string %p', (token) => {
    expectRefused(() => verifyAccessToken(keys.publicKey, token), 'TOKEN_INVALID');
  });
});

describe('callerFromAuthorization', () => {
  const { token } = issueAccessToken(keys.privateKey, { userId: USER_ID, roles: ['BUSINESS_OWNER'] }, 900);

  it('treats a missing header as an anonymous caller', () => {
    expect(callerFromAuthorization(keys.publicKey, undefined)).toEqual({ kind: 'anonymous' });
  });

  it.each(['', '   '])('treats the empty header %p as an anonymous caller', (header) => {
    expect(callerFromAuthorization(keys.publicKey, header)).toEqual({ kind: 'anonymous' });
  });

  it.each(['Basic x', 'Basic dXNlcjpwYXNz', 'Bearer', 'Bearer ', 'Token abc', 'Bearer a b'])(
    'refuses %p with UNAUTHENTICATED',
    (header) => {
      const error = errorOf(() => callerFromAuthorization(keys.publicKey, header));
      expect(error.message).toBe('The Authorization header must be "Bearer <access token>".');
      expect(error.extensions).toEqual({ code: 'UNAUTHENTICATED', reason: 'TOKEN_INVALID' });
    },
  );

  it('refuses a bearer token that does not verify', () => {
    expectRefused(() => callerFromAuthorization(keys.publicKey, 'Bearer not-a-token'), 'TOKEN_INVALID');
  });

  it('refuses an expired bearer token with TOKEN_EXPIRED', () => {
    const old = issueAccessToken(keys.privateKey, { userId: USER_ID, roles: [] }, 60, new Date(Date.now() - 3600_000));
    expectRefused(() => callerFromAuthorization(keys.publicKey, `Bearer ${old.token}`), 'TOKEN_EXPIRED');
  });

  it('returns the user of a valid bearer token', () => {
    expect(callerFromAuthorization(keys.publicKey, `Bearer ${token}`)).toEqual({
      kind: 'user',
      userId: USER_ID,
      roles: ['BUSINESS_OWNER'],
    });
  });

  it('accepts the scheme in any case and surrounding whitespace', () => {
    expect(callerFromAuthorization(keys.publicKey, `  bearer   ${token} `)).toEqual({
      kind: 'user',
      userId: USER_ID,
      roles: ['BUSINESS_OWNER'],
    });
  });

  it('keeps only the known roles of the token', () => {
    const forged = jwt.sign(validClaims({ roles: ['SUPERUSER', 'RISK_OFFICER', 'admin'] }), keys.privateKey, {
      algorithm: 'ES256',
    });
    expect(callerFromAuthorization(keys.publicKey, `Bearer ${forged}`)).toEqual({
      kind: 'user',
      userId: USER_ID,
      roles: ['RISK_OFFICER'],
    });
  });
});

describe('verifyAccessToken remembers the tokens it verified', () => {
  afterEach(() => jest.restoreAllMocks());

  it('answers a verified token again without its signature check, and refuses it once expired', () => {
    const { token, expiresAt } = issueAccessToken(keys.privateKey, { userId: USER_ID, roles: ['CUSTOMER'] }, 900);
    const first = verifyAccessToken(keys.publicKey, token);
    const verify = jest.spyOn(jwt, 'verify');
    expect(verifyAccessToken(keys.publicKey, token)).toBe(first);
    expect(verify).not.toHaveBeenCalled();
    expect(Object.isFrozen(first) && Object.isFrozen(first.roles)).toBe(true);

    // One millisecond before `exp` it still holds; at `exp` it is expired, as jsonwebtoken says.
    const now = jest.spyOn(Date, 'now').mockReturnValue(expiresAt.getTime() - 1);
    expect(verifyAccessToken(keys.publicKey, token)).toBe(first);
    now.mockReturnValue(expiresAt.getTime());
    expectRefused(() => verifyAccessToken(keys.publicKey, token), 'TOKEN_EXPIRED');
  });

  it('only for the exact token and the key that verified it', () => {
    const { token } = issueAccessToken(keys.privateKey, { userId: USER_ID, roles: ['CUSTOMER'] }, 900);
    verifyAccessToken(keys.publicKey, token);
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const tampered = `${header}.${payload}.${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BB' : 'AA'}`;
    expectRefused(() => verifyAccessToken(keys.publicKey, tampered), 'TOKEN_INVALID');
    expectRefused(() => verifyAccessToken(generateEs256KeyPair().publicKey, token), 'TOKEN_INVALID');
  });
});
