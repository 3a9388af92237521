import { scalarResolvers } from '../../../../platform/scalars.ts';
import type { Resolvers } from '../generated/resolvers.ts';
import { AuditEvent } from './audit-event.ts';
import { AuthPayload } from './auth-payload.ts';
import { DataExport } from './data-export.ts';
import { LinkedIdentityProvider } from './federation.ts';
import { Mutation } from './mutation.ts';
import { Query } from './query.ts';
import { Session } from './session.ts';
import { User } from './user.ts';

export const resolvers: Resolvers = {
  ...scalarResolvers,
  Query,
  Mutation,
  User,
  AuditEvent,
  AuthPayload,
  Session,
  DataExport,
  LinkedIdentityProvider,
};
