import { OutboxEventSchema } from '../../../../platform/outbox.ts';
import { AuditEventSchema } from './audit-event.ts';
import { DataExportSchema } from './data-export.ts';
import { LoginThrottleSchema } from './login-throttle.ts';
import { RefreshTokenSchema } from './refresh-token.ts';
import { UserSchema } from './user.ts';

export { AuditEvent, type AuditEventType } from './audit-event.ts';
export { DataExport, type DataExportStatus } from './data-export.ts';
export { LoginThrottle } from './login-throttle.ts';
export { RefreshToken } from './refresh-token.ts';
export { User } from './user.ts';

/** Every entity of the identity database. */
export const entities = [
  UserSchema,
  RefreshTokenSchema,
  LoginThrottleSchema,
  AuditEventSchema,
  OutboxEventSchema,
  DataExportSchema,
];
