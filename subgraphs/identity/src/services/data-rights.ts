/**
 * The customer's data rights, run by identity (platform/data-rights.ts has
 * the contract every subgraph follows).
 *
 * Export (GDPR articles 15 and 20): `requestDataExport` records a PENDING
 * export, then assembles it at once: identity's own section (profile,
 * sessions, audit entries about the user, earlier exports) and one section
 * from each other subgraph, asked in parallel as the signed internal service
 * `identity` (`<subgraph>PersonalData`). The archive is JSON text:
 *
 *   {"manifest": {formatVersion, generatedAt, exportId, userId,
 *                 sections: [{name, counts, bytes, sha256}]},
 *    "sections": {"identity": {...}, "banking": {...}, ...}}
 *
 * where each `sha256` is the SHA-256 (hex) of the section's compact JSON
 * text exactly as it appears in the archive (`JSON.stringify` of the parsed
 * section gives the same text). The export is READY with the archive stored
 * here, or FAILED when a subgraph could not answer (nothing partial is ever
 * offered). The router's `GET /data-export.json?id=` serves it to its owner.
 *
 * Erasure (article 17): `requestErasure` asks banking and lending what stops
 * it (money, holds, an open loan) and refuses with INVALID_STATE_TRANSITION,
 * changing nothing but an ERASURE_REFUSED audit entry; otherwise, in one
 * transaction, the user becomes an anonymous "Erased user" (email, name,
 * profiles and password gone, so sign-in fails like any wrong password), every
 * refresh token is revoked, their exports deleted, their id in the audit log
 * replaced by a fresh pseudonym, and `identity.user.erased` written to the
 * outbox for the other subgraphs to anonymize their own data.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { LockMode } from '@mikro-orm/core';
import { hasRole, requireUser, type Caller } from '../../../../platform/caller.ts';
import type { Config, SubgraphName } from '../../../../platform/config.ts';
import {
  DATA_EXPORT_FORMAT_VERSION,
  dataSectionSchema,
  ERASED_NAME,
  erasureBlockersSchema,
  iso,
  USER_ERASED,
  type DataSection,
  type ErasureBlocker,
} from '../../../../platform/data-rights.ts';
import {
  BankError,
  ErrorCode,
  ForbiddenError,
  InvalidStateTransitionError,
  NotFoundError,
  RateLimitedError,
} from '../../../../platform/errors.ts';
import type { Logger } from '../../../../platform/logger.ts';
import { sql, type EntityManager } from '../../../../platform/orm.ts';
import { recordEvent } from '../../../../platform/outbox.ts';
import { createServiceClient, ServiceCallError } from '../../../../platform/service-client.ts';
import { parseId } from '../../../../platform/validation.ts';
import {
  DataExport,
  FederatedIdentity,
  LoginChallenge,
  OidcSignIn,
  PasskeyChallenge,
  RecoveryCode,
  RefreshToken,
  SecondFactor,
  Session,
  User,
} from '../entities/index.ts';
import type { AuditLog } from './audit-log.ts';
import { sha256 } from './auth-service.ts';
import type { PasswordHasher } from './passwords.ts';
import { emailKeyOf, type SignInThrottle } from './sign-in-throttle.ts';

/** The router path that downloads an export. */
export const DATA_EXPORT_PATH = '/data-export.json';

/** Exports one user may ask for per {@link EXPORT_WINDOW_HOURS}: each one reads every subgraph. */
export const EXPORTS_PER_WINDOW = 5;
export const EXPORT_WINDOW_HOURS = 24;

/** The subgraphs asked for a section, in the archive's order (identity's own comes first). */
const PEERS = ['banking', 'billing', 'lending', 'messaging', 'assistant'] as const satisfies readonly SubgraphName[];
/** The subgraphs asked what stops an erasure. */
const ERASURE_CHECKS = ['banking', 'lending'] as const satisfies readonly SubgraphName[];

/** The archive's download path for one export. */
export const downloadPathOf = (exportId: string): string => `${DATA_EXPORT_PATH}?id=${exportId}`;

/** What `requestErasure` returns. */
export interface ErasureReceipt {
  userId: string;
  pseudonym: string;
  erasedAt: Date;
}

