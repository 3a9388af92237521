import { defineEntity, p } from '@mikro-orm/core';

/** What a stored passkey challenge is for. */
export const PASSKEY_CHALLENGE_PURPOSES = ['REGISTRATION', 'FRESH_FACTOR'] as const;
export type PasskeyChallengePurpose = (typeof PASSKEY_CHALLENGE_PURPOSES)[number];

/**
 * A WebAuthn challenge the bank gave a signed-in user: to register a new
 * passkey (`beginPasskeyRegistration`, with the label it will get) or to
 * prove a fresh passkey before removing a factor or replacing recovery
 * codes (`beginPasskeyChallenge`). Short-lived and used once; a new one of
 * the same purpose replaces the user's earlier ones. Sign-in challenges live
 * on their {@link LoginChallenge} instead.
 */
export const PasskeyChallengeSchema = defineEntity({
  name: 'PasskeyChallenge',
  tableName: 'passkey_challenges',
  indexes: [{ properties: ['userId', 'purpose'] }],
  properties: {
    id: p.uuid().primary(),
    userId: p.uuid(),
    purpose: p.enum(PASSKEY_CHALLENGE_PURPOSES),
    /** The challenge (base64url of 32 random bytes) the authenticator must sign. */
    challenge: p.string().length(200),
    /** REGISTRATION: the name the passkey gets. */
    label: p.string().length(100).nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    expiresAt: p.datetime(),
    usedAt: p.datetime().nullable(),
  },
});

export class PasskeyChallenge extends PasskeyChallengeSchema.class {}
PasskeyChallengeSchema.setClass(PasskeyChallenge);
