/**
 * Who is calling a subgraph, as vouched for by the router.
 *
 * The router authenticates the client, then sends the caller to subgraphs in
 * the {@link CALLER_HEADER}: a JWT signed with the router's private key
 * (ES256), valid for a few seconds and bound by a hash to the operation text
 * and its variables, so a captured header cannot be replayed for another
 * operation, nor for the same one with other variables (other `_entities`
 * representations, say), nor after it expires. Subgraphs hold only the public key: they can check the
 * router's word but cannot forge it, and they refuse every request without
 * it, `_entities` and `_service` included.
 */
import { createHash } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { ForbiddenError, UnauthenticatedError } from './errors.ts';

/** The roles of the bank. */
export const ROLES = ['CUSTOMER', 'BUSINESS_OWNER', 'BANKER', 'RISK_OFFICER', 'ADMIN'] as const;
export type Role = (typeof ROLES)[number];

/** A caller that signed in, or nobody. */
export type Caller =
  { readonly kind: 'anonymous' } | { readonly kind: 'user'; readonly userId: string; readonly roles: readonly Role[] };

export const ANONYMOUS: Caller = Object.freeze({ kind: 'anonymous' });

/** Header carrying the router-signed caller. */
export const CALLER_HEADER = 'x-bank-caller';

const ISSUER = 'bank-router';
const AUDIENCE = 'bank-subgraphs';
const ALGORITHM = 'ES256';
/** Seconds a caller header stays valid: long enough for one query plan. */
export const CALLER_HEADER_TTL_SECONDS = 30;

/**
 * SHA-256 of the operation text and its variables, binding a header to one
 * request. Variables hash as their JSON text, which the subgraph reproduces
 * exactly by re-serialising the body it parsed.
 */
export function operationHash(query: string, variables?: Record<string, unknown> | null): string {
  return createHash('sha256')
    .update(query)
    .update('\0')
    .update(JSON.stringify(variables ?? {}))
    .digest('base64url');
}

interface CallerClaims {
  sub?: string;
  roles: Role[];
  op: string;
}

/** Signs the caller header for one subgraph request (router side). */
export function signCallerHeader(
  privateKey: string,
  caller: Caller,
  query: string,
  variables?: Record<string, unknown> | null,
): string {
  const claims: CallerClaims = {
    roles: caller.kind === 'user' ? [...caller.roles] : [],
    op: operationHash(query, variables),
  };
  return jwt.sign(claims, privateKey, {
    algorithm: ALGORITHM,
    issuer: ISSUER,
    audience: AUDIENCE,
    expiresIn: CALLER_HEADER_TTL_SECONDS,
    ...(caller.kind === 'user' ? { subject: caller.userId } : {}),
  });
}

/**
 * Verifies the caller header of a subgraph request (subgraph side).
 *
 * @throws UnauthenticatedError when the header is missing, not signed by the
 *   router, expired, or bound to another operation.
 */
export function verifyCallerHeader(
  publicKey: string,
  header: string | undefined,
  query: string,
  variables?: Record<string, unknown> | null,
): Caller {
  if (header === undefined || header === '') {
    throw new UnauthenticatedError('Subgraphs only answer requests that come through the router.');
  }
  let claims: jwt.JwtPayload;
  try {
    const verified = jwt.verify(header, publicKey, {
      algorithms: [ALGORITHM],
      issuer: ISSUER,
      audience: AUDIENCE,
    });
    if (typeof verified === 'string') throw new Error('unexpected string payload');
    claims = verified;
  } catch {
    throw new UnauthenticatedError('The router signature on this request is invalid or expired.');
  }
  if (claims.op !== operationHash(query, variables)) {
    throw new UnauthenticatedError('The router signature on this request does not match its operation.');
  }
  const roles = Array.isArray(claims.roles) ? claims.roles.filter(isRole) : [];
  return typeof claims.sub === 'string' ? { kind: 'user', userId: claims.sub, roles } : ANONYMOUS;
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** The signed-in caller, or UNAUTHENTICATED. */
export function requireUser(caller: Caller): Extract<Caller, { kind: 'user' }> {
  if (caller.kind !== 'user') throw new UnauthenticatedError();
  return caller;
}

/** The signed-in caller holding one of `roles`, or UNAUTHENTICATED/FORBIDDEN. */
export function requireRole(caller: Caller, ...roles: Role[]): Extract<Caller, { kind: 'user' }> {
  const user = requireUser(caller);
  if (!user.roles.some((r) => roles.includes(r))) {
    throw new ForbiddenError(`This needs one of the roles: ${roles.join(', ')}.`);
  }
  return user;
}

export function hasRole(caller: Caller, role: Role): boolean {
  return caller.kind === 'user' && caller.roles.includes(role);
}
