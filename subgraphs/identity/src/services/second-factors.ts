/**
 * Second factors: authenticator apps (TOTP, RFC 6238: 6 digits, 30 s,
 * SHA-1, as the apps expect) and single-use recovery codes; passkeys
 * (WebAuthn) plug in through {@link SecondFactorProof.passkeyResponse}.
 *
 * A TOTP code is accepted once: the time step it matched is stored and no
 * code of that step or an earlier one passes again (the update is
 * conditional, so two requests racing with the same code cannot both win).
 * Codes from one step either side of now pass (clock drift).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { generateSecret, generateURI, verify } from 'otplib';
import QRCode from 'qrcode';
import { requireUser, type Caller } from '../../../../platform/caller.ts';
import type { Config } from '../../../../platform/config.ts';
import {
  BadUserInputError,
  InvalidStateTransitionError,
  MfaRequiredError,
  NotFoundError,
  UnauthenticatedError,
} from '../../../../platform/errors.ts';
import type { EntityManager } from '../../../../platform/orm.ts';
import { SealedBox } from '../../../../platform/sealed-box.ts';
import { parseId } from '../../../../platform/validation.ts';
import { RecoveryCode, SecondFactor, User, type AuditEventType } from '../entities/index.ts';
import type { AuditLog } from './audit-log.ts';
import type { Sessions } from './sessions.ts';
import { emailKeyOf, type SignInThrottle } from './sign-in-throttle.ts';
import { sha256 } from './auth-service.ts';
import { recordSecurityChanged } from './user-events.ts';

/** What a user answers a second-factor question with: one of these. */
export interface SecondFactorProof {
  /** A 6-digit code of the authenticator app, or an unused recovery code. */
  code?: string | null;
  /** A passkey's answer (WebAuthn AuthenticationResponseJSON, as JSON text). */
  passkeyResponse?: string | null;
}

/** How a proof was verified: the RFC 8176 method and the factor used. */
export interface VerifiedFactor {
  method: 'otp' | 'hwk';
  factorId: string | null;
  recoveryCode: boolean;
}

/** Verifies a passkey answer (set by the passkey module); null when passkeys are not wired in. */
export type PasskeyVerifier = (
  em: EntityManager,
  userId: string,
  response: string,
  expectedChallenge: string,
) => Promise<VerifiedFactor | null>;

/** Spends and returns the latest unexpired challenge `userId` got from `beginPasskeyChallenge`; null when none (set by the passkey module). */
export type PasskeyChallengeStore = (em: EntityManager, userId: string) => Promise<string | null>;

/**
 * {@link SecondFactors.withFreshFactor}'s passkey challenge for operations
 * that have none of their own (removing a factor, new recovery codes): the
 * user's latest from `beginPasskeyChallenge`, spent by the attempt.
 */
export const STORED_PASSKEY_CHALLENGE = Symbol("the user's stored passkey challenge");

export interface TotpEnrollment {
  factorId: string;
  secret: string;
  otpauthUri: string;
  qrCodeDataUrl: string;
}

const RECOVERY_CODE_COUNT = 10;
const TOTP_STEP_SECONDS = 30;
const TOTP_CODE = /^\d{6}$/;
/** 16 characters of Crockford's base32 (80 bits) in four groups: `7K3M-Q9XD-2HTB-WN4P`. */
const RECOVERY_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const RECOVERY_CODE = /^[0-9A-Z]{16}$/;

/** One sealer per key: it holds the decoded key. */
const boxes = new WeakMap<Config, SealedBox>();
function factorBox(config: Config): SealedBox {
  let box = boxes.get(config);
  if (!box) {
    const key = config.keys.factorEncryptionKey;
    if (!key) throw new Error('identity needs FACTOR_ENCRYPTION_KEY');
    boxes.set(config, (box = new SealedBox(key)));
  }
  return box;
}

/** A new recovery code, grouped for reading. */
function newRecoveryCode(): string {
  const bytes = randomBytes(16);
  const chars = [...bytes].map((b) => RECOVERY_ALPHABET[b % 32]).join('');
  return chars.match(/.{4}/g)?.join('-') ?? chars;
}

/** A recovery code as typed (any case, dashes or spaces) in its stored form, or null when it is not one. */
function normalizedRecoveryCode(text: string): string | null {
  const plain = text.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  return RECOVERY_CODE.test(plain) ? plain : null;
}

