import { defineEntity, p } from '@mikro-orm/core';

export const SECOND_FACTOR_KINDS = ['TOTP', 'PASSKEY'] as const;
export type SecondFactorKind = (typeof SECOND_FACTOR_KINDS)[number];

/**
 * A second factor of a user: an authenticator app (TOTP; its secret sealed
 * with FACTOR_ENCRYPTION_KEY) or a passkey (WebAuthn; its public key). A
 * factor is PENDING from its enrolment's start until its first code or
 * attestation confirms it.
 */
export const SecondFactorSchema = defineEntity({
  name: 'SecondFactor',
  tableName: 'second_factors',
  indexes: [{ properties: ['userId', 'status'] }],
  properties: {
    id: p.uuid().primary(),
    userId: p.uuid(),
    kind: p.enum(SECOND_FACTOR_KINDS),
    status: p.enum(['PENDING', 'ACTIVE'] as const),
    label: p.string().length(100),
    /** TOTP: the base32 secret sealed (AES-256-GCM, the factor id as associated data), base64 of iv, tag and ciphertext. */
    sealedSecret: p.text().nullable().hidden(),
    /** TOTP: the last time step accepted; a code of that step or an earlier one is a replay. */
    lastUsedStep: p.bigint('number').nullable(),
    /** Passkey: the credential id (base64url), unique across the bank. */
    credentialId: p.string().length(1400).nullable().unique(),
    /** Passkey: the COSE public key, base64url. */
    publicKey: p.text().nullable(),
    /** Passkey: the authenticator's signature counter. */
    signCount: p.bigint('number').nullable(),
    /** Passkey: transports the authenticator reported (usb, internal, hybrid...). */
    transports: p.array().$type<string[]>().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    confirmedAt: p.datetime().nullable(),
    lastUsedAt: p.datetime().nullable(),
  },
});

export class SecondFactor extends SecondFactorSchema.class {}
SecondFactorSchema.setClass(SecondFactor);
