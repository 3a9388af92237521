/**
 * Settings of sign-in with an identity provider (OpenID Connect), read by
 * config.ts from the environment:
 *
 * - `OIDC_PROVIDERS`: a JSON array of providers, each
 *   `{"name", "issuer", "clientId", "clientSecret", "redirectUri"}`. The
 *   secret may instead come from `OIDC_<NAME>_CLIENT_SECRET` (the name upper-cased,
 *   `-` as `_`), so that it can live in a secret store apart from the list.
 *   Unset or empty: the feature is off.
 * - `OIDC_CREATE_USERS`: `true` (default) creates a CUSTOMER on the first
 *   sign-in of an unknown provider account; `false` refuses it.
 * - `OIDC_SIGN_IN_TTL_SECONDS`: how long a started sign-in may be completed (600).
 *
 * Issuers must be https; plain http is accepted only for a loopback host
 * (localhost, 127.0.0.1, [::1]) outside production, for tests and local
 * providers. Client secrets never appear in logs: the provider objects hide
 * them from JSON and from `util.inspect`.
 */
import { inspect } from 'node:util';
import { z } from 'zod';

/** One configured identity provider. */
export interface OidcProviderConfig {
  /** Short name clients use (`beginIdentityProviderSignIn(provider: "google")`). */
  readonly name: string;
  /** Issuer identifier; its discovery document is read from `<issuer>/.well-known/openid-configuration`. */
  readonly issuer: string;
  readonly clientId: string;
  /** Never logged (see {@link redactSecret}). */
  readonly clientSecret: string;
  /** Where the provider sends the browser back; registered at the provider. */
  readonly redirectUri: string;
}

export interface OidcConfig {
  readonly providers: readonly OidcProviderConfig[];
  /** Create a CUSTOMER on the first sign-in of an unknown provider account. */
  readonly createUsers: boolean;
  /** Seconds a started sign-in stays valid. */
  readonly signInTtlSeconds: number;
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** https, or http on a loopback host when `allowLoopbackHttp`. */
function acceptableUrl(value: string, allowLoopbackHttp: boolean): boolean {
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  if (url.protocol === 'https:') return url.hostname !== '';
  return url.protocol === 'http:' && allowLoopbackHttp && LOOPBACK.has(url.hostname);
}

const providerSchema = (production: boolean) => {
  const secureUrl = z
    .string()
    .trim()
    .refine((v) => acceptableUrl(v, !production), {
      message: production ? 'must be an https URL' : 'must be an https URL (or http on localhost)',
    });
  return z.object({
    name: z
      .string()
      .trim()
      .regex(/^[a-z][a-z0-9-]{0,31}$/, 'must be 1 to 32 lower-case letters, digits or "-", starting with a letter'),
    issuer: secureUrl.transform((v) => v.replace(/\/+$/, '')),
    clientId: z.string().trim().min(1, 'must not be empty').max(500),
    clientSecret: z.string().min(1, 'must not be empty').max(2000).optional(),
    redirectUri: secureUrl,
  });
};

/** The variable that may hold the secret of `name` instead of `OIDC_PROVIDERS`. */
export const secretVariable = (name: string): string => `OIDC_${name.toUpperCase().replace(/-/g, '_')}_CLIENT_SECRET`;

/** Makes `clientSecret` invisible to JSON (pino) and to `util.inspect` (console), keeping it readable. */
function redactSecret(provider: Omit<OidcProviderConfig, 'clientSecret'>, secret: string): OidcProviderConfig {
  const shown = { ...provider, clientSecret: '[redacted]' };
  const value = { ...provider } as OidcProviderConfig;
  Object.defineProperties(value, {
    clientSecret: { value: secret, enumerable: false },
    toJSON: { value: () => shown, enumerable: false },
    [inspect.custom]: { value: () => shown, enumerable: false },
  });
  return Object.freeze(value);
}

/** Zod fragment for config.ts's environment schema. */
export const oidcEnvSchema = {
  OIDC_PROVIDERS: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === '') return [];
      try {
        const parsed: unknown = JSON.parse(v);
        return parsed;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be a JSON array of providers' });
        return z.NEVER;
      }
    }),
  OIDC_CREATE_USERS: z
    .enum(['true', 'false', ''])
    .optional()
    .transform((v) => v !== 'false'),
};

/**
 * Validates the providers of `OIDC_PROVIDERS` (already JSON-parsed), taking
 * missing secrets from `OIDC_<NAME>_CLIENT_SECRET` in `env`. Returns the
 * config or the list of problems (never containing a secret).
 */
export function parseOidcProviders(
  raw: unknown,
  env: Record<string, string | undefined>,
  production: boolean,
): { providers: OidcProviderConfig[]; problems: string[] } {
  const parsed = z.array(providerSchema(production)).max(20).safeParse(raw);
  if (!parsed.success) {
    // Never echo values: the list may hold secrets.
    return {
      providers: [],
      problems: parsed.error.issues.map((i) => `OIDC_PROVIDERS.${i.path.join('.') || '(root)'}: ${i.message}`),
    };
  }
  const problems: string[] = [];
  const providers: OidcProviderConfig[] = [];
  const seen = new Set<string>();
  for (const [index, p] of parsed.data.entries()) {
    if (seen.has(p.name)) problems.push(`OIDC_PROVIDERS.${index}.name: "${p.name}" is listed twice`);
    seen.add(p.name);
    const fromEnv = env[secretVariable(p.name)];
    const secret = fromEnv !== undefined && fromEnv !== '' ? fromEnv : p.clientSecret;
    if (secret === undefined) {
      problems.push(`OIDC_PROVIDERS.${index}.clientSecret: is required (or set ${secretVariable(p.name)})`);
      continue;
    }
    const { clientSecret: _secret, ...rest } = p;
    providers.push(redactSecret(rest, secret));
  }
  return { providers, problems };
}
