import type DataLoader from 'dataloader';
import { rowLoader } from '../../../../platform/loaders.ts';
import { requireRole, requireUser, hasRole, isRole, type Caller, type Role } from '../../../../platform/caller.ts';
import { BadUserInputError, InvalidStateTransitionError, NotFoundError } from '../../../../platform/errors.ts';
import type { EntityManager } from '../../../../platform/orm.ts';
import { isUuid, parseId } from '../../../../platform/validation.ts';
import { User } from '../entities/index.ts';
import type { AuditLog } from './audit-log.ts';
import { recordRolesChanged, recordSecurityChanged } from './user-events.ts';

/** Reading users and, for ADMINs, changing their roles. */
export class UserService {
  readonly #em: EntityManager;
  readonly #caller: Caller;
  readonly #audit: AuditLog;
  /** Batches every user lookup of one request into one query. */
  readonly #byId: DataLoader<string, User | null>;
  /** Users who signed in with this very request (register, login, refresh): they see their own data. */
  readonly #signedInNow = new Set<string>();

  constructor(deps: { em: EntityManager; caller: Caller; audit: AuditLog }) {
    this.#em = deps.em;
    this.#caller = deps.caller;
    this.#audit = deps.audit;
    this.#byId = rowLoader(this.#em, User, 'id');
  }

  /** The signed-in user, or null for an anonymous caller. */
  async me(): Promise<User | null> {
    if (this.#caller.kind !== 'user') return null;
    return this.#byId.load(this.#caller.userId);
  }

  /**
   * A user referenced by another subgraph (account owner, message sender,
   * banker). Any signed-in caller may see public fields; private fields are
   * guarded by {@link canSeePrivateFields}.
   */
  async reference(id: string): Promise<User | null> {
    requireUser(this.#caller);
    // No user has an id that is not a UUID.
    return isUuid(id) ? this.#byId.load(id) : null;
  }

  /** Records that this request signed `userId` in, so its payload shows them their own data. */
  markSignedIn(userId: string): void {
    this.#signedInNow.add(userId);
  }

  /** Is `user` the caller (or the user this request signed in)? Sessions and factors are theirs alone. */
  isSelf(user: User): boolean {
    if (this.#signedInNow.has(user.id)) return true;
    return this.#caller.kind === 'user' && this.#caller.userId === user.id;
  }

  /** The user themself and staff see email and registration number. */
  canSeePrivateFields(user: User): boolean {
    if (this.#signedInNow.has(user.id)) return true;
    const caller = this.#caller;
    if (caller.kind !== 'user') return false;
    return caller.userId === user.id || hasRole(caller, 'ADMIN') || hasRole(caller, 'RISK_OFFICER');
  }

  /** ADMIN only: replaces a user's roles, audited. An ADMIN cannot drop their own ADMIN role. */
  async setRoles(userId: string, roles: readonly string[]): Promise<User> {
    const admin = requireRole(this.#caller, 'ADMIN');
    parseId(userId, 'userId');
    const wanted = [...new Set(roles)];
    if (wanted.length === 0) throw new BadUserInputError('A user needs at least one role.', 'roles');
    if (!wanted.every(isRole)) throw new BadUserInputError('Unknown role.', 'roles');
    if (userId === admin.userId && !wanted.includes('ADMIN')) {
      throw new BadUserInputError('You cannot remove your own ADMIN role.', 'roles');
    }
    return this.#em.transactional(async (em) => {
      const user = await em.findOne(User, { id: userId });
      if (!user) throw new NotFoundError('User');
      // An erased user is nobody any more: giving them roles would bring a person back.
      if (user.erasedAt) {
        throw new InvalidStateTransitionError("This user's personal data was erased; their roles stay as they are.", {
          reason: 'ALREADY_ERASED',
        });
      }
      const before = [...user.roles];
      user.roles = wanted as Role[];
      recordRolesChanged(em, user);
      recordSecurityChanged(em, user.id, 'ROLES_CHANGED');
      this.#audit.record(em, {
        type: 'ROLES_CHANGED',
        userId: user.id,
        actorId: admin.userId,
        details: { from: before.join(','), to: wanted.join(',') },
      });
      return user;
    });
  }
}
