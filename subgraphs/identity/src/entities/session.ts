import { defineEntity, p } from '@mikro-orm/core';

/**
 * A signed-in session: one refresh-token family (its id is the family id),
 * with what the customer sees of it (device, times, how they authenticated).
 */
export const SessionSchema = defineEntity({
  name: 'Session',
  tableName: 'sessions',
  indexes: [{ properties: ['userId', 'lastUsedAt'] }],
  properties: {
    id: p.uuid().primary(),
    userId: p.uuid(),
    /** The client's User-Agent at sign-in, cut to 200 characters; null when it sent none. */
    device: p.string().length(200).nullable(),
    /** RFC 8176 authentication methods of the sign-in (`pwd`, `fed`, `otp`, `hwk`, `mfa`). */
    amr: p.array().$type<string[]>(),
    createdAt: p.datetime().onCreate(() => new Date()),
    /** The last sign-in or refresh. */
    lastUsedAt: p.datetime().onCreate(() => new Date()),
    revokedAt: p.datetime().nullable(),
  },
});

export class Session extends SessionSchema.class {}
SessionSchema.setClass(Session);
