import { defineEntity, p } from '@mikro-orm/core';

/**
 * The first result of a money-moving request, by caller and key. Written in
 * the same database transaction as the posting, so a key is recorded if and
 * only if its money moved.
 */
export const IdempotencyRecordSchema = defineEntity({
  name: 'IdempotencyRecord',
  tableName: 'idempotency_keys',
  properties: {
    /** The caller: a user id or `service:<name>`. Keys of different callers never collide. */
    scope: p.string().length(60).primary(),
    key: p.string().length(100).primary(),
    /** SHA-256 of the operation and its input: the same key with other input is refused. */
    requestHash: p.string().length(64),
    transactionId: p.uuid(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});

export class IdempotencyRecord extends IdempotencyRecordSchema.class {}
IdempotencyRecordSchema.setClass(IdempotencyRecord);
