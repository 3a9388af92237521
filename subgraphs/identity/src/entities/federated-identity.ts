import { defineEntity, p } from '@mikro-orm/core';

/**
 * A bank user's account at an identity provider, identified by the provider's
 * issuer and its subject (`sub`): the only key a sign-in is matched on. The
 * email the provider reported is kept for information; it never links an
 * account by itself.
 */
export const FederatedIdentitySchema = defineEntity({
  name: 'FederatedIdentity',
  tableName: 'federated_identities',
  uniques: [{ properties: ['issuer', 'subject'] }],
  properties: {
    id: p.uuid().primary(),
    userId: p.uuid().index(),
    /** Name of the configured provider it was linked through (informational: the issuer is the key). */
    provider: p.string().length(32),
    issuer: p.string().length(500),
    /** The provider's `sub` claim: stable, never reassigned. */
    subject: p.string().length(255),
    /** Email the provider reported at the last sign-in (lower-cased). */
    email: p.string().length(320).nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    lastSignInAt: p.datetime().nullable(),
  },
});

export class FederatedIdentity extends FederatedIdentitySchema.class {}
FederatedIdentitySchema.setClass(FederatedIdentity);
