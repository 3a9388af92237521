import { acrOf } from '../../../../platform/access-token.ts';
import type { SessionResolvers } from '../generated/resolvers.ts';

export const Session: SessionResolvers = {
  authenticationMethods: (session) => session.amr,
  assurance: (session) => acrOf(session.amr),
  current: (session, _args, { services }) => session.id === services.sessions.currentId,
};