export class SecondFactors {
  readonly #em: EntityManager;
  readonly #config: Config;
  readonly #caller: Caller;
  readonly #audit: AuditLog;
  readonly #sessions: Sessions;
  readonly #throttle: SignInThrottle;
  /** Set by the passkey module when it is wired in. */
  passkeys: PasskeyVerifier | null = null;
  /** Set by the passkey module when it is wired in. */
  passkeyChallenges: PasskeyChallengeStore | null = null;

  constructor(deps: {
    em: EntityManager;
    config: Config;
    caller: Caller;
    audit: AuditLog;
    sessions: Sessions;
    throttle: SignInThrottle;
  }) {
    this.#em = deps.em;
    this.#config = deps.config;
    this.#caller = deps.caller;
    this.#audit = deps.audit;
    this.#sessions = deps.sessions;
    this.#throttle = deps.throttle;
  }

  /** The active factors of `userId`, oldest first. */
  async active(userId: string, em: EntityManager = this.#em): Promise<SecondFactor[]> {
    return em.find(SecondFactor, { userId, status: 'ACTIVE' }, { orderBy: { createdAt: 'asc', id: 'asc' } });
  }

  /** Does `userId` have a second factor? */
  async has(userId: string, em: EntityManager = this.#em): Promise<boolean> {
    return (await em.count(SecondFactor, { userId, status: 'ACTIVE' })) > 0;
  }

  /** What a user can answer a second-factor question with: TOTP, PASSKEY, RECOVERY_CODE. */
  async kinds(userId: string, em: EntityManager = this.#em): Promise<string[]> {
    const kinds = new Set((await this.active(userId, em)).map((f) => f.kind));
    const codes = await em.count(RecoveryCode, { userId, usedAt: null });
    return [...kinds, ...(codes > 0 ? ['RECOVERY_CODE'] : [])];
  }

  /** Unused recovery codes of `userId`. */
  async recoveryCodesLeft(userId: string): Promise<number> {
    return this.#em.count(RecoveryCode, { userId, usedAt: null });
  }

