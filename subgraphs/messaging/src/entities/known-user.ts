import { defineEntity, p } from '@mikro-orm/core';
import type { Role } from '../../../../platform/caller.ts';

/**
 * What messaging knows of a user: their roles, kept from identity's
 * `identity.user.registered` and `identity.user.roles_changed` events (ids and
 * roles only). Used to check who may start a conversation with whom.
 * `asOf` is the time of the event the row reflects: an older event
 * delivered late never overwrites a newer one.
 */
export const KnownUserSchema = defineEntity({
  name: 'KnownUser',
  tableName: 'known_users',
  properties: {
    userId: p.uuid().primary(),
    roles: p.array().$type<Role[]>(),
    asOf: p.datetime(),
  },
});

export class KnownUser extends KnownUserSchema.class {}
KnownUserSchema.setClass(KnownUser);
