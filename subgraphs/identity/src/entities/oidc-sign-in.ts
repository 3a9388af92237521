import { defineEntity, p } from '@mikro-orm/core';

/** What a started sign-in at an identity provider is for. */
export const OIDC_SIGN_IN_PURPOSES = ['SIGN_IN', 'LINK'] as const;
export type OidcSignInPurpose = (typeof OIDC_SIGN_IN_PURPOSES)[number];

/**
 * A started authorization code flow: the state, nonce and PKCE verifier sent
 * (or derived from what was sent) to the provider, kept server side until the
 * flow completes. Used once (`usedAt`), valid a few minutes (`expiresAt`).
 */
export const OidcSignInSchema = defineEntity({
  name: 'OidcSignIn',
  tableName: 'oidc_sign_ins',
  properties: {
    /** The opaque sign-in id handed to the client. */
    id: p.uuid().primary(),
    purpose: p.enum(OIDC_SIGN_IN_PURPOSES),
    provider: p.string().length(32),
    issuer: p.string().length(500),
    state: p.string().length(100),
    nonce: p.string().length(100),
    codeVerifier: p.string().length(200).hidden(),
    /** LINK only: the signed-in user who started it. */
    userId: p.uuid().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    expiresAt: p.datetime().index(),
    usedAt: p.datetime().nullable(),
  },
});

export class OidcSignIn extends OidcSignInSchema.class {}
OidcSignInSchema.setClass(OidcSignIn);
