import { OutboxEventSchema } from '../../../../platform/outbox.ts';
import { AuditEventSchema } from './audit-event.ts';
import { LoginChallengeSchema } from './login-challenge.ts';
import { DataExportSchema } from './data-export.ts';
import { LoginThrottleSchema } from './login-throttle.ts';
import { PasskeyChallengeSchema } from './passkey-challenge.ts';
import { RecoveryCodeSchema } from './recovery-code.ts';
import { SecondFactorSchema } from './second-factor.ts';
import { SessionSchema } from './session.ts';
import { FederatedIdentitySchema } from './federated-identity.ts';
import { OidcSignInSchema } from './oidc-sign-in.ts';
import { RefreshTokenSchema } from './refresh-token.ts';
import { UserSchema } from './user.ts';

export { AuditEvent, type AuditEventType } from './audit-event.ts';
export { LoginChallenge } from './login-challenge.ts';
export { DataExport, type DataExportStatus } from './data-export.ts';
export { LoginThrottle } from './login-throttle.ts';
export { PasskeyChallenge, type PasskeyChallengePurpose } from './passkey-challenge.ts';
export { RecoveryCode } from './recovery-code.ts';
export { SecondFactor, type SecondFactorKind } from './second-factor.ts';
export { Session } from './session.ts';
export { FederatedIdentity } from './federated-identity.ts';
export { OidcSignIn, type OidcSignInPurpose } from './oidc-sign-in.ts';
export { RefreshToken } from './refresh-token.ts';
export { User } from './user.ts';

/** Every entity of the identity database. */
export const entities = [
  UserSchema,
  RefreshTokenSchema,
  SessionSchema,
  SecondFactorSchema,
  RecoveryCodeSchema,
  LoginChallengeSchema,
  PasskeyChallengeSchema,
  LoginThrottleSchema,
  AuditEventSchema,
  OutboxEventSchema,
  DataExportSchema,
  FederatedIdentitySchema,
  OidcSignInSchema,
];
