/**
 * Identity's domain events, written to its outbox in the same transaction as
 * the change: other subgraphs (messaging, to know who is a banker) keep what
 * they need of users from them. They carry ids and roles, never emails.
 */
import type { EntityManager } from '../../../../platform/orm.ts';
import { recordEvent } from '../../../../platform/outbox.ts';
import type { User } from '../entities/index.ts';

export const USER_REGISTERED = 'identity.user.registered';
export const USER_ROLES_CHANGED = 'identity.user.roles_changed';

/** A user now exists, with these roles (sign-up, staff creation, first admin, demo seed). */
export function recordUserRegistered(em: EntityManager, user: User): void {
  recordEvent(em, USER_REGISTERED, { userId: user.id, roles: [...user.roles] });
}

/** A user's roles were replaced. */
export function recordRolesChanged(em: EntityManager, user: User): void {
  recordEvent(em, USER_ROLES_CHANGED, { userId: user.id, roles: [...user.roles] });
}

export const USER_SECURITY_CHANGED = 'identity.user.security_changed';

/**
 * A change that makes the next payments need a second factor (a factor added
 * beside another or removed, a password or role change): banking and billing
 * keep its time.
 */
export function recordSecurityChanged(em: EntityManager, userId: string, change: string): void {
  recordEvent(em, USER_SECURITY_CHANGED, { userId, change, at: new Date().toISOString() });
}
