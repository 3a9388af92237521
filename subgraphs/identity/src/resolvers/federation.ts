/** Sign-in with an identity provider (services/federated-sign-in.ts). */
import type { LinkedIdentityProviderResolvers, MutationResolvers, QueryResolvers } from '../generated/resolvers.ts';

export const federationQueries: Pick<QueryResolvers, 'identityProviders' | 'myLinkedIdentityProviders'> = {
  identityProviders: (_parent, _args, { services }) => services.federation.providerNames().map((name) => ({ name })),
  myLinkedIdentityProviders: (_parent, _args, { services }) => services.federation.linked(),
};

export const federationMutations: Pick<
  MutationResolvers,
  | 'beginIdentityProviderSignIn'
  | 'completeIdentityProviderSignIn'
  | 'beginIdentityProviderLink'
  | 'completeIdentityProviderLink'
> = {
  beginIdentityProviderSignIn: (_parent, { provider }, { services }) => services.federation.begin(provider),
  completeIdentityProviderSignIn: (_parent, { signInId, callbackUrl }, { services }) =>
    services.federation.complete(signInId, callbackUrl),
  beginIdentityProviderLink: (_parent, { provider }, { services }) => services.federation.beginLink(provider),
  completeIdentityProviderLink: (_parent, { signInId, callbackUrl }, { services }) =>
    services.federation.completeLink(signInId, callbackUrl),
};

export const LinkedIdentityProvider: LinkedIdentityProviderResolvers = {
  linkedAt: (identity) => identity.createdAt,
};
