import { defineEntity, p } from '@mikro-orm/core';
import type { Role } from '../../../../platform/caller.ts';

/** A person who uses the bank, with the profile basics of their role. */
export const UserSchema = defineEntity({
  name: 'User',
  tableName: 'users',
  properties: {
    id: p.uuid().primary(),
    /** Lower-cased; unique. */
    email: p.string().length(320).unique(),
    passwordHash: p.string().length(200).hidden(),
    name: p.string().length(200),
    roles: p.array().$type<Role[]>(),
    businessName: p.string().length(200).nullable(),
    registrationNumber: p.string().length(100).nullable(),
    industry: p.string().length(100).nullable(),
    institution: p.string().length(200).nullable(),
    title: p.string().length(200).nullable(),
    bio: p.text().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    /** Set when the user's personal data was erased (GDPR art. 17): the row stays as an anonymous "Erased user". */
    erasedAt: p.datetime().nullable(),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
});

export class User extends UserSchema.class {}
UserSchema.setClass(User);
