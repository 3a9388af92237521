import { defineEntity, p } from '@mikro-orm/core';

/**
 * A single-use recovery code, stored as the SHA-256 of its normalized text
 * (codes carry 80 random bits, so a plain hash is as strong as a slow one).
 */
export const RecoveryCodeSchema = defineEntity({
  name: 'RecoveryCode',
  tableName: 'recovery_codes',
  properties: {
    id: p.uuid().primary(),
    userId: p.uuid().index(),
    codeHash: p.string().length(64).unique(),
    createdAt: p.datetime().onCreate(() => new Date()),
    usedAt: p.datetime().nullable(),
  },
});

export class RecoveryCode extends RecoveryCodeSchema.class {}
RecoveryCodeSchema.setClass(RecoveryCode);
