import type { MutationResolvers } from '../generated/resolvers.ts';
import { federationMutations } from './federation.ts';

export const Mutation: MutationResolvers = {
  register: (_parent, { input }, { services }) => services.auth.register(input),
  login: (_parent, { email, password }, { services }) => services.auth.login(email, password),
  refreshToken: (_parent, { refreshToken }, { services }) => services.auth.refresh(refreshToken),
  logout: (_parent, { refreshToken }, { services }) => services.auth.logout(refreshToken),
  createStaffUser: (_parent, { input }, { services }) => services.auth.createStaffUser(input),
  setUserRoles: (_parent, { input }, { services }) => services.users.setRoles(input.userId, input.roles),
  ...federationMutations,
};
