import type { AuthPayloadResolvers } from '../generated/resolvers.ts';

export const AuthPayload: AuthPayloadResolvers = {
  // The request carried no token yet, but the payload is the user's own: let them see their private fields.
  user: (payload, _args, { services }) => {
    services.users.markSignedIn(payload.user.id);
    return payload.user;
  },
};
