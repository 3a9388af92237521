/**
 * Access tokens: short-lived JWTs that identity signs (ES256, private key)
 * and the router verifies (public key). Verification pins the algorithm, the
 * issuer and the audience, so `alg: none`, an HMAC signed with the public key
 * or a token minted for another service are all refused.
 */
import { randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { privateKeyObject, publicKeyObject } from './key-objects.ts';
import { isRole, type Caller, type Role } from './caller.ts';
import { UnauthenticatedError } from './errors.ts';

export const ACCESS_TOKEN_ISSUER = 'bank-identity';
export const ACCESS_TOKEN_AUDIENCE = 'bank-api';
const ALGORITHM = 'ES256';

export interface IssuedAccessToken {
  token: string;
  expiresAt: Date;
}

/** Whom an access token is for, and how they authenticated. */
export interface AccessTokenSubject {
  userId: string;
  roles: readonly Role[];
  /** The session (refresh-token family). */
  sessionId?: string;
  /** RFC 8176 authentication methods (`pwd`, `fed`, `otp`, `hwk`, `mfa`). */
  amr?: readonly string[];
  /** Staff who must enrol a second factor before anything else (see router/src/request-checks.ts). */
  enrolmentRequired?: boolean;
}

/** Assurance level of `amr`: two factors are NIST AAL2, one is AAL1. */
export function acrOf(amr: readonly string[]): 'aal1' | 'aal2' {
  return amr.includes('mfa') ? 'aal2' : 'aal1';
}

/** Signs an access token for `userId` with `roles`, valid `ttlSeconds`. */
export function issueAccessToken(
  privateKey: string,
  subject: AccessTokenSubject,
  ttlSeconds: number,
  now: Date = new Date(),
): IssuedAccessToken {
  const iat = Math.floor(now.getTime() / 1000);
  const claims = {
    roles: [...subject.roles],
    iat,
    ...(subject.sessionId !== undefined ? { sid: subject.sessionId } : {}),
    ...(subject.amr !== undefined ? { amr: [...subject.amr], acr: acrOf(subject.amr) } : {}),
    ...(subject.enrolmentRequired ? { mfa_enrol: true } : {}),
  };
  const token = jwt.sign(claims, privateKeyObject(privateKey), {
    algorithm: ALGORITHM,
    issuer: ACCESS_TOKEN_ISSUER,
    audience: ACCESS_TOKEN_AUDIENCE,
    subject: subject.userId,
    expiresIn: ttlSeconds,
    jwtid: randomUUID(),
  });
  return { token, expiresAt: new Date((iat + ttlSeconds) * 1000) };
}

/**
 * Verifies an access token and returns its caller.
 * @throws UnauthenticatedError with `reason` TOKEN_EXPIRED or TOKEN_INVALID.
 */
export function verifyAccessToken(publicKey: string, token: string): AccessTokenCaller {
  const verified = verifiedTokens.get(publicKey)?.get(token);
  if (verified) {
    if (verified.expiresAtMs > Date.now()) return verified.caller;
    throw tokenExpired();
  }
  const { caller: checked, exp } = verifyAccessTokenSignature(publicKey, token);
  // Frozen: one object now answers every request that carries this token.
  const caller = Object.freeze(checked);
  for (const list of [caller.roles, caller.amr]) if (list) Object.freeze(list);
  if (exp !== undefined) remember(publicKey, token, caller, exp);
  return caller;
}

const tokenExpired = () =>
  new UnauthenticatedError('The access token has expired; refresh it.', { reason: 'TOKEN_EXPIRED' });

/**
 * Tokens already verified, by verifying key: a client sends the same access
 * token with every request for its whole life, and checking its ES256
 * signature again each time cost the router about 8% of its CPU. The token's
 * text is the key, so only the exact bytes that were verified hit; a hit is
 * still refused once the token's `exp` has passed, as jsonwebtoken would.
 * Bounded: the oldest entries go first.
 */
const verifiedTokens = new Map<string, Map<string, { caller: AccessTokenCaller; expiresAtMs: number }>>();
const MAX_VERIFIED_TOKENS = 10_000;

/** Keeps `caller`, verified from `token`, until the token's `exp` (seconds since the epoch). */
function remember(publicKey: string, token: string, caller: AccessTokenCaller, exp: number): void {
  let tokens = verifiedTokens.get(publicKey);
  if (!tokens) {
    tokens = new Map();
    verifiedTokens.set(publicKey, tokens);
  }
  if (tokens.size >= MAX_VERIFIED_TOKENS) tokens.delete(tokens.keys().next().value as string);
  tokens.set(token, { caller, expiresAtMs: exp * 1000 });
}

/** The caller a token names, and its `exp`, once its signature and claims are checked. */
function verifyAccessTokenSignature(
  publicKey: string,
  token: string,
): { caller: AccessTokenCaller; exp: number | undefined } {
  let claims: jwt.JwtPayload | string;
  try {
    claims = jwt.verify(token, publicKeyObject(publicKey), {
      algorithms: [ALGORITHM],
      issuer: ACCESS_TOKEN_ISSUER,
      audience: ACCESS_TOKEN_AUDIENCE,
    });
  } catch (error) {
    if (error instanceof jwt.TokenExpiredError) throw tokenExpired();
    throw new UnauthenticatedError('The access token is invalid.', { reason: 'TOKEN_INVALID' });
  }
  if (typeof claims === 'string' || typeof claims.sub !== 'string' || !Array.isArray(claims.roles)) {
    throw new UnauthenticatedError('The access token is invalid.', { reason: 'TOKEN_INVALID' });
  }
  const caller: AccessTokenCaller = {
    kind: 'user',
    userId: claims.sub,
    roles: claims.roles.filter(isRole),
    ...(typeof claims.sid === 'string' ? { sessionId: claims.sid } : {}),
    ...(Array.isArray(claims.amr) ? { amr: claims.amr.filter((m): m is string => typeof m === 'string') } : {}),
    ...(claims.mfa_enrol === true ? { enrolmentRequired: true } : {}),
  };
  return { caller, exp: typeof claims.exp === 'number' ? claims.exp : undefined };
}

/** The caller an access token names, and whether it may only enrol a second factor. */
export type AccessTokenCaller = Extract<Caller, { kind: 'user' }> & { readonly enrolmentRequired?: true };

/**
 * Reads `Authorization: Bearer <token>`. No header means an anonymous caller;
 * a header that is present but not a valid bearer token is an error.
 */
export function callerFromAuthorization(publicKey: string, header: string | undefined): Caller {
  if (header === undefined || header.trim() === '') return { kind: 'anonymous' };
  const token = bearerToken(header);
  if (token === undefined) {
    throw new UnauthenticatedError('The Authorization header must be "Bearer <access token>".', {
      reason: 'TOKEN_INVALID',
    });
  }
  return verifyAccessToken(publicKey, token);
}

/**
 * The access token a signed-in user presented in `header`, for what acts as
 * that user (the assistant, platform/caller.ts USER_TOKEN_HEADER); none for
 * anyone else.
 */
export function userAccessToken(caller: Caller, header: string | undefined): string | undefined {
  return caller.kind === 'user' ? bearerToken(header) : undefined;
}

/**
 * A token's claims read without verifying it, for what it only informs (when
 * a socket must close, whose token a subgraph was handed); never for trust.
 */
export function unverifiedClaims(token: string | undefined): jwt.JwtPayload | undefined {
  const claims = token === undefined ? null : jwt.decode(token);
  return claims !== null && typeof claims === 'object' ? claims : undefined;
}

/** The token of an `Authorization: Bearer <token>` header; undefined when the header has another form. */
export function bearerToken(header: string | undefined): string | undefined {
  return header === undefined ? undefined : /^Bearer\s+(\S+)$/i.exec(header.trim())?.[1];
}
