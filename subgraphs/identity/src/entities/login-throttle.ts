import { defineEntity, p } from '@mikro-orm/core';

/**
 * Failed sign-ins per email (known or not, so a lock says nothing about
 * whether an account exists). The lock lives here, in the database, so every
 * identity instance sees it.
 */
export const LoginThrottleSchema = defineEntity({
  name: 'LoginThrottle',
  tableName: 'login_throttle',
  properties: {
    /** SHA-256 of the lower-cased email. */
    emailKey: p.string().length(64).primary(),
    failures: p.integer().default(0),
    lockedUntil: p.datetime().nullable(),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
});

export class LoginThrottle extends LoginThrottleSchema.class {}
LoginThrottleSchema.setClass(LoginThrottle);