  /**
   * Starts turning on an authenticator app for the caller: a new secret, its
   * `otpauth://` URI and that URI as a QR code. Nothing is on until
   * {@link confirmTotp}. A pending enrolment replaces an earlier one.
   */
  async beginTotp(label: string | null | undefined, proof?: SecondFactorProof | null): Promise<TotpEnrollment> {
    const { userId } = requireUser(this.#caller);
    const name = (label ?? 'Authenticator app').trim();
    if (name === '' || name.length > 100) {
      throw new BadUserInputError('The label must be 1 to 100 characters.', 'label');
    }
    await this.requireFreshFactorToAdd(userId, proof);
    return this.#em.transactional(async (em) => {
      const user = await em.findOneOrFail(User, { id: userId });
      if ((await em.count(SecondFactor, { userId, kind: 'TOTP', status: 'ACTIVE' })) > 0) {
        throw new InvalidStateTransitionError(
          'An authenticator app is already on. Remove it (removeSecondFactor) before adding another.',
        );
      }
      await em.nativeDelete(SecondFactor, { userId, kind: 'TOTP', status: 'PENDING' });
      const secret = generateSecret();
      const factor = em.create(SecondFactor, {
        id: randomUUID(),
        userId,
        kind: 'TOTP',
        status: 'PENDING',
        label: name,
        sealedSecret: null,
        lastUsedStep: null,
        credentialId: null,
        publicKey: null,
        signCount: null,
        transports: null,
        confirmedAt: null,
        lastUsedAt: null,
      });
      factor.sealedSecret = factorBox(this.#config).sealText(factor.id, secret);
      const otpauthUri = generateURI({ issuer: this.#config.auth.webauthn.rpName, label: user.email, secret });
      const qrCodeDataUrl = await QRCode.toDataURL(otpauthUri, { errorCorrectionLevel: 'M' });
      return { factorId: factor.id, secret, otpauthUri, qrCodeDataUrl };
    });
  }

  /**
   * Turns the pending authenticator app on with its first code, and returns
   * ten new recovery codes (shown once; earlier unused ones stop working).
   */
  async confirmTotp(code: string): Promise<string[]> {
    const { userId } = requireUser(this.#caller);
    return this.#em.transactional(async (em) => {
      const factor = await em.findOne(SecondFactor, { userId, kind: 'TOTP', status: 'PENDING' });
      if (!factor) {
        throw new InvalidStateTransitionError(
          'There is no authenticator app to confirm: call beginTotpEnrollment first.',
        );
      }
      const step = await this.#matchTotp(factor, code);
      if (step === null) throw new BadUserInputError('The code is not the one the app shows now.', 'code');
      const hadFactor = await this.has(userId, em);
      factor.status = 'ACTIVE';
      factor.confirmedAt = new Date();
      factor.lastUsedStep = step;
      const codes = await this.replaceRecoveryCodes(em, userId);
      this.#audit.record(em, {
        type: 'SECOND_FACTOR_ADDED',
        userId,
        details: { kind: 'TOTP', factorId: factor.id },
      });
      // A first factor only raises the account's assurance; another one is a change payments must notice.
      if (hadFactor) recordSecurityChanged(em, userId, 'SECOND_FACTOR_ADDED');
      return codes;
    });
  }

  /**
   * A user who has a second factor proves one before adding another, so a
   * stolen session alone cannot add an attacker's factor: MFA_REQUIRED
   * (`reason` FRESH_FACTOR_REQUIRED) without a proof, UNAUTHENTICATED with a
   * wrong one (counted toward the sign-in lock). A first factor needs none.
   */
  async requireFreshFactorToAdd(userId: string, proof: SecondFactorProof | null | undefined): Promise<void> {
    const factors = await this.kinds(userId);
    if (factors.length === 0) return;
    if (!proof) {
      throw new MfaRequiredError('You already have a second factor: give a fresh one (proof) to add another.', {
        reason: 'FRESH_FACTOR_REQUIRED',
        factors,
      });
    }
    await this.withFreshFactor(userId, proof, STORED_PASSKEY_CHALLENGE, async () => undefined);
  }

  /** New recovery codes for the caller, after a fresh second factor; the old ones stop working. */
  async regenerateRecoveryCodes(proof: SecondFactorProof): Promise<string[]> {
    const { userId } = requireUser(this.#caller);
    if (!(await this.has(userId))) {
      throw new InvalidStateTransitionError('Recovery codes come with a second factor; turn one on first.');
    }
    return this.withFreshFactor(userId, proof, STORED_PASSKEY_CHALLENGE, async (em) => {
      const codes = await this.replaceRecoveryCodes(em, userId);
      this.#audit.record(em, { type: 'RECOVERY_CODES_REGENERATED', userId });
      return codes;
    });
  }

  /**
   * Removes one of the caller's factors, after a fresh second factor (any of
   * theirs), and ends every other session. With no factor left, the recovery
   * codes go too.
   */
  async remove(factorId: string, proof: SecondFactorProof): Promise<boolean> {
    const { userId } = requireUser(this.#caller);
    const id = parseId(factorId, 'id');
    const factor = await this.#em.findOne(SecondFactor, { id, userId, status: 'ACTIVE' });
    if (!factor) throw new NotFoundError('Second factor');
    return this.withFreshFactor(userId, proof, STORED_PASSKEY_CHALLENGE, async (em) => {
      await em.nativeDelete(SecondFactor, { id });
      if (!(await this.has(userId, em))) await em.nativeDelete(RecoveryCode, { userId });
      const sessionsEnded = await this.#sessions.endAllBut(em, userId, this.#sessions.currentId);
      this.#audit.record(em, {
        type: 'SECOND_FACTOR_REMOVED',
        userId,
        details: { kind: factor.kind, factorId: factor.id, sessionsEnded },
      });
      recordSecurityChanged(em, userId, 'SECOND_FACTOR_REMOVED');
      return true;
    });
  }

  /**
   * Checks a proof of a second factor of `userId`, spending what it uses (the
   * TOTP step, the recovery code). `passkeyChallenge` is the challenge a
   * passkey answer must have signed.
   * @returns how it was verified, or null when the proof is wrong.
   */
  async verify(
    em: EntityManager,
    userId: string,
    proof: SecondFactorProof,
    passkeyChallenge?: string | null,
  ): Promise<VerifiedFactor | null> {
    const answers = [proof.code, proof.passkeyResponse].filter((a) => a !== null && a !== undefined);
    if (answers.length !== 1) {
      throw new BadUserInputError('Give exactly one of code and passkeyResponse.', 'proof');
    }
    if (proof.passkeyResponse !== null && proof.passkeyResponse !== undefined) {
      if (!this.passkeys || !passkeyChallenge) return null;
      return this.passkeys(em, userId, proof.passkeyResponse, passkeyChallenge);
    }
    const code = (proof.code ?? '').trim();
    if (TOTP_CODE.test(code)) {
      const totp = await em.findOne(SecondFactor, { userId, kind: 'TOTP', status: 'ACTIVE' });
      if (!totp) return null;
      const step = await this.#matchTotp(totp, code);
      if (step === null) return null;
      // Spend the step: only one request can move it forward.
      const moved = await em.nativeUpdate(
        SecondFactor,
        { id: totp.id, $or: [{ lastUsedStep: null }, { lastUsedStep: { $lt: step } }] },
        { lastUsedStep: step, lastUsedAt: new Date() },
      );
      return moved === 1 ? { method: 'otp', factorId: totp.id, recoveryCode: false } : null;
    }
    const recovery = normalizedRecoveryCode(code);
    if (recovery === null) return null;
    const used = await em.nativeUpdate(
      RecoveryCode,
      { userId, codeHash: sha256(recovery), usedAt: null },
      { usedAt: new Date() },
    );
    if (used !== 1) return null;
    this.#audit.record(em, { type: 'RECOVERY_CODE_USED', userId });
    return { method: 'otp', factorId: null, recoveryCode: true };
  }

  /**
   * Runs `work` in one transaction with a second factor of `userId` just
   * verified (and spent). A wrong proof changes nothing, counts toward the
   * sign-in lock (audited as `failureAudit`) and is UNAUTHENTICATED; while
   * locked, RATE_LIMITED. `passkeyChallenge` is the challenge (base64url) a
   * passkey answer must have signed, compared exactly, or
   * {@link STORED_PASSKEY_CHALLENGE}.
   */
  async withFreshFactor<T>(
    userId: string,
    proof: SecondFactorProof,
    passkeyChallenge: string | typeof STORED_PASSKEY_CHALLENGE | null,
    work: (em: EntityManager, verified: VerifiedFactor) => Promise<T>,
    failureAudit: AuditEventType = 'SECOND_FACTOR_FAILED',
  ): Promise<T> {
    const user = await this.#em.findOneOrFail(User, { id: userId });
    const emailKey = emailKeyOf(user.email);
    await this.#throttle.refuseWhileLocked(emailKey);
    const outcome = await this.#em.transactional(async (em) => {
      const challenge =
        passkeyChallenge !== STORED_PASSKEY_CHALLENGE
          ? passkeyChallenge
          : typeof proof.passkeyResponse === 'string' && this.passkeyChallenges
            ? await this.passkeyChallenges(em, userId)
            : null;
      const verified = await this.verify(em, userId, proof, challenge);
      return verified ? { ok: true as const, value: await work(em, verified) } : { ok: false as const };
    });
    if (!outcome.ok) {
      await this.#throttle.recordFailure(emailKey, userId, failureAudit);
      throw new UnauthenticatedError('The second factor is wrong, expired or was already used.', {
        reason: 'SECOND_FACTOR_INVALID',
        field: 'proof',
      });
    }
    return outcome.value;
  }

  /** The time step `code` matches for `factor` (now, or one step either side) after its last used one; null otherwise. */
  async #matchTotp(factor: SecondFactor, code: string): Promise<number | null> {
    if (!TOTP_CODE.test(code.trim()) || !factor.sealedSecret) return null;
    const secret = factorBox(this.#config).openText(factor.id, factor.sealedSecret);
    const result = await verify({
      secret,
      token: code.trim(),
      epochTolerance: TOTP_STEP_SECONDS,
      ...(factor.lastUsedStep !== null ? { afterTimeStep: factor.lastUsedStep } : {}),
    });
    return result.valid && 'timeStep' in result ? result.timeStep : null;
  }

  /** Ten new recovery codes of `userId`, in `em`'s transaction; earlier ones stop working. Shown once: only hashes are kept. */
  async replaceRecoveryCodes(em: EntityManager, userId: string): Promise<string[]> {
    await em.nativeDelete(RecoveryCode, { userId });
    const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
    for (const code of codes) {
      em.create(RecoveryCode, {
        id: randomUUID(),
        userId,
        codeHash: sha256(normalizedRecoveryCode(code) as string),
        usedAt: null,
      });
    }
    return codes;
  }
}
