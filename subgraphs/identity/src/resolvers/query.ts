import type { QueryResolvers } from '../generated/resolvers.ts';
import { requireRole } from '../../../../platform/caller.ts';
import { federationQueries } from './federation.ts';

export const Query: QueryResolvers = {
  me: (_parent, _args, { services }) => services.users.me(),
  auditEvents: (_parent, args, { caller, services }) => {
    requireRole(caller, 'ADMIN');
    return services.audit.list(args);
  },
  dataExports: (_parent, _args, { services }) => services.dataRights.exports(),
  dataExport: (_parent, { id }, { services }) => services.dataRights.export(id),
  ...federationQueries,
};
