import type { UserResolvers } from '../generated/resolvers.ts';

export const User: UserResolvers = {
  __resolveReference: ({ id }, { services }) => services.users.reference(id),
  // An erased user has no email (the stored one is a placeholder that keeps the column unique).
  email: (user, _args, { services }) =>
    services.users.canSeePrivateFields(user) && !user.erasedAt ? user.email : null,
  erasedAt: (user) => user.erasedAt ?? null,
  businessProfile: (user, _args, { services }) =>
    user.businessName
      ? {
          businessName: user.businessName,
          registrationNumber: services.users.canSeePrivateFields(user) ? user.registrationNumber : null,
          industry: user.industry,
        }
      : null,
  bankerProfile: (user) =>
    user.institution ? { institution: user.institution, title: user.title, bio: user.bio } : null,
  sessions: (user, _args, { services }) => (services.users.isSelf(user) ? services.sessions.list(user.id) : null),
  secondFactors: (user, _args, { services }) => (services.users.isSelf(user) ? services.factors.active(user.id) : null),
  recoveryCodesLeft: (user, _args, { services }) =>
    services.users.isSelf(user) ? services.factors.recoveryCodesLeft(user.id) : null,
};
