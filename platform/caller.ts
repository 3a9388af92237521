/**
 * Who is calling a subgraph, as vouched for by the router.
 *
 * The router authenticates the client, then sends the caller to subgraphs in
 * the {@link CALLER_HEADER}: a JWT with an HMAC-SHA256 signature (HS256),
 * valid for a few seconds and bound by a hash to the operation text and its
 * variables, so a captured header cannot be replayed for another operation,
 * nor for the same one with other variables (other `_entities`
 * representations, say), nor after it expires. Subgraphs refuse every request
 * without it, `_entities` and `_service` included.
 *
 * Each subgraph has a key of its own, derived from the router's secret
 * ({@link callerKeyFor}), and holds only that key: a subgraph can check the
 * router's word to itself, and could forge it only to itself, whose data it
 * already holds; never to another subgraph. An HMAC costs a tenth of an ES256
 * signature check (about 10 against 75 µs here), and every fetch of every
 * query plan pays one.
 *
 * The router's headers are signed and checked here, without jsonwebtoken:
 * the JOSE header is always the same one and is compared as it is sent
 * (anything else, `alg: none` included, is refused before any decoding), the
 * signature is compared in constant time, `iss`, `aud`, `iat` and `exp` are
 * required, and a header is never valid for longer than
 * {@link CALLER_HEADER_TTL_SECONDS} after its `iat`. They are the JWTs
 * jsonwebtoken made, for half the CPU: 5.6 µs to sign and 5.6 to check,
 * against 9.5 and 13.9 through jsonwebtoken (bench/caller-header.ts).
 *
 * Headers that internal services sign (billing and lending calling banking,
 * identity calling the others) stay ES256 through jsonwebtoken: each subgraph
 * holds only the services' public key.
 */