export class DataRights {
  readonly #em: EntityManager;
  readonly #caller: Caller;
  readonly #config: Config;
  readonly #audit: AuditLog;
  readonly #hasher: PasswordHasher;
  readonly #logger: Logger;
  readonly #throttle: SignInThrottle;

  constructor(deps: {
    em: EntityManager;
    caller: Caller;
    config: Config;
    audit: AuditLog;
    hasher: PasswordHasher;
    logger: Logger;
    throttle: SignInThrottle;
  }) {
    this.#em = deps.em;
    this.#caller = deps.caller;
    this.#config = deps.config;
    this.#audit = deps.audit;
    this.#hasher = deps.hasher;
    this.#logger = deps.logger;
    this.#throttle = deps.throttle;
  }

  // -------------------------------------------------------------------------
  // Export
  // -------------------------------------------------------------------------

  /** Records and assembles an export of the signed-in user's data; READY or FAILED. */
  async requestExport(): Promise<DataExport> {
    const { userId } = requireUser(this.#caller);
    const user = await this.#em.findOne(User, { id: userId });
    if (!user) throw new NotFoundError('User');
    const since = new Date(Date.now() - EXPORT_WINDOW_HOURS * 3_600_000);
    const recent = await this.#em.find(
      DataExport,
      { userId, requestedAt: { $gt: since } },
      { orderBy: { requestedAt: 'asc' }, limit: EXPORTS_PER_WINDOW },
    );
    if (recent.length >= EXPORTS_PER_WINDOW) {
      const retryAfterSeconds = Math.max(
        1,
        Math.ceil((recent[0]!.requestedAt.getTime() + EXPORT_WINDOW_HOURS * 3_600_000 - Date.now()) / 1000),
      );
      throw new RateLimitedError(
        `You may ask for ${EXPORTS_PER_WINDOW} data exports per ${EXPORT_WINDOW_HOURS} hours; download one you already have, or try again in ${retryAfterSeconds} seconds.`,
        retryAfterSeconds,
      );
    }
    // The request and its audit entry are written together (one flush is one transaction), before any call.
    const request = this.#em.create(DataExport, {
      id: randomUUID(),
      userId,
      status: 'PENDING',
      requestedAt: new Date(),
      completedAt: null,
      archive: null,
      sha256: null,
      sizeBytes: null,
      failureReason: null,
    });
    this.#audit.record(this.#em, { type: 'DATA_EXPORT_REQUESTED', userId, details: { exportId: request.id } });
    await this.#em.flush();

    let archive: string;
    try {
      archive = await this.#assemble(request, user);
    } catch (error) {
      const reason =
        error instanceof PeerUnavailable
          ? `The ${error.peer} service could not be reached, so the export would be incomplete. Ask for a new export in a moment.`
          : 'The export could not be assembled. Ask for a new export in a moment.';
      this.#logger.warn({ err: error, exportId: request.id }, 'data export failed');
      request.status = 'FAILED';
      request.failureReason = reason;
      request.completedAt = new Date();
      await this.#em.flush();
      return request;
    }
    request.status = 'READY';
    request.archive = archive;
    request.sha256 = sha256(archive);
    request.sizeBytes = Buffer.byteLength(archive, 'utf8');
    request.completedAt = new Date();
    await this.#em.flush();
    return request;
  }

  /** The signed-in user's exports, newest first. */
  async exports(): Promise<DataExport[]> {
    const { userId } = requireUser(this.#caller);
    return this.#em.find(DataExport, { userId }, { orderBy: { requestedAt: 'desc', id: 'desc' }, limit: 50 });
  }

  /** One export of the signed-in user; NOT_FOUND for anyone else's and for ids that do not exist. */
  async export(id: string, field = 'id'): Promise<DataExport> {
    const { userId } = requireUser(this.#caller);
    const exportId = parseId(id, field);
    const found = await this.#em.findOne(DataExport, { id: exportId, userId });
    if (!found) throw new NotFoundError('Data export', { field });
    return found;
  }

  /** The archive of a READY export of the signed-in user (the router's download), audited. */
  async download(id: string): Promise<{ body: string; filename: string }> {
    const found = await this.export(id);
    if (found.status !== 'READY') {
      throw new InvalidStateTransitionError(
        found.status === 'PENDING'
          ? 'This export is still being assembled; try again in a moment.'
          : 'This export failed; ask for a new one.',
        { status: found.status },
      );
    }
    await this.#em.populate(found, ['archive']);
    this.#audit.record(this.#em, {
      type: 'DATA_EXPORT_DOWNLOADED',
      userId: found.userId,
      details: { exportId: found.id },
    });
    await this.#em.flush();
    return { body: found.archive ?? '', filename: `data-export-${found.requestedAt.toISOString().slice(0, 10)}.json` };
  }

  async #assemble(request: DataExport, user: User): Promise<string> {
    const [own, ...peers] = await Promise.all([
      this.#identitySection(user),
      ...PEERS.map((peer) => this.#peerSection(peer, user.id)),
    ]);
    const sections: [string, DataSection][] = [
      ['identity', own],
      ...PEERS.map((peer, i) => [peer, peers[i]!] as [string, DataSection]),
    ];
    const texts = sections.map(([name, section]) => [name, JSON.stringify(section)] as const);
    const manifest = {
      formatVersion: DATA_EXPORT_FORMAT_VERSION,
      generatedAt: new Date().toISOString(),
      exportId: request.id,
      userId: user.id,
      sections: sections.map(([name, section], i) => ({
        name,
        counts: section.counts,
        bytes: Buffer.byteLength(texts[i]![1], 'utf8'),
        sha256: sha256(texts[i]![1]),
      })),
    };
    const body = texts.map(([name, text]) => `${JSON.stringify(name)}:${text}`).join(',');
    return `{"manifest":${JSON.stringify(manifest)},"sections":{${body}}}`;
  }

  async #identitySection(user: User): Promise<DataSection> {
    const em = this.#em.fork();
    const audit = await sql<{ type: string; actor_id: string | null; details: unknown; occurred_at: Date }>(
      em,
      `select type, case when actor_id = ? then 'self' when actor_id is null then null else 'staff' end as actor_id,
              details, occurred_at
         from audit_events where user_id = ? or actor_id = ? order by occurred_at, id`,
      [user.id, user.id, user.id],
    );
    const sessions = await em.find(RefreshToken, { userId: user.id }, { orderBy: { createdAt: 'asc', id: 'asc' } });
    const exports = await em.find(DataExport, { userId: user.id }, { orderBy: { requestedAt: 'asc', id: 'asc' } });
    const signIns = await em.find(Session, { userId: user.id }, { orderBy: { createdAt: 'asc', id: 'asc' } });
    const factors = await em.find(SecondFactor, { userId: user.id }, { orderBy: { createdAt: 'asc', id: 'asc' } });
    const recoveryCodes = await em.find(
      RecoveryCode,
      { userId: user.id },
      { orderBy: { createdAt: 'asc', id: 'asc' } },
    );
    const providers = await em.find(
      FederatedIdentity,
      { userId: user.id },
      { orderBy: { createdAt: 'asc', id: 'asc' } },
    );
    return {
      counts: {
        profile: 1,
        auditEntries: audit.length,
        sessions: signIns.length,
        sessionTokens: sessions.length,
        secondFactors: factors.length,
        recoveryCodes: recoveryCodes.length,
        identityProviders: providers.length,
        dataExports: exports.length,
      },
      data: {
        profile: {
          id: user.id,
          email: user.email,
          name: user.name,
          roles: [...user.roles],
          businessProfile: user.businessName
            ? { businessName: user.businessName, registrationNumber: user.registrationNumber, industry: user.industry }
            : null,
          bankerProfile: user.institution ? { institution: user.institution, title: user.title, bio: user.bio } : null,
          createdAt: iso(user.createdAt),
        },
        // Who acted is "self" or "staff": other people's ids are theirs, not yours.
        auditEntries: audit.map((a) => ({
          type: a.type,
          actor: a.actor_id,
          details: a.details,
          occurredAt: iso(a.occurred_at),
        })),
        // Refresh tokens themselves are never stored; only when each was issued, used, revoked.
        sessionTokens: sessions.map((t) => ({
          session: t.familyId,
          createdAt: iso(t.createdAt),
          expiresAt: iso(t.expiresAt),
          usedAt: iso(t.usedAt),
          revokedAt: iso(t.revokedAt),
        })),
        // Devices and how each sign-in was authenticated.
        sessions: signIns.map((s) => ({
          id: s.id,
          device: s.device,
          authenticationMethods: s.amr,
          createdAt: iso(s.createdAt),
          lastUsedAt: iso(s.lastUsedAt),
          revokedAt: iso(s.revokedAt),
        })),
        // Which factors exist and when they were used; never a TOTP secret or a passkey's key material.
        secondFactors: factors.map((f) => ({
          id: f.id,
          kind: f.kind,
          status: f.status,
          label: f.label,
          transports: f.transports,
          createdAt: iso(f.createdAt),
          confirmedAt: iso(f.confirmedAt),
          lastUsedAt: iso(f.lastUsedAt),
        })),
        // Recovery codes are stored only as hashes: when each was made and used.
        recoveryCodes: recoveryCodes.map((c) => ({ createdAt: iso(c.createdAt), usedAt: iso(c.usedAt) })),
        // Accounts at identity providers linked to this user.
        identityProviders: providers.map((f) => ({
          provider: f.provider,
          issuer: f.issuer,
          subject: f.subject,
          email: f.email,
          linkedAt: iso(f.createdAt),
          lastSignInAt: iso(f.lastSignInAt),
        })),
        dataExports: exports.map((e) => ({
          id: e.id,
          status: e.status,
          requestedAt: iso(e.requestedAt),
          completedAt: iso(e.completedAt),
        })),
      },
    };
  }

  async #peerSection(peer: (typeof PEERS)[number], userId: string): Promise<DataSection> {
    const field = `${peer}PersonalData`;
    const data = await this.#call<Record<string, string>>(peer, `query ($userId: ID!) { ${field}(userId: $userId) }`, {
      userId,
    });
    return dataSectionSchema.parse(JSON.parse(data[field] ?? 'null')) as DataSection;
  }

  /** Calls another subgraph as the internal service `identity`; PeerUnavailable when it gives no definite answer. */
  async #call<T>(peer: SubgraphName, query: string, variables: Record<string, unknown>): Promise<T> {
    const privateKey = this.#config.keys.serviceSigningPrivateKey;
    if (!privateKey) throw new Error('identity needs SERVICE_SIGNING_PRIVATE_KEY for data-rights requests');
    const request = createServiceClient({
      url: this.#config.router.subgraphUrls[peer],
      service: 'identity',
      privateKey,
      timeoutMs: 30_000,
    });
    try {
      return await request<T>(query, variables);
    } catch (error) {
      if (error instanceof ServiceCallError) throw new PeerUnavailable(peer, error);
      throw error;
    }
  }

  // -------------------------------------------------------------------------
  // Erasure
  // -------------------------------------------------------------------------

  /** Erases the signed-in user (or, for an ADMIN, `targetId`), or refuses with what stops it. */
  async requestErasure(targetId?: string | null): Promise<ErasureReceipt> {
    const caller = requireUser(this.#caller);
    const userId = targetId ? parseId(targetId, 'userId') : caller.userId;
    const byAdmin = userId !== caller.userId;
    if (byAdmin && !hasRole(caller, 'ADMIN')) {
      throw new ForbiddenError('Only an ADMIN may ask for the erasure of another user.');
    }
    const user = await this.#em.findOne(User, { id: userId });
    if (!user) throw new NotFoundError('User', { field: 'userId' });
    if (user.erasedAt) {
      throw new InvalidStateTransitionError("This user's personal data was already erased.", {
        reason: 'ALREADY_ERASED',
      });
    }
    if (user.roles.includes('ADMIN')) {
      throw new InvalidStateTransitionError(
        'An ADMIN cannot be erased: another ADMIN must first remove the ADMIN role (setUserRoles), then ask again.',
        { reason: 'ADMIN_ROLE' },
      );
    }

    const blockers = await this.#erasureBlockers(userId);
    if (blockers.length > 0) {
      const reasons = [...new Set(blockers.map((b) => b.reason))];
      await this.#em.transactional(async (em) => {
        this.#audit.record(em, {
          type: 'ERASURE_REFUSED',
          userId,
          actorId: byAdmin ? caller.userId : null,
          details: { reasons: reasons.join(',') },
        });
      });
      throw new InvalidStateTransitionError(
        `${byAdmin ? "This user's" : 'Your'} personal data cannot be erased yet, and nothing was changed: ${blockers
          .map((b) => b.message)
          .join(' ')} Then ask again.`,
        { reason: reasons[0]!, reasons: reasons.join(','), blockers: blockers.length },
      );
    }

    // An unusable password: the hash of random bytes nobody knows (hashed before the transaction: argon2 is slow).
    const unusableHash = await this.#hasher.hash(randomBytes(32).toString('base64url'));
    const pseudonym = randomUUID();
    const erasedAt = new Date();
    await this.#em.transactional(async (em) => {
      const row = await em.findOne(User, { id: userId }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
      if (!row || row.erasedAt) {
        throw new InvalidStateTransitionError("This user's personal data was already erased.", {
          reason: 'ALREADY_ERASED',
        });
      }
      const oldEmail = row.email;
      row.email = `erased-${row.id}@erased.invalid`;
      row.name = ERASED_NAME;
      row.passwordHash = unusableHash;
      row.businessName = null;
      row.registrationNumber = null;
      row.industry = null;
      row.institution = null;
      row.title = null;
      row.bio = null;
      row.erasedAt = erasedAt;
      await em.nativeUpdate(RefreshToken, { userId, revokedAt: null }, { revokedAt: erasedAt });
      await em.nativeUpdate(Session, { userId }, { device: null });
      await em.nativeUpdate(Session, { userId, revokedAt: null }, { revokedAt: erasedAt });
      // Second factors are personal data that nobody can use any more.
      await em.nativeDelete(SecondFactor, { userId });
      await em.nativeDelete(RecoveryCode, { userId });
      await em.nativeDelete(LoginChallenge, { userId });
      await em.nativeDelete(PasskeyChallenge, { userId });
      // Links to identity providers go: the provider's account can sign up afresh, as nobody the bank knew.
      await em.nativeDelete(FederatedIdentity, { userId });
      await em.nativeDelete(OidcSignIn, { userId });
      await em.nativeDelete(DataExport, { userId });
      await this.#throttle.clear(em, emailKeyOf(oldEmail));
      // The audit log is kept, under a pseudonym: its entries stay linked to one another, not to the person.
      await sql(em, 'update audit_events set user_id = ? where user_id = ?', [pseudonym, userId]);
      await sql(em, 'update audit_events set actor_id = ? where actor_id = ?', [pseudonym, userId]);
      this.#audit.record(em, {
        type: 'USER_ERASED',
        userId: pseudonym,
        actorId: byAdmin ? caller.userId : pseudonym,
        details: { byAdmin },
      });
      recordEvent(em, USER_ERASED, { userId });
    });
    this.#logger.info({ byAdmin }, 'user erased');
    return { userId, pseudonym, erasedAt };
  }

  async #erasureBlockers(userId: string): Promise<ErasureBlocker[]> {
    try {
      const answers = await Promise.all(
        ERASURE_CHECKS.map(async (peer) => {
          const field = `${peer}ErasureBlockers`;
          const data = await this.#call<Record<string, string>>(
            peer,
            `query ($userId: ID!) { ${field}(userId: $userId) }`,
            { userId },
          );
          return erasureBlockersSchema.parse(JSON.parse(data[field] ?? 'null'));
        }),
      );
      return answers.flat();
    } catch (error) {
      if (error instanceof PeerUnavailable) {
        this.#logger.warn({ err: error.cause }, 'erasure check failed');
        throw new BankError(
          ErrorCode.SERVICE_UNAVAILABLE,
          `The ${error.peer} service cannot be reached to check that nothing stops the erasure; nothing was changed. Try again in a moment.`,
        );
      }
      throw error;
    }
  }
}

/** Another subgraph did not answer a data-rights call. */
class PeerUnavailable extends Error {
  readonly peer: SubgraphName;
  constructor(peer: SubgraphName, cause: ServiceCallError) {
    super(`${peer}: ${cause.message}`, { cause });
    this.name = 'PeerUnavailable';
    this.peer = peer;
  }
}
