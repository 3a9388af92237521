import type { MutationResolvers } from '../generated/resolvers.ts';
import { federationMutations } from './federation.ts';

export const Mutation: MutationResolvers = {
  register: (_parent, { input }, { services }) => services.auth.register(input),
  login: (_parent, { email, password }, { services }) => services.auth.login(email, password),
  refreshToken: (_parent, { refreshToken }, { services }) => services.auth.refresh(refreshToken),
  logout: (_parent, { refreshToken }, { services }) => services.auth.logout(refreshToken),
  createStaffUser: (_parent, { input }, { services }) => services.auth.createStaffUser(input),
  setUserRoles: (_parent, { input }, { services }) => services.users.setRoles(input.userId, input.roles),
  completeLogin: (_parent, { challengeId, proof }, { services }) => services.auth.completeLogin(challengeId, proof),
  beginTotpEnrollment: (_parent, { label, proof }, { services }) => services.factors.beginTotp(label, proof),
  confirmTotpEnrollment: (_parent, { code }, { services }) => services.factors.confirmTotp(code),
  beginPasskeyRegistration: (_parent, { label, proof }, { services }) =>
    services.passkeys.beginRegistration(label, proof),
  completePasskeyRegistration: (_parent, { id, response }, { services }) =>
    services.passkeys.completeRegistration(id, response),
  beginPasskeyChallenge: (_parent, _args, { services }) => services.passkeys.beginChallenge(),
  regenerateRecoveryCodes: (_parent, { proof }, { services }) => services.factors.regenerateRecoveryCodes(proof),
  removeSecondFactor: (_parent, { id, proof }, { services }) => services.factors.remove(id, proof),
  changePassword: (_parent, { currentPassword, newPassword }, { services }) =>
    services.auth.changePassword(currentPassword, newPassword),
  revokeSession: (_parent, { id }, { services }) => services.sessions.revoke(id),
  revokeAllOtherSessions: (_parent, _args, { services }) => services.sessions.revokeOthers(),
  confirmStepUp: (_parent, { challengeId, proof }, { services }) => services.stepUps.confirm(challengeId, proof),
  requestDataExport: (_parent, _args, { services }) => services.dataRights.requestExport(),
  requestErasure: (_parent, { userId }, { services }) => services.dataRights.requestErasure(userId),
  ...federationMutations,
};
