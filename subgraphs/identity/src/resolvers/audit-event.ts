import type { AuditEventResolvers } from '../generated/resolvers.ts';

export const AuditEvent: AuditEventResolvers = {
  details: (event) => JSON.stringify(event.details),
};
