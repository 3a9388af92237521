import { OutboxEventSchema } from '../../../../platform/outbox.ts';
import { AuditEventSchema } from './audit-event.ts';
import { FederatedIdentitySchema } from './federated-identity.ts';
import { LoginThrottleSchema } from './login-throttle.ts';
import { OidcSignInSchema } from './oidc-sign-in.ts';
import { RefreshTokenSchema } from './refresh-token.ts';
import { UserSchema } from './user.ts';

export { AuditEvent, type AuditEventType } from './audit-event.ts';
export { FederatedIdentity } from './federated-identity.ts';
export { LoginThrottle } from './login-throttle.ts';
export { OidcSignIn, type OidcSignInPurpose } from './oidc-sign-in.ts';
export { RefreshToken } from './refresh-token.ts';
export { User } from './user.ts';

/** Every entity of the identity database. */
export const entities = [
  UserSchema,
  RefreshTokenSchema,
  LoginThrottleSchema,
  AuditEventSchema,
  OutboxEventSchema,
  FederatedIdentitySchema,
  OidcSignInSchema,
];
