import { defineEntity, p } from '@mikro-orm/core';

/** Kinds of audit events. */
export const AUDIT_EVENT_TYPES = [
  'USER_REGISTERED',
  'STAFF_USER_CREATED',
  'LOGIN_SUCCEEDED',
  'LOGIN_FAILED',
  'LOGIN_LOCKED',
  'REFRESH_TOKEN_REUSED',
  'LOGGED_OUT',
  'ROLES_CHANGED',
  'MFA_CHALLENGE_FAILED',
  'SECOND_FACTOR_FAILED',
  'SECOND_FACTOR_ADDED',
  'SECOND_FACTOR_REMOVED',
  'RECOVERY_CODE_USED',
  'RECOVERY_CODES_REGENERATED',
  'PASSWORD_CHANGED',
  'SESSION_REVOKED',
  'OTHER_SESSIONS_REVOKED',
  'STEP_UP_CONFIRMED',
  'STEP_UP_FAILED',
  'DATA_EXPORT_REQUESTED',
  'DATA_EXPORT_DOWNLOADED',
  'ERASURE_REFUSED',
  'USER_ERASED',
  'PASSKEY_CLONE_SUSPECTED',
  // Sign-in with an identity provider (services/federated-sign-in.ts).
  'FEDERATED_IDENTITY_LINKED',
  'FEDERATED_SIGN_IN_REFUSED',
] as const;
export type AuditEventType = (typeof AUDIT_EVENT_TYPES)[number];

/** An append-only record of a security-relevant event. */
export const AuditEventSchema = defineEntity({
  name: 'AuditEvent',
  tableName: 'audit_events',
  indexes: [{ properties: ['occurredAt', 'id'] }, { properties: ['userId', 'occurredAt'] }],
  properties: {
    id: p.uuid().primary(),
    type: p.enum(AUDIT_EVENT_TYPES),
    userId: p.uuid().nullable(),
    actorId: p.uuid().nullable(),
    details: p.json<Record<string, string | number | boolean | null>>(),
    occurredAt: p.datetime().onCreate(() => new Date()),
  },
});

export class AuditEvent extends AuditEventSchema.class {}
AuditEventSchema.setClass(AuditEvent);