import { createHash, createHmac, hkdfSync, timingSafeEqual, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { privateKeyObject, publicKeyObject, secretKeyObject } from './key-objects.ts';
import { ForbiddenError, UnauthenticatedError } from './errors.ts';

/** The roles of the bank. */
export const ROLES = ['CUSTOMER', 'BUSINESS_OWNER', 'BANKER', 'RISK_OFFICER', 'ADMIN'] as const;
export type Role = (typeof ROLES)[number];

/**
 * Internal services that call other subgraphs directly, never through the
 * router: billing and lending (sagas, to banking), identity (the customer's
 * data rights: exports and erasure checks, to every other subgraph).
 */
export const SERVICES = ['billing', 'lending', 'identity'] as const;
export type ServiceName = (typeof SERVICES)[number];

/** A caller that signed in, nobody, or an internal service. */
export type Caller =
  | { readonly kind: 'anonymous' }
  | {
      readonly kind: 'user';
      readonly userId: string;
      readonly roles: readonly Role[];
      /** The session (refresh-token family) the access token belongs to. */
      readonly sessionId?: string;
      /** How the user authenticated, as RFC 8176 methods: `pwd`, `fed`, `otp`, `hwk`, and `mfa` with two factors. */
      readonly amr?: readonly string[];
    }
  | { readonly kind: 'service'; readonly service: ServiceName };

export const ANONYMOUS: Caller = Object.freeze({ kind: 'anonymous' });

/** Header carrying the router-signed caller. */
export const CALLER_HEADER = 'x-bank-caller';
/**
 * Header carrying the signed-in user's own access token, which the router
 * sends to the assistant subgraph and to no other: the assistant calls the
 * router with it, so it reads and moves only what the user may.
 */
export const USER_TOKEN_HEADER = 'x-bank-user-token';

const ISSUER = 'bank-router';
/** Issuer of headers signed by an internal service with the service key (which the router never holds). */
const SERVICE_ISSUER = 'bank-service';
const AUDIENCE = 'bank-subgraphs';
/** The services' headers: signed with the service key, checked with its public key. */
const SERVICE_ALGORITHM: jwt.Algorithm = 'ES256';
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

/**
 * The caller-header key of one subgraph (32 bytes, base64), derived from the
 * router's secret with HKDF-SHA256, the subgraph's name as the context: the
 * router derives each subgraph's key once when it starts, `npm run keys:env`
 * prints them, and a subgraph is given its own alone.
 */
export function callerKeyFor(routerSecret: string, subgraph: string): string {
  const key = hkdfSync('sha256', Buffer.from(routerSecret, 'base64'), '', `bank caller header v1\0${subgraph}`, 32);
  return Buffer.from(key).toString('base64');
}

interface CallerClaims {
  sub?: string;
  roles: Role[];
  op: string;
  sid?: string;
  amr?: string[];
}

/** The JOSE header of every caller header the router signs, base64url: `{"alg":"HS256","typ":"JWT"}`. */
const ROUTER_JOSE = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
const ROUTER_PREFIX = `${ROUTER_JOSE}.`;

/** The HMAC-SHA256 of a JWT's signing input (its first two segments), base64url. */
function hs256(key: KeyObject, signingInput: string): string {
  return createHmac('sha256', key).update(signingInput).digest('base64url');
}

/** Signs the caller header for one subgraph request (router side), with that subgraph's {@link callerKeyFor key}. */
export function signCallerHeader(
  subgraphKey: string,
  caller: Caller,
  query: string,
  variables?: Record<string, unknown> | null,
): string {
  const now = Math.floor(Date.now() / 1000);
  const claims: CallerClaims & { iss: string; aud: string; iat: number; exp: number } = {
    ...(caller.kind === 'user' ? { sub: caller.userId } : {}),
    roles: caller.kind === 'user' ? [...caller.roles] : [],
    op: operationHash(query, variables),
    ...(caller.kind === 'user' && caller.sessionId !== undefined ? { sid: caller.sessionId } : {}),
    ...(caller.kind === 'user' && caller.amr !== undefined ? { amr: [...caller.amr] } : {}),
    iss: ISSUER,
    aud: AUDIENCE,
    iat: now,
    exp: now + CALLER_HEADER_TTL_SECONDS,
  };
  const signingInput = ROUTER_PREFIX + Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `${signingInput}.${hs256(secretKeyObject(subgraphKey), signingInput)}`;
}

/**
 * The claims of a caller header the router signed with `key`: its JOSE
 * header exactly the router's, its signature right, issued by the router for
 * the subgraphs, not expired, and valid for no longer than the router makes
 * them (`iat` and `exp` required). Undefined otherwise.
 */
function routerClaims(key: KeyObject, header: string): Record<string, unknown> | undefined {
  if (!header.startsWith(ROUTER_PREFIX)) return undefined;
  const dot = header.indexOf('.', ROUTER_PREFIX.length);
  if (dot < 0) return undefined;
  const given = Buffer.from(header.slice(dot + 1));
  const expected = Buffer.from(hs256(key, header.slice(0, dot)));
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(header.slice(ROUTER_PREFIX.length, dot), 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) return undefined;
  const record = claims as Record<string, unknown>;
  const { iss, aud, exp, nbf, iat } = record;
  const now = Math.floor(Date.now() / 1000);
  if (iss !== ISSUER || aud !== AUDIENCE || typeof exp !== 'number' || !(now < exp)) return undefined;
  // Never valid for longer than the router makes them (jsonwebtoken would take any `exp`, `1e400` included).
  if (typeof iat !== 'number' || !(exp - iat <= CALLER_HEADER_TTL_SECONDS)) return undefined;
  // As jsonwebtoken checks it when present (the router never sets it).
  if (nbf !== undefined && !(typeof nbf === 'number' && nbf <= now)) return undefined;
  return record;
}

/**
 * Verifies the caller header of a subgraph request (subgraph side), with this
 * subgraph's own {@link callerKeyFor key}.
 *
 * @throws UnauthenticatedError when the header is missing, not signed by the
 *   router for this subgraph, expired, or bound to another operation.
 */
export function verifyCallerHeader(
  subgraphKey: string,
  header: string | undefined,
  query: string,
  variables?: Record<string, unknown> | null,
): Caller {
  if (header === undefined || header === '') {
    throw new UnauthenticatedError('Subgraphs only answer requests that come through the router.');
  }
  const claims = routerClaims(secretKeyObject(subgraphKey), header);
  if (claims === undefined) {
    throw new UnauthenticatedError('The router signature on this request is invalid or expired.');
  }
  checkOperation('router', claims, query, variables);
  const roles = Array.isArray(claims.roles) ? claims.roles.filter(isRole) : [];
  if (typeof claims.sub !== 'string') return ANONYMOUS;
  return {
    kind: 'user',
    userId: claims.sub,
    roles,
    ...(typeof claims.sid === 'string' ? { sessionId: claims.sid } : {}),
    ...(Array.isArray(claims.amr) ? { amr: claims.amr.filter((m): m is string => typeof m === 'string') } : {}),
  };
}

/** Refuses claims that were not signed for this operation and these variables. */
function checkOperation(
  signer: 'router' | 'service',
  claims: Record<string, unknown>,
  query: string,
  variables: Record<string, unknown> | null | undefined,
): void {
  if (claims.op !== operationHash(query, variables)) {
    throw new UnauthenticatedError(`The ${signer} signature on this request does not match its operation.`);
  }
}

/**
 * Checks a service's caller header: its ES256 signature with the services'
 * public key (algorithm and issuer pinned), audience, expiry (and no more
 * than 30 s since its `iat`), and that it was signed for this operation and
 * these variables.
 */
function verifyServiceSigned(
  publicKey: string,
  header: string,
  query: string,
  variables: Record<string, unknown> | null | undefined,
): jwt.JwtPayload {
  let claims: jwt.JwtPayload | string;
  try {
    claims = jwt.verify(header, publicKeyObject(publicKey), {
      algorithms: [SERVICE_ALGORITHM],
      issuer: SERVICE_ISSUER,
      audience: AUDIENCE,
      // `iat` required, and never valid for longer than a service makes them, whatever `exp` says.
      maxAge: CALLER_HEADER_TTL_SECONDS,
    });
  } catch {
    throw new UnauthenticatedError('The service signature on this request is invalid or expired.');
  }
  if (typeof claims === 'string') {
    throw new UnauthenticatedError('The service signature on this request does not match its operation.');
  }
  checkOperation('service', claims, query, variables);
  return claims;
}

/**
 * Signs the caller header of a service-to-service request (billing or lending
 * calling banking). Signed with the service key, which the router does not
 * hold: a user's request can never arrive with a service identity.
 */
export function signServiceHeader(
  privateKey: string,
  service: ServiceName,
  query: string,
  variables?: Record<string, unknown> | null,
): string {
  return jwt.sign({ svc: service, op: operationHash(query, variables) }, privateKeyObject(privateKey), {
    algorithm: SERVICE_ALGORITHM,
    issuer: SERVICE_ISSUER,
    audience: AUDIENCE,
    expiresIn: CALLER_HEADER_TTL_SECONDS,
  });
}

/** Keys a subgraph trusts: its own caller-header key, and the services' public key when it accepts service calls. */
export interface CallerKeys {
  router: string;
  service?: string | undefined;
}

/** The `alg` of a JWT's JOSE header (its first segment), without decoding the payload; undefined if unreadable. */
function algorithmOf(header: string): unknown {
  const dot = header.indexOf('.');
  if (dot <= 0) return undefined;
  try {
    const jose: unknown = JSON.parse(Buffer.from(header.slice(0, dot), 'base64url').toString('utf8'));
    return typeof jose === 'object' && jose !== null ? (jose as { alg?: unknown }).alg : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Authenticates the caller header of a subgraph request, signed either by the
 * router (users, anonymous) or by an internal service.
 * @throws UnauthenticatedError as {@link verifyCallerHeader}.
 */
export function authenticateCaller(
  keys: CallerKeys,
  header: string | undefined,
  query: string,
  variables?: Record<string, unknown> | null,
): Caller {
  // The algorithm names the signer, from the JOSE header alone: each path pins its own algorithm and issuer.
  if (
    keys.service === undefined ||
    header === undefined ||
    header.startsWith(ROUTER_PREFIX) ||
    algorithmOf(header) !== SERVICE_ALGORITHM
  ) {
    return verifyCallerHeader(keys.router, header, query, variables);
  }
  const claims = verifyServiceSigned(keys.service, header, query, variables);
  const service = claims.svc;
  if (!(SERVICES as readonly unknown[]).includes(service)) {
    throw new UnauthenticatedError('The service signature names no known service.');
  }
  return { kind: 'service', service: service as ServiceName };
}

/** The internal service calling, or FORBIDDEN: for operations no user may call. */
export function requireService(caller: Caller, ...services: ServiceName[]): Extract<Caller, { kind: 'service' }> {
  if (caller.kind !== 'service' || (services.length > 0 && !services.includes(caller.service))) {
    throw new ForbiddenError('Only internal services may do this.');
  }
  return caller;
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
