import { defineEntity, p } from '@mikro-orm/core';

/**
 * The second step of a sign-in: the first factor was right, the second is
 * awaited. Short-lived, a few attempts, used once.
 */
export const LoginChallengeSchema = defineEntity({
  name: 'LoginChallenge',
  tableName: 'login_challenges',
  properties: {
    id: p.uuid().primary(),
    userId: p.uuid().index(),
    /** The first factor's method: `pwd` or `fed`. */
    firstFactor: p.string().length(10),
    /** The hashed email the sign-in throttle counts failures under (null for federated sign-ins). */
    emailKey: p.string().length(64).nullable(),
    device: p.string().length(200).nullable(),
    /** WebAuthn: the challenge (base64url) a passkey must sign to answer. */
    webauthnChallenge: p.string().length(200).nullable(),
    attempts: p.integer().default(0),
    createdAt: p.datetime().onCreate(() => new Date()),
    expiresAt: p.datetime(),
    completedAt: p.datetime().nullable(),
  },
});

export class LoginChallenge extends LoginChallengeSchema.class {}
LoginChallengeSchema.setClass(LoginChallenge);
