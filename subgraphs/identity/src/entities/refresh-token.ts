import { defineEntity, p } from '@mikro-orm/core';

/**
 * One refresh token of a session family. Only its SHA-256 is stored. A token
 * is used once: using it sets `usedAt` and creates the next one in the same
 * family; presenting a used token again revokes the family.
 */
export const RefreshTokenSchema = defineEntity({
  name: 'RefreshToken',
  tableName: 'refresh_tokens',
  properties: {
    id: p.uuid().primary(),
    tokenHash: p.string().length(64).unique(),
    familyId: p.uuid().index(),
    userId: p.uuid().index(),
    createdAt: p.datetime().onCreate(() => new Date()),
    expiresAt: p.datetime(),
    usedAt: p.datetime().nullable(),
    revokedAt: p.datetime().nullable(),
  },
});

export class RefreshToken extends RefreshTokenSchema.class {}
RefreshTokenSchema.setClass(RefreshToken);
